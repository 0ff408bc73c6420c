import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadScanSetup } from '../config/setup';
import { scanWorktree } from '../engine/scan';
import { KeysweepError, UsageError } from '../errors';
import { formatJson } from '../report/json';
import type { Format, Reporter } from '../report/reporter';
import { formatText } from '../report/text';
import { type ScanResult, SEVERITIES, type Severity } from '../types';
import { parseSize, SIZE_HINT } from '../util/size';
import { type Io, VERSION } from './run';

/** `keysweep scan [PATH...]`: the working-tree scan, from arguments to report and exit code. */
export interface ScanArgs {
  paths?: string[];
  format: Format;
  output?: string;
  redact: boolean;
  failOn: Severity;
  config?: string;
  rules: string[];
  include: string[];
  exclude: string[];
  gitignore: boolean;
  maxFileSize?: string;
}

const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
const REPORTERS: Record<Format, Reporter> = { text: formatText, json: formatJson };

export async function scanCommand(args: ScanArgs, io: Io): Promise<number> {
  const targets = (args.paths?.length ? args.paths : ['.']).map((target) => path.resolve(io.cwd, target));
  for (const target of targets) assertExists(target, io.cwd);
  // One directory: paths are relative to it and its .keysweep.yaml applies. Otherwise: the current directory.
  const root = targets.length === 1 && isDirectory(targets[0] as string) ? (targets[0] as string) : io.cwd;
  let maxFileSize: number | undefined;
  if (args.maxFileSize !== undefined) {
    maxFileSize = parseSize(args.maxFileSize);
    if (maxFileSize === undefined)
      throw new UsageError(`--max-file-size: "${args.maxFileSize}" is not ${SIZE_HINT}`);
  }
  const setup = loadScanSetup(root, io.cwd, {
    ...(args.config ? { config: args.config } : {}),
    rules: args.rules,
  });
  const result = await scanWorktree(
    {
      root,
      targets,
      include: args.include,
      exclude: args.exclude,
      gitignore: args.gitignore,
      maxFileSize: maxFileSize ?? setup.config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    },
    setup.ruleSet,
    setup.filters,
  );
  const color = args.format === 'text' && !args.output && io.stdout.isTTY === true && !io.env.NO_COLOR;
  const report = REPORTERS[args.format](result, { redact: args.redact, color, version: VERSION });
  if (args.output) writeReport(path.resolve(io.cwd, args.output), report);
  else io.stdout.write(report);
  for (const warning of result.warnings) io.stderr.write(`keysweep: ${warning.path}: ${warning.message}\n`);
  return exitCode(result, args.failOn);
}

export function exitCode(result: ScanResult, failOn: Severity): number {
  const threshold = SEVERITIES.indexOf(failOn);
  if (result.findings.some((finding) => SEVERITIES.indexOf(finding.severity) >= threshold)) return 1;
  return result.warnings.length > 0 ? 2 : 0;
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

function isDirectory(target: string): boolean {
  return statSync(target).isDirectory();
}

function writeReport(file: string, report: string): void {
  try {
    writeFileSync(file, report);
  } catch (error) {
    throw new KeysweepError(
      'E_IO',
      `${file}: cannot write report (${(error as NodeJS.ErrnoException).code})`,
    );
  }
}
