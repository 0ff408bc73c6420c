import { decodeText } from '../sources/decode';
import { type WorktreeOptions, walkWorktree } from '../sources/worktree';
import type { Finding, RuleSet, ScanResult, ScanStats, ScanWarning } from '../types';
import { type FragmentFilters, scanFragment } from './fragment';

/**
 * Orchestration: pulls items from a source, decodes each file once, runs the engine on it, and keeps
 * the statistics (files, bytes, skips by reason, suppressions by check). Findings come out sorted by
 * file, line, column and rule so that reports are stable whatever order files were read in.
 */
export async function scanWorktree(
  options: WorktreeOptions,
  ruleSet: RuleSet,
  filters: FragmentFilters,
): Promise<ScanResult> {
  const started = Date.now();
  const stats: ScanStats = {
    files: 0,
    bytes: 0,
    skipped: { binary: 0, tooLarge: 0, unreadable: 0, symlink: 0, special: 0 },
    suppressed: {},
    durationMs: 0,
  };
  const findings: Finding[] = [];
  const warnings: ScanWarning[] = [];
  const seen = new Set<string>();

  for await (const item of walkWorktree(options)) {
    if (seen.has(item.path)) continue; // overlapping targets, e.g. `scan . src`
    seen.add(item.path);
    if (item.kind === 'skip') {
      stats.skipped[item.reason]++;
      if (item.reason === 'unreadable')
        warnings.push({ path: item.path, message: item.detail ?? 'cannot read' });
      continue;
    }
    const decoded = decodeText(item.bytes);
    if (decoded.binary) {
      stats.skipped.binary++;
      continue;
    }
    stats.files++;
    stats.bytes += item.bytes.length;
    const fragment = { text: decoded.text, provenance: { kind: 'worktree' as const, path: item.path } };
    const outcome = scanFragment(fragment, ruleSet, filters);
    findings.push(...outcome.findings);
    for (const [reason, count] of Object.entries(outcome.suppressed)) {
      stats.suppressed[reason] = (stats.suppressed[reason] ?? 0) + count;
    }
  }
  stats.durationMs = Date.now() - started;
  warnings.sort((a, b) => compareText(a.path ?? '', b.path ?? ''));
  return { findings: findings.sort(compareFindings), warnings, stats, root: options.root };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.provenance.path, b.provenance.path) ||
    a.location.line - b.location.line ||
    a.location.column - b.location.column ||
    compareText(a.ruleId, b.ruleId)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
