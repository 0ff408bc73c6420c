import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadScanSetup, type ScanSetup } from '../config/setup';
import { type ScanOptions, scan } from '../engine/scan';
import { KeysweepError, UsageError } from '../errors';
import { formatJson } from '../report/json';
import type { Format, Reporter } from '../report/reporter';
import { formatText } from '../report/text';
import type { Source } from '../sources/source';
import { type ScanResult, SEVERITIES, type Severity } from '../types';
import { parseSize, SIZE_HINT } from '../util/size';
import type { Io } from './run';
import { VERSION } from './version';

/**
 * What every scanning command shares once it has a source: load config and rules, scan, write the
 * report (stdout or --output), print warnings to stderr, and turn the result into the exit code.
 */
export interface ReportArgs {
  format: Format;
  output?: string;
  redact: boolean;
  failOn: Severity;
  config?: string;
  rules: string[];
  maxFileSize?: string;
}

const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
const REPORTERS: Record<Format, Reporter> = { text: formatText, json: formatJson };

export function setupFor(root: string, args: ReportArgs, io: Io): ScanSetup & { maxFileSize: number } {
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
  return { ...setup, maxFileSize: maxFileSize ?? setup.config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE };
}

export async function scanAndReport(
  source: Source,
  setup: ScanSetup,
  args: ReportArgs,
  io: Io,
  options: ScanOptions = {},
): Promise<{ code: number; result: ScanResult }> {
  const result = await scan(source, setup.ruleSet, setup.filters, options);
  const color = args.format === 'text' && !args.output && io.stdout.isTTY === true && !io.env.NO_COLOR;
  const report = REPORTERS[args.format](result, { redact: args.redact, color, version: VERSION });
  if (args.output) writeReport(path.resolve(io.cwd, args.output), report);
  else io.stdout.write(report);
  for (const warning of result.warnings) io.stderr.write(`keysweep: ${warning.path}: ${warning.message}\n`);
  return { code: exitCode(result, args.failOn), result };
}

export function exitCode(result: ScanResult, failOn: Severity): number {
  const threshold = SEVERITIES.indexOf(failOn);
  if (result.findings.some((finding) => SEVERITIES.indexOf(finding.severity) >= threshold)) return 1;
  return result.warnings.length > 0 ? 2 : 0;
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
