import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BASELINE_FILE, entriesFor, formatBaseline } from '../baseline/baseline';
import { scan } from '../engine/scan';
import { KeysweepError, UsageError } from '../errors';
import { printablePath } from '../report/text';
import { displayPath } from '../rules/load';
import { worktreeSource } from '../sources/worktree';
import { parallelFor, type ReportArgs, reportFiles, scanAndReport, setupFor } from './report-run';
import type { Io } from './run';

/** `keysweep scan [PATH...]`: the working-tree scan. */
export interface ScanArgs extends ReportArgs {
  paths?: string[];
  include: string[];
  exclude: string[];
  gitignore: boolean;
  jobs?: string;
}

export async function scanCommand(args: ScanArgs, io: Io): Promise<number> {
  const parallel = parallelFor(args.jobs);
  const { source, setup } = worktreeScan(args, io);
  return (await scanAndReport(source, setup, args, io, { parallel })).code;
}

export interface BaselineCreateArgs extends ScanArgs {
  reason: string;
  expires?: string;
  anyPath: boolean;
}

/** `keysweep baseline create [PATH]`: the working tree's current findings, accepted as they are. */
export async function baselineCreateCommand(args: BaselineCreateArgs, io: Io): Promise<number> {
  if (
    args.expires !== undefined &&
    !(/^\d{4}-\d{2}-\d{2}$/.test(args.expires) && !Number.isNaN(Date.parse(args.expires)))
  )
    throw new UsageError(`--expires: "${args.expires}" is not a date (YYYY-MM-DD)`);
  const parallel = parallelFor(args.jobs);
  const { source, setup, root } = worktreeScan(args, io);
  const result = await scan(source, setup.ruleSet, setup.filters, { parallel });
  const entries = entriesFor(result.findings, {
    reason: args.reason,
    anyPath: args.anyPath,
    ...(args.expires ? { expires: args.expires } : {}),
  });
  const file = args.output ? path.resolve(io.cwd, args.output) : path.join(root, BASELINE_FILE);
  try {
    writeFileSync(file, formatBaseline(entries));
  } catch (error) {
    throw new KeysweepError(
      'E_IO',
      `${file}: cannot write baseline (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  io.stdout.write(
    `keysweep: wrote ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} to ${displayPath(file, io.cwd)}\n`,
  );
  for (const warning of result.warnings)
    io.stderr.write(`keysweep: ${printablePath(warning.path ?? '')}: ${warning.message}\n`);
  return result.warnings.length > 0 ? 2 : 0;
}

function worktreeScan(args: ScanArgs, io: Io) {
  for (const [flag, globs] of [
    ['include', args.include],
    ['exclude', args.exclude],
  ] as const)
    if (globs.some((glob) => glob.trim() === '')) throw new UsageError(`--${flag}: a glob must not be empty`);
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
    // The reports this run writes are not scanned, wherever they are: a JSON Lines report is written as
    // the scan goes (with --no-redact its own lines would be findings), and any other replaces the file.
    skip: new Set(reportFiles(args, io.cwd)),
  });
  return { source, setup, root };
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
