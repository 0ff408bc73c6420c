import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Io } from '../cli/run';
import { PACKAGE_ROOT } from '../util/package-root';
import { buildHistory } from './history-builder';
import { loadPlan } from './history-plan';

/**
 * `npm run fixture:history -- <dir> [plan.json]`: builds a history plan (by default the git-source test
 * fixture, `fixtures/history/plan.json`) into a new repository at `<dir>` and prints its commits, so the
 * fixture can be inspected with ordinary git tools. Refuses a directory that exists and is not empty.
 */
export { PACKAGE_ROOT };
export const DEFAULT_PLAN = path.join(PACKAGE_ROOT, 'fixtures', 'history', 'plan.json');

const USAGE = 'usage: build-history-cli <dir> [plan.json]';

export async function buildHistoryCli(
  argv: readonly string[],
  io: Pick<Io, 'stdout' | 'stderr' | 'cwd'>,
): Promise<number> {
  const [target, planFile, ...rest] = argv;
  if (target === undefined || target.startsWith('-') || rest.length > 0) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const dir = path.resolve(io.cwd, target);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    io.stderr.write(`build-history: ${target} exists and is not empty\n`);
    return 2;
  }
  try {
    const plan = loadPlan(planFile === undefined ? DEFAULT_PLAN : path.resolve(io.cwd, planFile));
    const built = await buildHistory(dir, plan);
    for (const [message, sha] of Object.entries(built.commits))
      io.stdout.write(`${sha.slice(0, 7)}  ${message}\n`);
    const commits = Object.keys(built.commits).length;
    const secrets = Object.keys(built.secrets).length;
    io.stdout.write(
      `built ${commits} commits with ${secrets} fake secrets in ${dir} (HEAD ${built.head.slice(0, 7)})\n`,
    );
    return 0;
  } catch (error) {
    for (const line of (error as Error).message.split('\n')) io.stderr.write(`build-history: ${line}\n`);
    return 2;
  }
}

if (require.main === module) {
  const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
  buildHistoryCli(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
