import type { Finding, Provenance, ScanResult } from '../types';
import { shownSecret } from './redact';
import type { ReportOptions } from './reporter';

/**
 * The JSON report: a contract other tools parse, so fields are only ever added. `file` is relative to
 * the scanned root with forward slashes; positions are 1-based (columns in UTF-16 code units, end exclusive).
 */
export function formatJson(result: ScanResult, options: ReportOptions): string {
  const report = {
    version: 1,
    tool: { name: 'keysweep', version: options.version },
    findings: result.findings.map((finding) => findingFields(finding, options.redact)),
    warnings: result.warnings,
    stats: result.stats,
    ...(result.baseline ? { baseline: result.baseline } : {}),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** One finding as the JSON report (and each `finding` line of JSON Lines) gives it. */
export function findingFields(finding: Finding, redact: boolean): Record<string, unknown> {
  return {
    ruleId: finding.ruleId,
    title: finding.title,
    severity: finding.severity,
    file: finding.provenance.path,
    line: finding.location.line,
    column: finding.location.column,
    endLine: finding.location.endLine,
    endColumn: finding.location.endColumn,
    secret: shownSecret(finding.secret, redact),
    fingerprint: finding.fingerprint,
    credential: finding.credential,
    credentialKind: finding.credentialKind,
    account: finding.account,
    entropy: Number(finding.entropy.toFixed(3)),
    remediation: finding.remediation,
    ...gitFields(finding.provenance),
  };
}

/** Where a git finding came from: the commit (staged: the blob), and for history sweeps what else holds it. */
function gitFields(provenance: Provenance): Record<string, unknown> {
  switch (provenance.kind) {
    case 'worktree':
      return {};
    case 'staged':
      return { blob: provenance.blob };
    case 'commit':
      return { blob: provenance.blob, commit: provenance.commit };
    case 'history':
      return {
        blob: provenance.blob,
        commit: provenance.commit,
        firstSeen: provenance.commit
          ? { sha: provenance.commit.sha, date: provenance.commit.date, path: provenance.path }
          : null,
        commits: provenance.commits,
        presentAtHead: provenance.presentAtHead,
        refs: provenance.refs,
        refsTruncated: provenance.refsTruncated,
        unreachable: provenance.unreachable,
      };
  }
}
