import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HistoryFacts, Provenance, RuleSet, SkipReason } from '../types';

/**
 * The incremental-sweep cache (`keysweep history --cache DIR`): which blobs an earlier sweep under the
 * same rules and settings scanned and found clean, so the next sweep need not read them again. Only
 * clean blobs are remembered — never a secret, never a finding — so the cache leaks nothing and a blob
 * with findings is simply scanned again, which keeps the report identical to a full sweep. Entries are
 * keyed by blob id and the path the blob is attributed to (allowlisted paths can make a blob "clean").
 * The file is named by a hash of keysweep's version, the rules and the settings: change any of them and
 * the sweep starts afresh.
 *
 * With the clean blobs the cache keeps a snapshot of the last complete sweep: the refs it started from,
 * the few items that were not clean (blobs with findings, blobs too large, damaged objects), and for
 * each finding's fingerprint where it lives (commits, refs, HEAD). When the next sweep starts from the
 * same refs, nothing in its history can have changed (objects are immutable), so it replays the snapshot
 * instead of walking every tree again: the blobs with findings are scanned again (secrets are never
 * stored) and everything else is counted from the cache. Paths, commit ids, authors and fingerprints
 * are stored; secrets are not.
 */
export interface CleanBlob {
  /** Size in bytes (counted in the stats as if scanned), or -1 for a binary blob (counted as skipped). */
  readonly bytes: number;
  /** Candidates the checks dropped, by check, as the stats count them. */
  readonly suppressed?: Record<string, number>;
}

/** What a sweep yielded besides clean blobs, in order: blobs to scan again, and damaged objects. */
export type SnapshotItem =
  | { readonly kind: 'load'; readonly provenance: HistoryProvenance }
  | { readonly kind: 'skip'; readonly path: string; readonly reason: SkipReason; readonly detail?: string };

type HistoryProvenance = Extract<Provenance, { kind: 'history' }>;

export type PlaceFacts = Pick<HistoryFacts, 'commits' | 'presentAtHead' | 'refs' | 'refsTruncated'>;

export interface SweepSnapshot {
  /** A hash of the refs the sweep started from (and HEAD): the same key means the same history. */
  readonly key: string;
  readonly items: readonly SnapshotItem[];
  readonly stats: { readonly commits: number; readonly shallow: boolean; readonly submodules: string[] };
  /** By finding fingerprint. */
  readonly facts: Readonly<Record<string, PlaceFacts>>;
  /** The sweep's clean blobs added up, as a replay counts them (filled in when saved). */
  readonly clean?: CleanTotals;
}

export interface CleanTotals {
  readonly files: number;
  readonly bytes: number;
  readonly binary: number;
  readonly suppressed: Readonly<Record<string, number>>;
}

/**
 * The file is two JSON lines: a small header (format, snapshot), then the clean blobs. A replay reads
 * only the header; the clean blobs (a 20,000-blob history: 2 MB, ~60 ms to decode, parse and index)
 * are parsed only by a sweep that walks.
 */
const FORMAT = 3;

export class ScanCache {
  private readonly fresh = new Map<string, CleanBlob>();
  private recorded: SweepSnapshot | undefined;
  /** Whether this sweep found clean blobs the file does not list yet. */
  private learnt = false;
  private knownBlobs: Map<string, CleanBlob> | undefined;
  /** A replay meets no clean blob one by one: all of the last sweep's are still current. */
  private replaying = false;

  private constructor(
    readonly file: string,
    /** The clean-blob line of the file, parsed on first use. */
    private readonly cleanLine: Buffer | undefined,
    private readonly previous: SweepSnapshot | undefined,
  ) {}

  /** Opens the cache for this setup in `dir` (created if needed); an unreadable file is an empty cache. */
  static open(dir: string, identity: CacheIdentity): ScanCache {
    const file = path.join(dir, `history-${identityHash(identity)}.json`);
    let cleanLine: Buffer | undefined;
    let snapshot: SweepSnapshot | undefined;
    try {
      const bytes = readFileSync(file);
      const newline = bytes.indexOf(0x0a);
      const header = JSON.parse(bytes.toString('utf8', 0, newline < 0 ? bytes.length : newline));
      if (header.format === FORMAT && newline >= 0) {
        cleanLine = bytes.subarray(newline + 1);
        snapshot = looksLikeSnapshot(header.snapshot) ? header.snapshot : undefined;
      }
    } catch {
      // missing or damaged: start afresh (the cache is an optimisation, never a source of truth)
    }
    return new ScanCache(file, cleanLine, snapshot);
  }

