import { ReadBuffer } from '../sources/read-file';
import type {
  CachedItem,
  CountedItem,
  FileItem,
  LoadItem,
  SkipItem,
  Source,
  SourceItem,
} from '../sources/source';
import type { Finding, Provenance, RuleSet, ScanResult, ScanStats, ScanWarning } from '../types';
import type { FragmentFilters } from './fragment';
import type { JobOutcome } from './job-wire';
import { keywordInput } from './keywords';
import {
  DEFAULT_MIN_BYTES,
  DEFAULT_MIN_ITEMS,
  defaultWorkerScript,
  type ParallelOptions,
  type SendMode,
  WorkerPool,
  type WorkerSetup,
} from './parallel';
import { totalsOf } from './scan-cache';
import type { ScannedFileOutcome } from './scan-file';
import { ScanPace } from './scan-pace';

/**
 * Orchestration: pulls items from a source, decodes each file once, runs the engine on it, and keeps
 * the statistics (files, bytes, skips by reason, suppressions by check). A secret found again at the
 * same path later in the source's order (the same key in a later commit) is reported once, at its first
 * occurrence. Findings come out sorted by file, line, column and rule so that reports are stable.
 *
 * Files a source yields as `load` items are read and scanned in this thread, one after another; with
 * `parallel.jobs` > 1 and enough of them in sight, worker threads take their share too (see
 * parallel.ts), and this thread scans whatever they have no room for. Either way every item's outcome
 * is merged here one at a time in the source's order, so the result — findings, statistics, warnings,
 * and the calls to `onScanned` and `onProgress` — is the same for any number of workers.
 */
export interface ScanOptions {
  /** Report secrets that the `before` versions already held, too (`--all`). */
  readonly all?: boolean;
  /** Checked between items: an aborted scan stops early and reports what it found so far. */
  readonly signal?: AbortSignal;
  /** Called after every PROGRESS_EVERY-th file and after the last, for progress displays. */
  readonly onProgress?: (stats: Readonly<ScanStats>) => void;
  /** Called with what each scanned file yielded (for the incremental-sweep cache). */
  readonly onScanned?: (provenance: Provenance, outcome: ScannedFile) => void;
  /** Worker threads for reading and matching (`--jobs`); absent: everything in this thread. */
  readonly parallel?: ParallelOptions;
  /**
   * Takes the findings instead of the result, which then has none: each file's as soon as they are
   * final, in the order files are merged (sorted within a file), and the scan keeps none of them. A
   * source whose `finish` judges the findings once the scan is over (a change, a history sweep) hands
   * them all over then, sorted as in the result.
   */
  readonly onFindings?: (findings: readonly Finding[]) => void;
}

export interface ScannedFile {
  readonly bytes: number;
  readonly binary: boolean;
  readonly findings: number;
  readonly suppressed: Readonly<Record<string, number>>;
}

/**
 * A progress display redraws a few times a second; building its statistics for each item (the source's
 * own, then a copy of the scan's) cost a 20,000-blob sweep ~85 ms, and the display ~65 ms more. Every
 * 64th item keeps it moving, and depends on the items' order alone, as the rest of the result does.
 */
const PROGRESS_EVERY = 64;
const BREATHE_MS = 50;
/** With workers running, their answers are only received when the event loop turns. */
const BREATHE_MS_WITH_WORKERS = 5;
/** How far ahead of the oldest unmerged item the source is pulled when workers may run. */
const LOOKAHEAD = 1024;

/**
 * The engine itself, loaded when this thread first scans a file: a history sweep whose blobs all go to
 * workers does without its modules here (fragment, detect, keywords, pairing and the rest). Kept once
 * loaded: a cached `require` still costs ~0.4 µs a call.
 */
let engine: typeof import('./scan-file') | undefined;
const scanFileModule = () => {
  engine ??= require('./scan-file') as typeof import('./scan-file');
  return engine;
};

