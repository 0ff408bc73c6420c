import { type Finding, type ScanResult, SEVERITIES, type Severity } from '../types';
import { formatBytes } from '../util/size';

/** Phrases the annotation, Markdown and JUnit reports share, so they describe a finding the same way. */

/** "introduced in commit 1a2b3c4 by Jane Doe on 2024-05-01", or staged/unreachable wording; '' for files. */
export function introducedBy(finding: Finding): string {
  const provenance = finding.provenance;
  if (provenance.kind === 'worktree') return '';
  if (provenance.kind === 'staged') return 'staged for the next commit';
  if (provenance.kind === 'history' && provenance.unreachable)
    return `in unreachable blob ${provenance.blob.slice(0, 12)}`;
  const commit = provenance.commit;
  if (!commit) return '';
  const where =
    provenance.kind === 'history'
      ? ` (${provenance.presentAtHead ? 'still in HEAD' : 'no longer in HEAD'}; in ${provenance.commits} commit${provenance.commits === 1 ? '' : 's'})`
      : '';
  return `introduced in commit ${commit.sha.slice(0, 7)} by ${commit.author} on ${commit.date.slice(0, 10)}${where}`;
}

/** The first sentence of a remediation: what to do first. */
export function firstStep(remediation: string): string {
  const match = /^.+?[.!?](?=\s|$)/s.exec(remediation.trim());
  return (match ? match[0] : remediation).replace(/\s+/g, ' ');
}

/** "3 findings (1 critical, 2 high)" or "no findings". */
export function countLine(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  const counts = [...SEVERITIES]
    .reverse()
    .map((severity): [Severity, number] => [severity, findings.filter((f) => f.severity === severity).length])
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  return `${findings.length} finding${findings.length === 1 ? '' : 's'} (${counts.join(', ')})`;
}

/** "5 files (2.0 KiB)" or "3 commits, 9 blobs (2.4 KiB)". */
export function scannedLine(result: ScanResult): string {
  const { stats } = result;
  const what =
    stats.commits === undefined
      ? `${stats.files} file${stats.files === 1 ? '' : 's'}`
      : `${stats.commits} commit${stats.commits === 1 ? '' : 's'}, ${stats.files} blob${stats.files === 1 ? '' : 's'}`;
  return `${what} (${formatBytes(stats.bytes)}) in ${stats.durationMs} ms`;
}

/** Findings grouped by remediation text, most severe first: "what to do" lists each once. */
export function byRemediation(findings: readonly Finding[]): [string, Finding[]][] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings)
    groups.set(finding.remediation, [...(groups.get(finding.remediation) ?? []), finding]);
  const rank = (group: Finding[]) => Math.max(...group.map((f) => SEVERITIES.indexOf(f.severity)));
  return [...groups].sort(([, a], [, b]) => rank(b) - rank(a));
}

/** Why files were not scanned, named for people (the JSON report keeps the short keys): one, many. */
const SKIP_WORDS: Record<string, readonly [string, string]> = {
  binary: ['binary', 'binary'],
  tooLarge: ['too large', 'too large'],
  unreadable: ['unreadable', 'unreadable'],
  symlink: ['symlink (not followed)', 'symlinks (not followed)'],
  special: ['special file (FIFO, socket, device)', 'special files (FIFO, socket, device)'],
};

/** "3 binary", "1 symlink (not followed)": a count of skipped files (or of unreported candidates). */
export function reasonCount(reason: string, count: number): string {
  const words = SKIP_WORDS[reason];
  return `${count} ${words ? words[count === 1 ? 0 : 1] : (SUPPRESSION_WORDS[reason] ?? reason)}`;
}

/** Why candidates were not reported, named for people. */
export const SUPPRESSION_WORDS: Record<string, string> = {
  entropy: 'too little entropy',
  shape: 'not key-shaped',
  context: 'without AWS context',
  'rule-allowlist': 'documentation examples or placeholders',
  'allow-path': 'in allowlisted paths',
  'allow-secret': 'allowlisted secrets',
  'allow-inline': 'on keysweep:allow lines',
  'allow-inline-added': 'suppressed by an allow comment added in this change',
  'already-present': 'already there before the change',
  moved: 'moved from a file the change deletes or rewrites',
  baseline: 'accepted in the baseline',
};
