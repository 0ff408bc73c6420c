import type { Finding, ScanResult } from '../types';
import { findingFields } from './json';
import type { ReportOptions } from './reporter';

/**
 * JSON Lines: one JSON object per line, for tools that read a report as a stream (`jq -c`, log
 * shippers) and for scans too large to hold their findings. A `finding` line per finding, with the
 * fields of a JSON report's finding; then one `summary` line with what the JSON report holds besides
 * its findings (tool, warnings, statistics, baseline outcome). A reader that sees no summary line knows
 * the report was cut short.
 *
 * A working-tree scan writes each file's findings as soon as that file is scanned, and keeps none of
 * them (see cli/report-run.ts); the other commands write theirs once the scan is over, as their
 * findings are judged against each other first (what a change moved, where a sweep first saw a secret).
 */
export function formatJsonl(result: ScanResult, options: ReportOptions): string {
  return (
    result.findings.map((finding) => findingLine(finding, options.redact)).join('') +
    summaryLine(result, options.version)
  );
}

export function findingLine(finding: Finding, redact: boolean): string {
  return `${JSON.stringify({ type: 'finding', ...findingFields(finding, redact) })}\n`;
}

export function summaryLine(result: Omit<ScanResult, 'findings'>, version: string): string {
  const summary = {
    type: 'summary',
    version: 1,
    tool: { name: 'keysweep', version },
    warnings: result.warnings,
    stats: result.stats,
    ...(result.baseline ? { baseline: result.baseline } : {}),
  };
  return `${JSON.stringify(summary)}\n`;
}