/** One item of the source, in order, until its outcome is merged. */
interface Entry {
  readonly item: SourceItem;
  /** `source.stats()` when the item was pulled (or up to PROGRESS_EVERY items before), for `onProgress`. */
  readonly extra: Partial<ScanStats> | undefined;
  /** What merging it needs: the item itself, or what its load (and, in a worker, its scan) gave. */
  outcome: SkipItem | FileItem | CachedItem | CountedItem | JobOutcome | undefined;
  failure: { error: unknown } | undefined;
  settled: boolean;
}

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
  // A secret found again at the same path (the same key in a later commit) is reported once, first.
  const seenSecrets = new Set<string>();
  const firstAtItsPath = (finding: Finding): boolean => {
    const key = `${finding.fingerprint}\0${finding.provenance.path}`;
    if (seenSecrets.has(key)) return false;
    seenSecrets.add(key);
    return true;
  };
  /** With `onFindings`, and no `finish` to judge them later, a file's findings are final once merged. */
  const onFindings = options.onFindings;
  const streamed =
    onFindings && !source.finish
      ? (findings: readonly Finding[]) => {
          const fresh = findings.filter(firstAtItsPath);
          if (fresh.length > 0) onFindings(fresh.sort(compareFindings));
        }
      : undefined;
  /** Files merged since the last progress call, and the last one's entry. */
  let unreported = 0;
  let lastMerged: Entry | undefined;
  const progress = (entry: Entry, last = false): void => {
    if (!options.onProgress) return;
    lastMerged = entry;
    if (!last && ++unreported < PROGRESS_EVERY) return;
    unreported = 0;
    options.onProgress({ ...stats, ...entry.extra });
  };
  /** `source.stats()` as of the last PROGRESS_EVERY-th item pulled (see Entry.extra). */
  let sourceStats: Partial<ScanStats> | undefined;
  let pulled = 0;

  /** A file this thread scans: one the source yielded read, or a `load` item it read itself. */
  const scanHere = (item: FileItem) =>
    scanFileModule().scanFile(item, ruleSet, filters, options.all === true);
  const merge = (entry: Entry): void => {
    if (entry.failure) throw entry.failure.error;
    const outcome = entry.outcome as NonNullable<Entry['outcome']>;
    if (outcome.kind === 'skip') {
      stats.skipped[outcome.reason]++;
      if (outcome.reason === 'unreadable')
        warnings.push({ path: outcome.path, message: outcome.detail ?? 'cannot read' });
      return;
    }
    if (outcome.kind === 'cached' || outcome.kind === 'counted') {
      const clean = outcome.kind === 'counted' ? outcome : totalsOf([outcome.clean]);
      stats.files += clean.files;
      stats.bytes += clean.bytes;
      stats.skipped.binary += clean.binary;
      addCounts(stats.suppressed, clean.suppressed);
      progress(entry);
      return;
    }
    const provenance = (entry.item as FileItem | LoadItem).provenance;
    const scanned = outcome.kind === 'file' ? scanHere(outcome) : withProvenance(outcome, provenance);
    if (scanned.binary) {
      stats.skipped.binary++;
      options.onScanned?.(provenance, { bytes: scanned.bytes, binary: true, findings: 0, suppressed: {} });
      return;
    }
    stats.files++;
    stats.bytes += scanned.bytes;
    if (streamed) streamed(scanned.findings);
    else found.push(...scanned.findings);
    addCounts(stats.suppressed, scanned.suppressed);
    options.onScanned?.(provenance, {
      bytes: scanned.bytes,
      binary: false,
      findings: scanned.findings.length,
      suppressed: scanned.suppressed,
    });
    progress(entry);
  };

  const queue: (Entry | undefined)[] = [];
  let head = 0; // the oldest entry not merged yet
  let cursor = 0; // no `load` entry before it waits to be started
  let waiting = 0; // `load` entries not started yet
  let done = false;
  let wake: (() => void) | undefined;
  const settle = (entry: Entry, outcome: Entry['outcome'], error?: unknown): void => {
    if (outcome === undefined) entry.failure = { error };
    else entry.outcome = outcome;
    entry.settled = true;
    if (entry === queue[head]) wake?.();
  };
  const setup: WorkerSetup | undefined = filters.allowPathGlobs && {
    ruleSet,
    allowPaths: filters.allowPathGlobs,
    allowSecrets: filters.allowSecrets,
  };
  // (a file read into the keyword scanner's own memory is scanned there without a copy)
  const reads = new ReadBuffer(undefined, () => keywordInput(ruleSet.rules));
  const loads = new Loads(source, options.parallel, setup, scanHere, settle, reads);
  source.onLoadsAhead?.((gitdir) => loads.startEarly(gitdir));
  // Without workers, an item is scanned as soon as it is pulled.
  const lookahead = loads.mayUseWorkers ? LOOKAHEAD : 1;
  /** The first `load` entry from `cursor` on that waits to be started, which moves the cursor past it. */
  const nextWaiting = (): Entry => {
    let entry = queue[cursor] as Entry;
    while (entry.item.kind !== 'load' || entry.settled) entry = queue[++cursor] as Entry;
    cursor++;
    waiting--;
    return entry;
  };
  const iterator = source.items()[Symbol.asyncIterator]();

  let breather = Date.now();
  try {
    for (;;) {
      // Git reads are synchronous underneath, so a sweep can run for seconds on microtasks alone; let the
      // event loop turn now and then, or Ctrl-C (a signal handler), the progress display's timers and the
      // workers' answers would only be seen once the sweep is over.
      if (Date.now() - breather > (loads.usingWorkers ? BREATHE_MS_WITH_WORKERS : BREATHE_MS)) {
        await new Promise((resolve) => setImmediate(resolve));
        breather = Date.now();
        loads.send('idle');
      }
      if (options.signal?.aborted) break;
      for (let entry = queue[head]; entry?.settled; entry = queue[head]) {
        queue[head++] = undefined;
        merge(entry);
      }
      if (head >= LOOKAHEAD && head * 2 >= queue.length) {
        queue.splice(0, head);
        cursor = Math.max(0, cursor - head);
        head = 0;
      }
      if (done && head === queue.length) break;

      loads.decide(waiting);
      cursor = Math.max(cursor, head);
      while (waiting > 0 && loads.capacity() > 0) loads.start(nextWaiting());
      if (done) loads.left(waiting);
      loads.send('full');

      if (!done && queue.length - head < lookahead) {
        const next = await iterator.next();
        if (next.done) {
          done = true;
          continue;
        }
        const item = next.value;
        if (item.kind === 'load') {
          if (!source.load) throw new Error(`the source yields ${item.kind} items it cannot load`);
          waiting++;
        }
        if (options.onProgress && source.stats && pulled++ % PROGRESS_EVERY === 0)
          sourceStats = source.stats();
        const ready = item.kind !== 'load';
        queue.push({
          item,
          extra: sourceStats,
          outcome: ready ? item : undefined,
          failure: undefined,
          settled: ready,
        });
        continue;
      }
      // Nothing more to pull for now, and the workers (if any) have all they can hold: this thread scans
      // the next item itself, or, with none left to start, waits for the oldest item.
      if (waiting > 0) {
        loads.runHere(nextWaiting());
        continue;
      }
      loads.send('all');
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (queue[head]?.settled) resolve();
      });
      wake = undefined;
    }
  } finally {
    if (!done) await iterator.return?.();
    await loads.close();
  }
  if (unreported > 0 && lastMerged) progress(lastMerged, true);

  const finished = source.finish
    ? await source.finish(found, { ruleSet, all: options.all === true })
    : { findings: found };
  addCounts(stats.suppressed, finished.suppressed ?? {});
  const findings = finished.findings.filter(firstAtItsPath).sort(compareFindings);
  Object.assign(stats, source.stats?.() ?? {});
  stats.durationMs = Date.now() - started;
  // Nothing in the result may depend on the order items were merged in, whatever a source's order:
  // counts by name and warnings are put in a fixed order.
  stats.suppressed = Object.fromEntries(
    Object.entries(stats.suppressed).sort(([a], [b]) => compareText(a, b)),
  );
  warnings.sort((a, b) => compareText(a.path ?? '', b.path ?? '') || compareText(a.message, b.message));
  if (!onFindings) return { findings, warnings, stats };
  if (findings.length > 0) onFindings(findings);
  return { findings: [], warnings, stats };
}

