import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyBaseline, type Baseline, BaselineFilter, loadBaseline } from '../baseline/baseline';
import type { ReadText } from '../config/read-text';
import { loadScanSetup, type ScanSetup } from '../config/setup';
import type { ParallelOptions } from '../engine/parallel';
import { type ScanOptions, scan } from '../engine/scan';
import { KeysweepError, UsageError } from '../errors';
import { reporterFor } from '../report/formats';
import { FORMATS, type Format } from '../report/reporter';
import { printablePath } from '../report/text';
import { displayPath } from '../rules/load';
import type { Source } from '../sources/source';
import { type BaselineOutcome, type Finding, type ScanResult, SEVERITIES, type Severity } from '../types';
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
  /** Further reports, `FORMAT=FILE` each, written from the same scan. */
  report?: string[];
  redact: boolean;
  failOn: Severity;
  config?: string;
  rules: string[];
  maxFileSize?: string;
  baseline?: string;
}

const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/** 128 + SIGINT, as shells report a command stopped by Ctrl-C. */
const INTERRUPTED = 130;

export function setupFor(
  root: string,
  args: ReportArgs,
  io: Io,
  read?: ReadText,
): ScanSetup & { maxFileSize: number } {
  let maxFileSize: number | undefined;
  if (args.maxFileSize !== undefined) {
    maxFileSize = parseSize(args.maxFileSize);
    if (maxFileSize === undefined)
      throw new UsageError(`--max-file-size: "${args.maxFileSize}" is not ${SIZE_HINT}`);
  }
  const setup = loadScanSetup(root, io.cwd, {
    ...(args.config ? { config: args.config } : {}),
    rules: args.rules,
    ...(read ? { read } : {}),
  });
  return { ...setup, maxFileSize: maxFileSize ?? setup.config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE };
}

/**
 * `--jobs N`: threads that read and match (worker threads, see engine/parallel.ts). By default up to one
 * per core, and a working tree starts its workers only when its scan runs long enough to pay for them;
 * `--jobs N` asks for them whatever the scan's length.
 */
export function parallelFor(jobs: string | undefined): ParallelOptions {
  if (jobs === undefined) return { jobs: os.availableParallelism(), workersPayAfterMs: WORKERS_PAY_AFTER_MS };
  if (!/^\d+$/.test(jobs.trim()) || Number(jobs) < 1)
    throw new UsageError(`--jobs: "${jobs}" is not a whole number of at least 1`);
  return { jobs: Number(jobs) };
}

/**
 * See engine/scan-pace.ts. On 2 cores one worker was slower on a tree of ~0.3 s, as fast on one of
 * ~0.6 s (400 MB), and faster on longer ones.
 */
const WORKERS_PAY_AFTER_MS = 600;

export async function scanAndReport(
  source: Source,
  setup: ScanSetup,
  args: ReportArgs,
  io: Io,
  options: ScanOptions & { partial?: boolean } = {},
): Promise<{ code: number; result: ScanResult }> {
  const extra = (args.report ?? []).map(parseExtraReport);
  const file = baselineFile(args, setup, io);
  const baseline = file ? loadBaseline(file, displayPath(file, io.cwd), setup.read) : undefined;
  if (args.format === 'jsonl' && extra.length === 0)
    return streamJsonl(source, setup, args, io, options, baseline);
  let result = await scan(source, setup.ruleSet, setup.filters, {
    ...options,
    ...(io.signal ? { signal: io.signal } : {}),
  });
  // A change (staged, range) sees only part of what a baseline covers, so it cannot call entries stale.
  if (baseline) result = withBaseline(result, baseline, !options.partial);
  const color = args.format === 'text' && !args.output && io.stdout.isTTY === true && !io.env.NO_COLOR;
  const render = (format: Format, withColor: boolean) =>
    reporterFor(format)(result, {
      redact: args.redact,
      color: withColor,
      version: VERSION,
      ruleSet: setup.ruleSet,
    });
  const report = render(args.format, color);
  if (args.output) writeReport(path.resolve(io.cwd, args.output), report);
  else io.stdout.write(report);
  for (const { format, file } of extra) writeReport(path.resolve(io.cwd, file), render(format, false));
  const failing = result.findings.some((finding) => failsOn(finding, args.failOn));
  return { code: finishRun(result, failing, io), result };
}

/**
 * `--format jsonl` (and no further `--report`): each finding is written as the scan hands it over (a
 * working tree's as each file is scanned, see ScanOptions.onFindings), through the baseline one at a
 * time, and none is kept; the summary line follows the scan. The result returned has no findings.
 */
