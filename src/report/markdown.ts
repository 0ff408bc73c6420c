import type { Finding, ScanResult } from '../types';
import { byRemediation, countLine, reasonCount, scannedLine } from './describe';
import { shownSecret } from './redact';
import type { ReportOptions } from './reporter';

/**
 * GitHub-flavoured Markdown, for pull-request comments and the Actions job summary: a verdict, a table
 * of findings, what to do (each remediation once, with the places it applies to) and what was scanned.
 * Everything taken from the repository (paths above all) is escaped, so a file name cannot break the
 * table or inject markup. The table is capped so the document stays far below the summary's 1 MiB limit.
 */
const MAX_ROWS = 200;

export function formatMarkdown(result: ScanResult, options: ReportOptions): string {
  const out: string[] = [];
  const { findings } = result;
  out.push(
    findings.length === 0
      ? '**No AWS credentials found.**'
      : `**${countLine(findings)} in ${new Set(findings.map((f) => f.provenance.path)).size} file(s).**`,
    '',
  );
  if (findings.length > 0) {
    const withCommit = findings.some((f) => commitOf(f) !== undefined);
    const header = ['Severity', 'Location', 'Rule', 'Secret', 'Account', ...(withCommit ? ['Commit'] : [])];
    out.push(`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`);
    for (const finding of findings.slice(0, MAX_ROWS)) {
      const cells = [
        finding.severity,
        `${cell(finding.provenance.path)}:${finding.location.line}`,
        code(finding.ruleId),
        code(shownSecret(finding.secret, options.redact)),
        finding.account ?? '',
        ...(withCommit ? [commitOf(finding) ?? ''] : []),
      ];
      out.push(`| ${cells.join(' | ')} |`);
    }
    if (findings.length > MAX_ROWS)
      out.push('', `…and ${findings.length - MAX_ROWS} more: see the full report (\`--format json\`).`);
    out.push('', '### What to do', '');
    for (const [remediation, group] of byRemediation(findings)) {
      const places = group.map((f) => `${cell(f.provenance.path)}:${f.location.line}`);
      const shown = places.length > 5 ? [...places.slice(0, 5), `and ${places.length - 5} more`] : places;
      // remediation is keysweep's (or a rule author's) own Markdown-friendly text: not escaped
      out.push(`- **${shown.join(', ')}**: ${remediation.replace(/\s*\n\s*/g, ' ')}`);
    }
    out.push('');
  }
  out.push('### What was scanned', '', ...scanned(result));
  return `${out.join('\n')}\n`;
}

function commitOf(finding: Finding): string | undefined {
  const provenance = finding.provenance;
  if (provenance.kind === 'staged') return 'staged';
  if (provenance.kind === 'history' && provenance.unreachable)
    return `unreachable ${provenance.blob.slice(0, 7)}`;
  if (provenance.kind !== 'commit' && provenance.kind !== 'history') return undefined;
  return provenance.commit
    ? `${code(provenance.commit.sha.slice(0, 7))} ${provenance.commit.date.slice(0, 10)}`
    : undefined;
}

function scanned(result: ScanResult): string[] {
  const { stats } = result;
  const lines = [`- Scanned ${scannedLine(result)}.`];
  const list = (counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => reasonCount(reason, count))
      .join(', ');
  if (list(stats.skipped)) lines.push(`- Skipped: ${list(stats.skipped)}.`);
  if (list(stats.suppressed)) lines.push(`- Not reported: ${list(stats.suppressed)}.`);
  if (stats.shallow) lines.push('- Shallow clone: history before its boundary is absent.');
  if (stats.submodules?.length)
    lines.push(`- Submodules (not entered): ${stats.submodules.map(cell).join(', ')}.`);
  for (const warning of result.warnings.slice(0, MAX_ROWS))
    lines.push(`- ⚠️ ${warning.path ? `${cell(warning.path)}: ` : ''}${cell(warning.message)}`);
  if (result.warnings.length > MAX_ROWS)
    lines.push(`- ⚠️ …and ${result.warnings.length - MAX_ROWS} more warnings.`);
  if (result.baseline?.stale.length)
    lines.push(
      `- Baseline: ${result.baseline.stale.length} stale entr${result.baseline.stale.length === 1 ? 'y' : 'ies'} (no longer match anything).`,
    );
  if (result.baseline?.expired.length)
    lines.push(
      `- Baseline: ${result.baseline.expired.length} expired entr${result.baseline.expired.length === 1 ? 'y' : 'ies'}, reported again.`,
    );
  return lines;
}

/** Text in a table cell or list item: Markdown and HTML special characters escaped, control characters shown. */
export function cell(text: string): string {
  return (
    text
      // what can start emphasis, code, links, HTML or a table cell mid-line (`-` or `#` only matter at a
      // line's start, which a cell or list item never is)
      .replace(/[\\`*_[\]|<>~]/g, (c) => `\\${c}`)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped here
      .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  );
}

/** An inline code span that no backtick in the text can end early. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|')}${pad}${fence}`;
}