/**
 * Where `load` items are read and scanned: in this thread, one after another, until there is enough work
 * in sight to pay for starting workers (by the number of items, or by this thread's pace: see
 * ParallelOptions; a small tree, or a pre-commit run, never starts one). From then on the workers take
 * items as long as they have room for more, and this thread scans the rest itself: it is one of the
 * `--jobs` threads rather than idle.
 */
class Loads {
  readonly mayUseWorkers: boolean;
  /** `jobs` less this thread, which scans too (or, for a busy source, produces the items). */
  private readonly workers: number;
  private pool: WorkerPool | undefined;
  private readonly script: string | undefined;
  private bytesHere = 0;
  /** This thread's pace, when it decides on workers (see ParallelOptions.workersPayAfterMs). */
  private readonly pace: ScanPace | undefined;

  constructor(
    private readonly source: Source,
    private readonly parallel: ParallelOptions | undefined,
    private readonly setup: WorkerSetup | undefined,
    private readonly scanHere: (item: FileItem) => ScannedFileOutcome,
    private readonly settle: (entry: Entry, outcome: Entry['outcome'], error?: unknown) => void,
    /** What this thread reads files into: it scans each one before it loads the next. */
    private readonly reads: ReadBuffer,
  ) {
    this.workers = parallel ? Math.max(0, parallel.jobs - 1) : 0;
    this.script = this.workers > 0 ? (parallel?.workerScript ?? defaultWorkerScript()) : undefined;
    this.mayUseWorkers = this.script !== undefined && setup !== undefined && source.load !== undefined;
    const payAfterMs = parallel?.workersPayAfterMs;
    this.pace =
      this.mayUseWorkers && payAfterMs !== undefined && !source.busy ? new ScanPace(payAfterMs) : undefined;
  }

