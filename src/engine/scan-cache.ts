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

export type HistoryProvenance = Extract<Provenance, { kind: 'history' }>;

export type PlaceFacts = Pick<HistoryFacts, 'commits' | 'presentAtHead' | 'refs' | 'refsTruncated'>;

export interface SweepSnapshot {
  /** A hash of the refs the sweep started from (and HEAD): the same key means the same history. */
  readonly key: string;
  readonly items: readonly SnapshotItem[];
  readonly stats: { readonly commits: number; readonly shallow: boolean; readonly submodules: string[] };
  /** By finding fingerprint. */
  readonly facts: Readonly<Record<string, PlaceFacts>>;
}

const FORMAT = 2;

export class ScanCache {
  private readonly fresh = new Map<string, CleanBlob>();
  private recorded: SweepSnapshot | undefined;
  /** Whether this sweep found clean blobs the file does not list yet. */
  private learnt = false;

  private constructor(
    readonly file: string,
    private readonly known: ReadonlyMap<string, CleanBlob>,
    private readonly previous: SweepSnapshot | undefined,
  ) {}

  /** Opens the cache for this setup in `dir` (created if needed); an unreadable file is an empty cache. */
  static open(dir: string, identity: CacheIdentity): ScanCache {
    const file = path.join(dir, `history-${identityHash(identity)}.json`);
    let known = new Map<string, CleanBlob>();
    let snapshot: SweepSnapshot | undefined;
    try {
      const document = JSON.parse(readFileSync(file, 'utf8'));
      if (document.format === FORMAT) {
        known = new Map(Object.entries(document.clean));
        snapshot = looksLikeSnapshot(document.snapshot) ? document.snapshot : undefined;
      }
    } catch {
      // missing or damaged: start afresh (the cache is an optimisation, never a source of truth)
    }
    return new ScanCache(file, known, snapshot);
  }

  /** The last complete sweep, if it started from the history `key` names. */
  snapshot(key: string): SweepSnapshot | undefined {
    return this.previous?.key === key ? this.previous : undefined;
  }

  /** Every clean blob of the last sweep, as [blob, path, clean] (a replay counts them all). */
  *cleanBlobs(): Generator<[string, string, CleanBlob]> {
    for (const [entry, clean] of this.known) {
      this.fresh.set(entry, clean);
      const [blob, at] = entry.split('\0') as [string, string];
      yield [blob, at, clean];
    }
  }

  /** Records this sweep's snapshot, written by `save` (only a sweep that completed is saved). */
  recordSnapshot(snapshot: SweepSnapshot): void {
    this.recorded = snapshot;
  }

  get(blob: string, at: string): CleanBlob | undefined {
    const hit = this.known.get(key(blob, at));
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
   * the file does not grow with every rewrite of history.
   */
  save(): void {
    // a replay that learnt nothing would write the same file again
    if (!this.learnt && this.recorded === this.previous && this.fresh.size === this.known.size) return;
    const clean = Object.fromEntries(this.fresh);
    // a blob the sweep yielded for reading and then found clean is counted from `clean` on replay
    const snapshot = this.recorded && {
      ...this.recorded,
      items: this.recorded.items.filter(
        (item) => item.kind === 'skip' || !this.fresh.has(key(item.provenance.blob, item.provenance.path)),
      ),
    };
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ format: FORMAT, clean, snapshot }));
    renameSync(temporary, this.file);
  }
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
    snapshot.facts !== null
  );
}

function identityHash(identity: CacheIdentity): string {
  // where a rule was loaded from (shown relative to the current directory) does not change what it finds
  const text = JSON.stringify(identity, (name, value) =>
    name === 'origin' ? undefined : value instanceof RegExp ? `/${value.source}/${value.flags}` : value,
  );
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}
