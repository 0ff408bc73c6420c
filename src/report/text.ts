import {
  type BaselineEntry,
  type BaselineOutcome,
  type Finding,
  type ScanResult,
  SEVERITIES,
  type Severity,
} from '../types';
import { formatBytes } from '../util/size';
import { byRemediation, reasonCount } from './describe';
import { shownSecret } from './redact';
import type { ReportOptions } from './reporter';

/**
 * The human report: one grep-like line per finding (`path:line:col  severity  rule  secret  account`),
 * then "what to do", one entry per kind of remediation with the findings it applies to, then totals:
 * files, bytes, every skip by reason and every suppression by check, so nothing is lost silently.
 */
const STYLE: Record<Severity | 'dim' | 'bold', [number, number]> = {
  critical: [31, 39],
  high: [31, 39],
  medium: [33, 39],
  low: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export function formatText(result: ScanResult, options: ReportOptions): string {
  const paint = (style: keyof typeof STYLE, text: string) =>
    options.color ? `\u001b[${STYLE[style][0]}m${text}\u001b[${STYLE[style][1]}m` : text;
  const out: string[] = [];
  const ruleWidth = Math.max(0, ...result.findings.map((f) => f.ruleId.length));
  const places = result.findings.map(
    (f) => `${printablePath(f.provenance.path)}:${f.location.line}:${f.location.column}`,
  );
  const placeWidth = Math.max(0, ...places.map((place) => place.length));
  for (const [i, finding] of result.findings.entries()) {
    const columns = [
      paint('bold', (places[i] ?? '').padEnd(placeWidth)),
      paint(finding.severity, finding.severity.padEnd(8)),
      finding.ruleId.padEnd(ruleWidth),
      shownSecret(finding.secret, options.redact),
    ];
    if (finding.account) columns.push(paint('dim', `account ${finding.account}`));
    const origin = originOf(finding);
    if (origin) columns.push(paint('dim', origin));
    out.push(columns.join('  '));
  }
  if (result.findings.length > 0) out.push('', paint('bold', 'What to do'), ...remediations(result.findings));
  for (const warning of result.warnings) {
    out.push(`warning: ${warning.path ? `${printablePath(warning.path)}: ` : ''}${warning.message}`);
  }
  out.push('', summary(result));
  return `${out.join('\n')}\n`;
}

/** Short git provenance: `commit 1a2b3c4 2024-05-01 Jane Doe`, plus history facts. */
function originOf(finding: Finding): string | undefined {
  const provenance = finding.provenance;
  if (provenance.kind === 'worktree') return undefined;
  if (provenance.kind === 'staged') return 'staged';
  if (provenance.kind === 'history' && provenance.unreachable)
    return `unreachable blob ${provenance.blob.slice(0, 7)}`;
  const commit = provenance.commit;
  const text = commit ? `commit ${commit.sha.slice(0, 7)} ${commit.date.slice(0, 10)} ${commit.author}` : '';
  if (provenance.kind !== 'history') return text;
  const where = provenance.presentAtHead ? 'still in HEAD' : 'not in HEAD';
  return `${text} (${where}; in ${plural(provenance.commits, 'commit')})`;
}

function remediations(findings: readonly Finding[]): string[] {
  return byRemediation(findings).flatMap(([text, group]) => {
    const places = group.map((f) => `${printablePath(f.provenance.path)}:${f.location.line}`);
    const shown = places.length > 5 ? [...places.slice(0, 5), `and ${places.length - 5} more`] : places;
    return [`- ${shown.join(', ')}`, ...wrap(text, 96).map((line) => `  ${line}`)];
  });
}

function summary(result: ScanResult): string {
  const { stats, findings } = result;
  const counts = SEVERITIES.slice()
    .reverse()
    .map((severity) => [severity, findings.filter((f) => f.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  const files = new Set(findings.map((f) => f.provenance.path)).size;
  const found =
    findings.length === 0
      ? 'no findings'
      : `${plural(findings.length, 'finding')} in ${plural(files, 'file')} (${counts.join(', ')})`;
  const skipped = Object.entries(stats.skipped)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => reasonCount(reason, count));
  const suppressed = Object.entries(stats.suppressed)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([reason, count]) => reasonCount(reason, count));
  const what =
    stats.commits === undefined
      ? plural(stats.files, 'file')
      : `${plural(stats.commits, 'commit')}, ${plural(stats.files, 'blob')}`;
  const lines = [`${found}; scanned ${what} (${formatBytes(stats.bytes)}) in ${stats.durationMs} ms`];
  if (stats.shallow) lines.push('shallow clone: history before its boundary is absent');
  if (stats.submodules?.length)
    lines.push(`submodules (not entered): ${stats.submodules.map(printablePath).join(', ')}`);
  if (skipped.length > 0) lines.push(`skipped: ${skipped.join(', ')}`);
  if (suppressed.length > 0) lines.push(`not reported: ${suppressed.join(', ')}`);
  if (result.baseline) lines.push(...baselineLines(result.baseline));
  return lines.join('\n');
}

function baselineLines(outcome: BaselineOutcome): string[] {
  const entry = (e: BaselineEntry) =>
    `  ${e.rule} ${e.path === undefined ? '(any path)' : printablePath(e.path)} ${e.fingerprint.slice(0, 12)}`;
  const lines: string[] = [];
  if (outcome.expired.length > 0)
    lines.push(
      `baseline ${printablePath(outcome.file)}: ${plural(outcome.expired.length, 'entry', 'entries')} expired, so reported again:`,
      ...outcome.expired.map((e) => `${entry(e)} (expired ${e.expires})`),
    );
  if (outcome.stale.length > 0)
    lines.push(
      `baseline ${printablePath(outcome.file)}: ${plural(outcome.stale.length, 'entry', 'entries')} no longer match anything (remove them):`,
      ...outcome.stale.map(entry),
    );
  return lines;
}

function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** File names are data: control characters (newlines, terminal escapes) are shown escaped, never sent raw. */
export function printablePath(path: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  if (!/[\u0000-\u001f\u007f-\u009f]/.test(path)) return path;
  // JSON.stringify escapes C0 controls but not DEL or C1 (U+009B is CSI on 8-bit terminals)
  return JSON.stringify(path).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