async function streamJsonl(
  source: Source,
  setup: ScanSetup,
  args: ReportArgs,
  io: Io,
  { partial, ...options }: ScanOptions & { partial?: boolean },
  baseline: Baseline | undefined,
): Promise<{ code: number; result: ScanResult }> {
  const { findingLine, summaryLine } = require('../report/jsonl') as typeof import('../report/jsonl');
  const out = reportWriter(args.output ? path.resolve(io.cwd, args.output) : undefined, io);
  const filter = baseline ? new BaselineFilter(baseline, today()) : undefined;
  let failing = false;
  try {
    const scanned = await scan(source, setup.ruleSet, setup.filters, {
      ...options,
      ...(io.signal ? { signal: io.signal } : {}),
      onFindings: (findings) => {
        let lines = '';
        for (const finding of findings) {
          if (filter && !filter.keeps(finding)) continue;
          lines += findingLine(finding, args.redact);
          failing ||= failsOn(finding, args.failOn);
        }
        if (lines) out.write(lines);
      },
    });
    const result = filter ? withOutcome(scanned, filter.outcome(!partial)) : scanned;
    out.write(summaryLine(result, VERSION));
    return { code: finishRun(result, failing, io), result };
  } finally {
    out.close();
  }
}

/**
 * Warnings to stderr, then the exit code: 1 when a reported finding is at or above --fail-on (`failing`),
 * else 2 for a warning.
 */
function finishRun(result: ScanResult, failing: boolean, io: Io): number {
  for (const warning of result.warnings)
    io.stderr.write(`keysweep: ${printablePath(warning.path ?? '')}: ${warning.message}\n`);
  if (io.signal?.aborted) {
    io.stderr.write('keysweep: interrupted: the report covers only what was scanned before\n');
    return INTERRUPTED;
  }
  if (failing) return 1;
  return result.warnings.length > 0 ? 2 : 0;
}

function failsOn(finding: Finding, failOn: Severity): boolean {
  return SEVERITIES.indexOf(finding.severity) >= SEVERITIES.indexOf(failOn);
}

/** Where a streamed report goes: stdout, or a file opened before the scan (a bad path fails first). */
function reportWriter(file: string | undefined, io: Io): { write(text: string): void; close(): void } {
  if (!file) return { write: (text) => io.stdout.write(text), close: () => {} };
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (error) {
    throw cannotWrite(file, error);
  }
  return {
    write: (text) => {
      try {
        writeSync(fd, text);
      } catch (error) {
        throw cannotWrite(file, error);
      }
    },
    close: () => closeSync(fd),
  };
}

export function baselineFile(args: ReportArgs, setup: ScanSetup, io: Io): string | undefined {
  return args.baseline ? path.resolve(io.cwd, args.baseline) : setup.config.baseline;
}

function withBaseline(result: ScanResult, baseline: Baseline, judgeStale: boolean): ScanResult {
  const { findings, outcome } = applyBaseline(result.findings, baseline, today(), judgeStale);
  return withOutcome({ ...result, findings }, outcome);
}

/** The baseline's outcome on a result whose findings it has filtered already. */
function withOutcome(result: ScanResult, outcome: BaselineOutcome): ScanResult {
  const suppressed = { ...result.stats.suppressed };
  if (outcome.suppressed > 0) suppressed.baseline = outcome.suppressed;
  return { ...result, stats: { ...result.stats, suppressed }, baseline: outcome };
}

/** YYYY-MM-DD (UTC), which baseline entries' `expires` is compared with. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The files a run writes its reports to (`--output`, `--report FORMAT=FILE`), absolute. */
export function reportFiles(args: ReportArgs, cwd: string): string[] {
  const files = (args.report ?? []).map((spec) => parseExtraReport(spec).file);
  if (args.output) files.push(args.output);
  return files.map((file) => path.resolve(cwd, file));
}

function parseExtraReport(spec: string): { format: Format; file: string } {
  const match = /^([a-z]+)=(.+)$/.exec(spec);
  const format = match?.[1] as Format | undefined;
  if (!match || !format || !FORMATS.includes(format))
    throw new UsageError(`--report: "${spec}" is not FORMAT=FILE`, `FORMAT is one of ${FORMATS.join(', ')}`);
  return { format, file: match[2] as string };
}

function writeReport(file: string, report: string): void {
  try {
    writeFileSync(file, report);
  } catch (error) {
    throw cannotWrite(file, error);
  }
}

function cannotWrite(file: string, error: unknown): KeysweepError {
  return new KeysweepError('E_IO', `${file}: cannot write report (${(error as NodeJS.ErrnoException).code})`);
}
