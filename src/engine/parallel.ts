import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RuleSet } from '../types';
import {
  decodeOutcome,
  encodeJobs,
  type Job,
  type JobOutcome,
  type WireJobs,
  type WireOutcome,
} from './job-wire';

/**
 * Worker threads for the CPU work of a scan: each reads a file or a blob (with its own object store on
 * the same git directory), decodes it and runs the engine on it, and sends back what it found. The
 * scan loop (engine/scan.ts) stays the orchestrator: the source still decides what is scanned and in
 * which order, and the loop merges the outcomes in that order, so a report does not depend on how many
 * workers there were or which one was quicker.
 *
 * Items go out in batches (a message per item would cost more than a small blob's scan) as workers ask
 * for work: each holds at most two batches, so none is left with a queue while another idles, and the
 * items held (sent, or waiting to be) are bounded, which bounds the memory of a scan whatever the
 * source's size. A worker that dies fails every item still in flight with one error, and the scan with
 * it: nothing waits forever.
 */
export interface ParallelOptions {
  /**
   * Threads that scan: the calling thread (which scans what the workers have no room for, or, for a busy
   * source, produces the items: Source.busy) and `jobs` - 1 workers. 1 scans everything in the calling
   * thread, as does a missing worker script or filters without `allowPathGlobs`.
   */
  readonly jobs: number;
  /** Workers start once this many `load` items wait to be read… */
  readonly minItems?: number;
  /** …or once this many bytes were scanned in the calling thread and more items wait. */
  readonly minBytes?: number;
  /**
   * Instead, for a source that leaves the calling thread free (a working tree): workers start only for
   * a scan that would keep that thread busy this long, judged from its pace so far (see scan-pace.ts).
   */
  readonly workersPayAfterMs?: number;
  /** The compiled worker script; by default scan-worker.js beside this module, when there is one. */
  readonly workerScript?: string;
}

export const DEFAULT_MIN_ITEMS = 200;
export const DEFAULT_MIN_BYTES = 8 * 1024 * 1024;

/** What a worker is started with (structured-cloned: RegExps survive, functions would not). */
export interface WorkerSetup {
  readonly ruleSet: RuleSet;
  readonly allowPaths: readonly string[];
  readonly allowSecrets: readonly RegExp[];
  /** A git directory whose object store the worker opens as it starts, before any batch comes. */
  readonly gitdir?: string;
}

export type ToWorker =
  | { readonly type: 'batch'; readonly id: number; readonly jobs: WireJobs }
  | { readonly type: 'close' };
export type FromWorker =
  | { readonly type: 'batch'; readonly id: number; readonly outcomes: WireOutcome[]; readonly ms: number }
  | { readonly type: 'batch'; readonly id: number; readonly error: string };

/**
 * Batches are sized to take about this long, from the time items have taken so far: as small as can be,
 * so that no worker is left with a queue of large files while another one idles (a working tree's files
 * take from microseconds to a tenth of a second each), but long enough that the workers do not wait for
 * the scan loop, which sees their answers only between its own steps (a file it scans, a step of a
 * history walk: every few milliseconds). A message costs a few tens of microseconds.
 */
const BATCH_MS = 8;
const FIRST_BATCH = 8;
const MAX_BATCH = 256; // 64 made the scan loop's messages the bottleneck of 100,000 small files
/** Batches a worker holds at once: the one it runs and the next, so it never waits for the scan loop. */
const BATCHES_PER_WORKER = 2;
/** How long a worker gets to close its object stores before it is terminated. */
const CLOSE_TIMEOUT_MS = 5000;

/**
 * The worker script beside this module: lib/engine/scan-worker.js, or dist/scan-worker.js beside the
 * Action's bundle. Undefined under ts-jest, which runs the TypeScript sources (a worker thread could not
 * load them): the scan then runs in the calling thread.
 */
export function defaultWorkerScript(): string | undefined {
  if (__filename.endsWith('.ts')) return undefined;
  const script = path.join(__dirname, 'scan-worker.js');
  return existsSync(script) ? script : undefined;
}

type Done = (outcome: JobOutcome | undefined, error?: unknown) => void;

export type SendMode = 'full' | 'idle' | 'all';

interface Slot {
  readonly worker: Worker;
  /** Batches sent and not yet answered. */
  batches: number;
  exited: boolean;
}

interface Pending {
  readonly slot: Slot;
  readonly done: Done[];
}

export class WorkerPool {
  /**
   * Once the source is exhausted, the items the scan still has to start: batches then shrink with what
   * is left, so that the workers finish together instead of one working through a queue alone.
   */
  left: number | undefined;
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  /** Items not sent yet, in order, and their callbacks. */
  private jobs: Job[] = [];
  private done: Done[] = [];
  private held = 0;
  private nextId = 0;
  /** Milliseconds per item, a moving average of what the workers report. */
  private itemMs: number | undefined;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  /** The scan loop waits for what is queued: send it as soon as a worker has room. */
  private waitedOn = false;

