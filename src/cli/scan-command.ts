import { statSync } from 'node:fs';
import path from 'node:path';
import { KeysweepError } from '../errors';
import { worktreeSource } from '../sources/worktree';
import { type ReportArgs, scanAndReport, setupFor } from './report-run';
import type { Io } from './run';

/** `keysweep scan [PATH...]`: the working-tree scan. */
export interface ScanArgs extends ReportArgs {
  paths?: string[];
  include: string[];
  exclude: string[];
  gitignore: boolean;
}

export async function scanCommand(args: ScanArgs, io: Io): Promise<number> {
  const targets = (args.paths?.length ? args.paths : ['.']).map((target) => path.resolve(io.cwd, target));
  for (const target of targets) assertExists(target, io.cwd);
  // One directory: paths are relative to it and its .keysweep.yaml applies. Otherwise: the current directory.
  const root =
    targets.length === 1 && statSync(targets[0] as string).isDirectory() ? (targets[0] as string) : io.cwd;
  const setup = setupFor(root, args, io);
  const source = worktreeSource({
    root,
    targets,
    include: args.include,
    exclude: args.exclude,
    gitignore: args.gitignore,
    maxFileSize: setup.maxFileSize,
  });
  return (await scanAndReport(source, setup, args, io)).code;
}

function assertExists(target: string, cwd: string): void {
  try {
    statSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const shown = path.relative(cwd, target) || '.';
    throw new KeysweepError(
      'E_IO',
      `${shown}: ${code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code})`}`,
    );
  }
}
