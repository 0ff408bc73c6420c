import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Io, run } from '../cli/run';
import { PACKAGE_ROOT } from './build-history-cli';
import { buildHistory } from './history-builder';
import { loadPlan } from './history-plan';

/**
 * `npm run demo`: builds a small, realistic repository (`fixtures/history/demo-plan.json`) whose working
 * tree is clean — a developer committed `.env` with a long-term key pair and "removed" it the next commit,
 * and pasted temporary STS credentials into a script that was later fixed — then runs
 * `keysweep history` on it, to show what a working-tree scan cannot see. The repository is left in a
 * temporary directory, whose path is printed, so it can be explored afterwards.
 */
export const DEMO_PLAN = path.join(PACKAGE_ROOT, 'fixtures', 'history', 'demo-plan.json');

export interface DemoOptions {
  /** Where the demo repository's temporary directory is made (default: the OS's). */
  readonly tmpRoot?: string;
  /** The CLI to run (tests replace it). */
  readonly run?: (argv: readonly string[], io: Io) => Promise<number>;
}

/** Builds the demo repository, runs `keysweep history` on it, and returns that run's exit code. */
export async function demo(io: Io, options: DemoOptions = {}): Promise<number> {
  const dir = path.join(
    mkdtempSync(path.join(options.tmpRoot ?? os.tmpdir(), 'keysweep-demo-')),
    'photo-share',
  );
  const built = await buildHistory(dir, loadPlan(DEMO_PLAN));
  io.stdout.write(
    'keysweep demo: a repository whose working tree is clean, but whose history is not — a key pair ' +
      'committed in .env and deleted the next commit, and temporary credentials once pasted into a script.\n',
  );
  io.stdout.write(
    `repository: ${dir} (${Object.keys(built.commits).length} commits; left in place to explore)\n\n`,
  );
  io.stdout.write(`$ keysweep history ${dir}\n`);
  return (options.run ?? run)(['history', dir], io);
}

if (require.main === module) {
  demo({ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`keysweep demo: ${(error as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