  constructor(script: string, count: number, setup: WorkerSetup) {
    for (let index = 0; index < count; index++) {
      // A small young generation: a worker's garbage is mostly Buffer wrappers of inflated blobs, whose
      // memory is only freed when a scavenge collects them; with V8's default (16 MiB semi-spaces) they
      // pile up between scavenges. Measured on the bench history: peak RSS 320 -> 290 MB, no slower.
      const worker = new Worker(script, {
        workerData: setup,
        resourceLimits: { maxYoungGenerationSizeMb: 4 },
      });
      const slot: Slot = { worker, batches: 0, exited: false };
      worker.on('message', (message: FromWorker) => this.answered(message));
      worker.on('error', (error) => this.fail(`scan worker ${index + 1} failed: ${error.message}`));
      worker.on('messageerror', (error) =>
        this.fail(`scan worker ${index + 1} sent an unreadable message: ${error.message}`),
      );
      worker.on('exit', (code) => {
        slot.exited = true;
        if (!this.closing) this.fail(`scan worker ${index + 1} stopped (exit code ${code})`);
      });
      this.slots.push(slot);
    }
  }

  /** How many more items the pool takes now: enough to fill every worker's batches. */
  capacity(): number {
    return this.slots.length * BATCHES_PER_WORKER * this.batchSize() - this.held;
  }

  /** Queues one item (`send` sends it); `done` is called once, with its outcome or an error. */
  run(job: Job, done: Done): void {
    if (this.failure) {
      done(undefined, this.failure);
      return;
    }
    this.jobs.push(job);
    this.done.push(done);
    this.held++;
  }

  /**
   * Sends queued items to workers with room: full batches only, or (`idle`) also whatever there is to a
   * worker with nothing to do, or (`all`, the scan loop is about to wait for them) everything. Sending
   * less than a batch while the scan loop is still pulling items would make most batches tiny.
   */
  send(mode: SendMode): void {
    this.waitedOn = mode === 'all';
    this.dispatch(mode);
  }

  /** Lets every worker close its object stores and exit; items in flight are abandoned. */
  close(): Promise<void> {
    this.closing ??= Promise.all(this.slots.map((slot) => this.stop(slot))).then(() => undefined);
    return this.closing;
  }

  private batchSize(): number {
    const timed =
      this.itemMs === undefined ? FIRST_BATCH : Math.round(BATCH_MS / Math.max(this.itemMs, 0.001));
    const tail =
      this.left === undefined
        ? MAX_BATCH
        : Math.ceil((this.left + this.jobs.length) / (BATCHES_PER_WORKER * this.slots.length));
    return Math.max(1, Math.min(MAX_BATCH, timed, tail));
  }

  /** Each batch goes to the worker with the fewest batches. */
  private dispatch(mode: SendMode): void {
    if (this.failure) return;
    const size = this.batchSize();
    while (this.jobs.length > 0) {
      let slot: Slot | undefined;
      for (const candidate of this.slots)
        if (candidate.batches < BATCHES_PER_WORKER && (!slot || candidate.batches < slot.batches))
          slot = candidate;
      if (!slot) return;
      const partial = mode === 'all' || (mode === 'idle' && slot.batches === 0);
      if (this.jobs.length < size && !partial) return;
      const jobs = this.jobs.splice(0, size);
      const id = this.nextId++;
      slot.batches++;
      this.pending.set(id, { slot, done: this.done.splice(0, jobs.length) });
      slot.worker.postMessage({ type: 'batch', id, jobs: encodeJobs(jobs) } satisfies ToWorker);
    }
  }

  private stop(slot: Slot): Promise<void> {
    if (slot.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => slot.worker.terminate(), CLOSE_TIMEOUT_MS);
      slot.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      slot.worker.postMessage({ type: 'close' } satisfies ToWorker);
    });
  }

  private answered(message: FromWorker): void {
    const batch = this.pending.get(message.id);
    if (!batch) return;
    this.pending.delete(message.id);
    batch.slot.batches--;
    this.held -= batch.done.length;
    if ('error' in message) {
      const error = new Error(message.error);
      for (const done of batch.done) done(undefined, error);
      return;
    }
    const perItem = message.ms / batch.done.length;
    this.itemMs = this.itemMs === undefined ? perItem : 0.7 * this.itemMs + 0.3 * perItem;
    batch.done.forEach((done, i) => {
      done(decodeOutcome(message.outcomes[i] as WireOutcome));
    });
    this.dispatch(this.waitedOn ? 'all' : 'idle');
  }

  /** A worker died: every item in flight or queued fails with one error, and so does every later one. */
  private fail(reason: string): void {
    if (this.failure || this.closing) return;
    this.failure = new Error(`${reason}; --jobs 1 scans without worker threads`);
    const waiting = [...this.pending.values()].flatMap((batch) => batch.done);
    waiting.push(...this.done);
    this.pending.clear();
    this.jobs = [];
    this.done = [];
    this.held = 0;
    for (const done of waiting) done(undefined, this.failure);
  }
}
