import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RuleSet } from '../types';

/**
 * The incremental-sweep cache (`keysweep history --cache DIR`): which blobs an earlier sweep under the
 * same rules and settings scanned and found clean, so the next sweep need not read them again. Only
 * clean blobs are remembered — never a secret, never a finding — so the cache leaks nothing and a blob
 * with findings is simply scanned again, which keeps the report identical to a full sweep. Entries are
 * keyed by blob id and the path the blob is attributed to (allowlisted paths can make a blob "clean").
 * The file is named by a hash of keysweep's version, the rules and the settings: change any of them and
 * the sweep starts afresh.
 */
export interface CleanBlob {
  /** Size in bytes (counted in the stats as if scanned), or -1 for a binary blob (counted as skipped). */
  readonly bytes: number;
  /** Candidates the checks dropped, by check, as the stats count them. */
  readonly suppressed?: Record<string, number>;
}

const FORMAT = 1;

export class ScanCache {
  private readonly fresh = new Map<string, CleanBlob>();

  private constructor(
    readonly file: string,
    private readonly known: ReadonlyMap<string, CleanBlob>,
  ) {}

  /** Opens the cache for this setup in `dir` (created if needed); an unreadable file is an empty cache. */
  static open(dir: string, identity: CacheIdentity): ScanCache {
    const file = path.join(dir, `history-${identityHash(identity)}.json`);
    let known = new Map<string, CleanBlob>();
    try {
      const document = JSON.parse(readFileSync(file, 'utf8'));
      if (document.format === FORMAT) known = new Map(Object.entries(document.clean));
    } catch {
      // missing or damaged: start afresh (the cache is an optimisation, never a source of truth)
    }
    return new ScanCache(file, known);
  }

  get(blob: string, at: string): CleanBlob | undefined {
    const hit = this.known.get(key(blob, at));
    if (hit) this.fresh.set(key(blob, at), hit); // still met: keep it
    return hit;
  }

  /** Records a blob this sweep found clean (or binary). */
  remember(blob: string, at: string, clean: CleanBlob): void {
    this.fresh.set(key(blob, at), clean);
  }

  /**
   * Writes what this sweep met (reused or learnt), atomically; entries it no longer met are dropped, so
   * the file does not grow with every rewrite of history.
   */
  save(): void {
    const clean = Object.fromEntries(this.fresh);
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ format: FORMAT, clean }));
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

function identityHash(identity: CacheIdentity): string {
  // where a rule was loaded from (shown relative to the current directory) does not change what it finds
  const text = JSON.stringify(identity, (name, value) =>
    name === 'origin' ? undefined : value instanceof RegExp ? `/${value.source}/${value.flags}` : value,
  );
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}
