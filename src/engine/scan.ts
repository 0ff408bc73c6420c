import { decodeText } from '../sources/decode';
import type { Source } from '../sources/source';
import type { Finding, Provenance, RuleSet, ScanResult, ScanStats, ScanWarning } from '../types';
import { type FragmentFilters, scanFragment } from './fragment';

/**
 * Orchestration: pulls items from a source, decodes each file once, runs the engine on it, and keeps
 * the statistics (files, bytes, skips by reason, suppressions by check). A secret found again at the
 * same path later in the source's order (the same key in a later commit) is reported once, at its first
 * occurrence. Findings come out sorted by file, line, column and rule so that reports are stable.
 */
export interface ScanOptions {
  /** Report secrets that the `before` versions already held, too (`--all`). */
  readonly all?: boolean;
  /** Checked between items: an aborted scan stops early and reports what it found so far. */
  readonly signal?: AbortSignal;
  /** Called after each item, for progress displays. */
  readonly onProgress?: (stats: Readonly<ScanStats>) => void;
  /** Called with what each scanned file yielded (for the incremental-sweep cache). */
  readonly onScanned?: (provenance: Provenance, outcome: ScannedFile) => void;
}

export interface ScannedFile {
  readonly bytes: number;
  readonly binary: boolean;
  readonly findings: number;
  readonly suppressed: Readonly<Record<string, number>>;
}

const BREATHE_MS = 50;

export async function scan(
  source: Source,
  ruleSet: RuleSet,
  filters: FragmentFilters,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const started = Date.now();
  const stats: ScanStats = {
    files: 0,
    bytes: 0,
    skipped: { binary: 0, tooLarge: 0, unreadable: 0, symlink: 0, special: 0 },
    suppressed: {},
    durationMs: 0,
  };
  const found: Finding[] = [];
  const warnings: ScanWarning[] = [];
  const seenPaths = new Set<string>();
  const seenSecrets = new Set<string>();

  let breather = Date.now();
  for await (const item of source.items()) {
    // Git reads are synchronous underneath, so a sweep can run for seconds on microtasks alone; let the
    // event loop turn now and then, or Ctrl-C (a signal handler) and the progress display's timers would
    // only run once the sweep is over.
    if (Date.now() - breather > BREATHE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      breather = Date.now();
    }
    if (options.signal?.aborted) break;
    if (item.kind === 'skip') {
      stats.skipped[item.reason]++;
      if (item.reason === 'unreadable')
        warnings.push({ path: item.path, message: item.detail ?? 'cannot read' });
      continue;
    }
    const { provenance } = item;
    if (item.kind === 'cached') {
      if (item.clean.bytes < 0) stats.skipped.binary++;
      else {
        stats.files++;
        stats.bytes += item.clean.bytes;
        addCounts(stats.suppressed, item.clean.suppressed ?? {});
      }
      options.onProgress?.({ ...stats, ...source.stats?.() });
      continue;
    }
    if (provenance.kind === 'worktree') {
      if (seenPaths.has(provenance.path)) continue; // overlapping targets, e.g. `scan . src`
      seenPaths.add(provenance.path);
    }
    const decoded = decodeText(item.bytes);
    if (decoded.binary) {
      stats.skipped.binary++;
      options.onScanned?.(provenance, {
        bytes: item.bytes.length,
        binary: true,
        findings: 0,
        suppressed: {},
      });
      continue;
    }
    stats.files++;
    stats.bytes += item.bytes.length;
    const before = options.all ? undefined : item.before?.flatMap((bytes) => textOf(bytes));
    const outcome = scanFragment(
      { text: decoded.text, provenance, ...(before ? { before } : {}) },
      ruleSet,
      filters,
    );
    found.push(...outcome.findings);
    addCounts(stats.suppressed, outcome.suppressed);
    options.onScanned?.(provenance, {
      bytes: item.bytes.length,
      binary: false,
      findings: outcome.findings.length,
      suppressed: outcome.suppressed,
    });
    options.onProgress?.({ ...stats, ...source.stats?.() });
  }
  const findings = (source.finish ? await source.finish(found) : found).filter((finding) => {
    const key = `${finding.fingerprint}\0${finding.provenance.path}`;
    if (seenSecrets.has(key)) return false;
    seenSecrets.add(key);
    return true;
  });
  Object.assign(stats, source.stats?.() ?? {});
  stats.durationMs = Date.now() - started;
  warnings.sort((a, b) => compareText(a.path ?? '', b.path ?? ''));
  return { findings: [...findings].sort(compareFindings), warnings, stats };
}

function addCounts(into: Record<string, number>, counts: Readonly<Record<string, number>>): void {
  for (const [reason, count] of Object.entries(counts)) into[reason] = (into[reason] ?? 0) + count;
}

function textOf(bytes: Buffer): string[] {
  const decoded = decodeText(bytes);
  return decoded.binary ? [] : [decoded.text];
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