  /** The last complete sweep, if it started from the history `key` names. */
  snapshot(key: string): SweepSnapshot | undefined {
    this.replaying = this.previous?.key === key;
    return this.replaying ? this.previous : undefined;
  }

  /** Records this sweep's snapshot, written by `save` (only a sweep that completed is saved). */
  recordSnapshot(snapshot: SweepSnapshot): void {
    this.recorded = snapshot;
  }

  get(blob: string, at: string): CleanBlob | undefined {
    const hit = this.known().get(key(blob, at));
    if (hit) this.fresh.set(key(blob, at), hit); // still met: keep it
    return hit;
  }

  /** Records a blob this sweep found clean (or binary). */
  remember(blob: string, at: string, clean: CleanBlob): void {
    this.fresh.set(key(blob, at), clean);
    this.learnt = true;
  }

  /**
   * Writes what this sweep met (reused or learnt), atomically; entries it no longer met are dropped, so
   * the file does not grow with every rewrite of history. A replay that learnt nothing writes nothing.
   */
  save(): void {
    if (this.replaying && !this.learnt && this.recorded === this.previous) return;
    if (this.replaying)
      for (const [entry, blob] of this.known()) if (!this.fresh.has(entry)) this.fresh.set(entry, blob);
    const clean = Object.fromEntries(this.fresh);
    // a blob the sweep yielded for reading and then found clean is counted from `clean` on replay
    const snapshot = this.recorded && {
      ...this.recorded,
      items: this.recorded.items.filter(
        (item) => item.kind === 'skip' || !this.fresh.has(key(item.provenance.blob, item.provenance.path)),
      ),
      clean: totalsOf(this.fresh.values()),
    };
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ format: FORMAT, snapshot })}\n${JSON.stringify(clean)}\n`);
    renameSync(temporary, this.file);
  }

  private known(): Map<string, CleanBlob> {
    if (this.knownBlobs === undefined) {
      try {
        this.knownBlobs = new Map(Object.entries(JSON.parse(this.cleanLine?.toString('utf8') || '{}')));
      } catch {
        this.knownBlobs = new Map(); // damaged: start afresh
      }
    }
    return this.knownBlobs;
  }
}

/** Clean blobs added up as the scan's statistics count them: binary ones as skipped, the rest as scanned. */
export function totalsOf(blobs: Iterable<CleanBlob>): CleanTotals {
  const totals = { files: 0, bytes: 0, binary: 0, suppressed: {} as Record<string, number> };
  for (const clean of blobs) {
    if (clean.bytes < 0) {
      totals.binary++;
      continue;
    }
    totals.files++;
    totals.bytes += clean.bytes;
    for (const [reason, count] of Object.entries(clean.suppressed ?? {}))
      totals.suppressed[reason] = (totals.suppressed[reason] ?? 0) + count;
  }
  return totals;
}

export interface CacheIdentity {
  readonly version: string;
  readonly ruleSet: RuleSet;
  /** Everything else that decides what a blob yields: allowlists, size limit. */
  readonly settings: unknown;
}

export const key = (blob: string, at: string) => `${blob}\0${at}`;

/** A damaged snapshot is ignored like a damaged file (the sweep then walks), never trusted half-way. */
function looksLikeSnapshot(value: unknown): value is SweepSnapshot {
  const snapshot = value as Partial<SweepSnapshot> | null | undefined;
  return (
    typeof snapshot?.key === 'string' &&
    Array.isArray(snapshot.items) &&
    snapshot.items.every(
      (item) =>
        (item?.kind === 'skip' && typeof item.path === 'string') ||
        (item?.kind === 'load' && typeof item.provenance?.blob === 'string'),
    ) &&
    typeof snapshot.stats?.commits === 'number' &&
    Array.isArray(snapshot.stats.submodules) &&
    typeof snapshot.facts === 'object' &&
    snapshot.facts !== null &&
    typeof snapshot.clean?.files === 'number' &&
    typeof snapshot.clean.bytes === 'number' &&
    typeof snapshot.clean.binary === 'number' &&
    typeof snapshot.clean.suppressed === 'object'
  );
}

function identityHash(identity: CacheIdentity): string {
  // where a rule was loaded from (shown relative to the current directory) does not change what it finds
  const text = JSON.stringify(identity, (name, value) =>
    name === 'origin' ? undefined : value instanceof RegExp ? `/${value.source}/${value.flags}` : value,
  );
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}
