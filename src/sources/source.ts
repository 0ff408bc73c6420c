import type { CleanBlob, CleanTotals } from '../engine/scan-cache';
import type { Finding, Provenance, RuleSet, ScanStats, SkipReason } from '../types';
import type { ReadBuffer } from './read-file';

/**
 * The seam between where text comes from and the engine. A source yields items in a stable order —
 * files to scan (raw bytes, plus the versions they replace, for git sources) and things it skipped, with
 * the reason — and may enrich the findings once the scan is over (a history sweep adds which commits
 * and refs hold each secret). `for await` gives back-pressure: a source reads only as fast as the scan.
 *
 * A source whose files are as cheap to read where they are scanned as in the source (the working tree,
 * the blobs of a history sweep) yields `load` items instead of `file` items: they say where the bytes
 * are, and the scan reads them — itself, through the source's `load`, or in a worker thread (see
 * engine/parallel.ts), so that reading and inflating are spread over the cores with the matching.
 */
export type SourceItem = FileItem | SkipItem | LoadItem | CachedItem | CountedItem;

export interface FileItem {
  readonly kind: 'file';
  readonly provenance: Provenance;
  readonly bytes: Buffer;
  /** Earlier versions: only secrets absent from all of them are reported (unless --all). */
  readonly before?: readonly Buffer[];
}

export interface SkipItem {
  readonly kind: 'skip';
  readonly path: string;
  readonly reason: SkipReason;
  readonly detail?: string;
}

/** A file to read before it is scanned: `load` turns it into the `file` or `skip` item it stands for. */
export interface LoadItem {
  readonly kind: 'load';
  readonly provenance: Provenance;
  readonly spec: LoadSpec;
}

/** A blob an earlier sweep under the same rules found clean (see engine/scan-cache.ts): not read again. */
export interface CachedItem {
  readonly kind: 'cached';
  readonly provenance: Provenance;
  readonly clean: CleanBlob;
}

/**
 * Many blobs an earlier sweep found clean, counted in one item: a sweep replayed from the cache (see
 * engine/scan-cache.ts) adds up twenty thousand of them without handing each to the scan loop.
 */
export interface CountedItem extends CleanTotals {
  readonly kind: 'counted';
}

/**
 * Where a `load` item's bytes are, in terms any thread can act on (structured-cloneable): a file by its
 * absolute path, or a blob by its id in the object store of a git directory.
 */
export type LoadSpec =
  | {
      readonly from: 'file';
      /** Bytes for a name that is not valid UTF-8 (a Uint8Array once it has crossed to a worker). */
      readonly absolute: string | Uint8Array;
      readonly maxFileSize: number;
    }
  | { readonly from: 'blob'; readonly gitdir: string; readonly oid: string; readonly maxFileSize: number };

export interface Source {
  items(): AsyncIterable<SourceItem>;
  /**
   * Producing the items keeps the scan's own thread busy (a history sweep reads and parses every tree):
   * its pace at scanning says nothing of the work to come, so workers start by the number of items in
   * sight (see ParallelOptions).
   */
  readonly busy?: boolean;
  /**
   * Called by the scan before it pulls the first item, with what the source calls once it knows that
   * many blobs of a git directory will follow after work of its own (a history sweep reads every commit
   * first): the scan then starts its workers at once, and they open that object store meanwhile, rather
   * than start once the first blobs queue up and leave this thread waiting for them.
   */
  onLoadsAhead?(announce: (gitdir: string) => void): void;
  /**
   * Reads a `load` item in this thread (with what the source has open), synchronously, as a worker
   * does; required to yield them. A file's bytes may be read into `into`, and are then valid until its
   * next read: the scan is done with them before it loads another item.
   */
  load?(item: LoadItem, into: ReadBuffer): FileItem | SkipItem;
  /**
   * How many more items the source has listed and not yielded yet (a working tree lists a directory
   * whole before its first item): a hint, with what the scan has pulled, of how long the scan will run.
   */
  ahead?(): number;
  /** Called once after the last item with every finding, in source order; gives the findings to report. */
  finish?(findings: readonly Finding[], context: FinishContext): Promise<Finished>;
  /** Extra statistics (commits, shallow, submodules) once the items are exhausted. */
  stats?(): Partial<ScanStats>;
}

/** What the scan hands a source's `finish`. */
export interface FinishContext {
  readonly ruleSet: RuleSet;
  /** `--all`: report the secrets that earlier versions already held, too. */
  readonly all: boolean;
}

/** What `finish` gives back: the findings to report, and how many it dropped, by reason. */
export interface Finished {
  readonly findings: Finding[];
  readonly suppressed?: Readonly<Record<string, number>>;
}
