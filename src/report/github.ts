import { type Finding, type ScanResult, SEVERITIES, type Severity } from '../types';
import { countLine, firstStep, introducedBy, scannedLine } from './describe';
import { shownSecret } from './redact';
import type { ReportOptions } from './reporter';

/**
 * GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per finding, escaped
 * as the Actions toolkit escapes them, so no file name or message can end a command early or start
 * another. GitHub shows at most 10 error and 10 warning annotations per step, so at most that many are
 * written, most severe first, and a notice says how many more the job summary and full report hold.
 */
const LIMIT = 10;
type Command = 'error' | 'warning' | 'notice';
const COMMAND: Record<Severity, Command> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'notice',
};

export function formatGithub(result: ScanResult, options: ReportOptions): string {
  const lines: string[] = [];
  const shown: Record<Command, number> = { error: 0, warning: 0, notice: 0 };
  let left = 0;
  const ordered = [...result.findings].sort(
    (a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity),
  );
  for (const finding of ordered) {
    const command = COMMAND[finding.severity];
    if (command !== 'notice' && shown[command] >= LIMIT) {
      left++;
      continue;
    }
    shown[command]++;
    lines.push(annotation(command, finding, options));
  }
  // findings first: files that could not be read get the warning slots that are left
  for (const warning of result.warnings) {
    if (shown.warning >= LIMIT) {
      left++;
      continue;
    }
    shown.warning++;
    const file = warning.path ? ` file=${escapeProperty(warning.path)},` : ' ';
    lines.push(
      `::warning${file}title=${escapeProperty('keysweep: not scanned')}::${escapeData(warning.message)}`,
    );
  }
  if (left > 0)
    lines.push(
      `::notice title=keysweep::${escapeData(`${left} more not annotated (GitHub shows 10 errors and 10 warnings per step): see the job summary or the full report`)}`,
    );
  lines.push(`keysweep: ${countLine(result.findings)}; scanned ${scannedLine(result)}`);
  return `${lines.join('\n')}\n`;
}

function annotation(command: Command, finding: Finding, options: ReportOptions): string {
  const { line, column, endLine, endColumn } = finding.location;
  const properties = [
    `file=${escapeProperty(finding.provenance.path)}`,
    `line=${line}`,
    `endLine=${endLine}`,
    `col=${column}`,
    `endColumn=${endColumn}`,
    `title=${escapeProperty(`keysweep: ${finding.title}`)}`,
  ];
  const parts = [`${finding.title}: ${shownSecret(finding.secret, options.redact)} (${finding.severity})`];
  if (finding.account) parts.push(`account ${finding.account}`);
  const origin = introducedBy(finding);
  if (origin) parts.push(origin);
  const message = `${parts.join(', ')}. ${firstStep(finding.remediation)}`;
  return `::${command} ${properties.join(',')}::${escapeData(message)}`;
}

/** As @actions/core escapes command data. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** As @actions/core escapes command properties: data escaping plus `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