  get usingWorkers(): boolean {
    return this.pool !== undefined;
  }

  /** Starts the workers once `waiting` loads (or what was scanned here so far) make them worth it. */
  decide(waiting: number): void {
    if (this.pool || !this.mayUseWorkers || !this.parallel || !this.script || !this.setup) return;
    if (this.pace) {
      if (!this.pace.workersPay(waiting + (this.source.ahead?.() ?? 0))) return;
    } else {
      const minItems = this.parallel.minItems ?? DEFAULT_MIN_ITEMS;
      const minBytes = this.parallel.minBytes ?? DEFAULT_MIN_BYTES;
      if (waiting < minItems && !(this.bytesHere >= minBytes && waiting >= 2)) return;
    }
    this.startPool(this.script, this.setup);
  }

  /** Starts the workers now (see Source.onLoadsAhead), each opening the object store of `gitdir`. */
  startEarly(gitdir: string): void {
    if (this.pool || !this.mayUseWorkers || !this.script || !this.setup) return;
    this.startPool(this.script, { ...this.setup, gitdir });
  }

  private startPool(script: string, setup: WorkerSetup): void {
    this.pool = new WorkerPool(script, this.workers, setup);
  }

  /** How many more items the workers take now (none without workers). */
  capacity(): number {
    return this.pool ? this.pool.capacity() : 0;
  }

  /** Gives a `load` entry to the workers: call only while they have capacity. */
  start(entry: Entry): void {
    const item = entry.item as LoadItem;
    (this.pool as WorkerPool).run({ path: item.provenance.path, spec: item.spec }, (outcome, error) =>
      this.settle(entry, outcome, error),
    );
  }

  /** Reads and scans a `load` entry in this thread, now. */
  runHere(entry: Entry): void {
    const item = entry.item as LoadItem;
    this.pace?.scanning();
    let outcome: JobOutcome;
    try {
      const loaded = (this.source.load as NonNullable<Source['load']>)(item, this.reads);
      if (loaded.kind === 'file') this.bytesHere += loaded.bytes.length;
      outcome = loaded.kind === 'skip' ? loaded : this.scanHere(loaded);
    } catch (error) {
      this.settle(entry, undefined, error);
      return;
    }
    this.settle(entry, outcome);
  }

  /** Once the source is exhausted: how many items are still to be started (see WorkerPool.left). */
  left(waiting: number): void {
    if (this.pool) this.pool.left = waiting;
  }

  /** Sends the items started for the workers (see WorkerPool.send). */
  send(mode: SendMode): void {
    this.pool?.send(mode);
  }

  close(): Promise<void> {
    return this.pool?.close() ?? Promise.resolve();
  }
}

/** A worker's findings carry a placeholder provenance; the item's own goes back on them here. */
function withProvenance(outcome: ScannedFileOutcome, provenance: Provenance): ScannedFileOutcome {
  if (outcome.findings.length === 0) return outcome;
  return { ...outcome, findings: outcome.findings.map((finding) => ({ ...finding, provenance })) };
}

function addCounts(into: Record<string, number>, counts: Readonly<Record<string, number>>): void {
  for (const [reason, count] of Object.entries(counts)) into[reason] = (into[reason] ?? 0) + count;
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
