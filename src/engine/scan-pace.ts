/**
 * Whether a working-tree scan runs long enough to pay for worker threads (see
 * ParallelOptions.workersPayAfterMs). A worker costs ~0.1 s of a core to start and to compile the engine
 * again, and V8's compiler threads about as much again for its isolate; on two cores that is taken from
 * the scan itself. On the bench tree (2,786 files, 100 MB; ~0.25 s of scanning in one thread) one worker
 * made the scan ~12 % slower; on 100,000 small files, or 400 files of 2.5 MB, it made it 10 to 35 %
 * faster.
 *
 * The scan loop's thread scans from the start, so its own pace tells: the items still to come, at that
 * pace, against `payAfterMs`. The pace is measured only once the engine runs compiled: in the first
 * ~20 ms an item takes several times as long (on the bench tree ~0.5 ms, then ~0.1 ms). A scan that has
 * kept this thread busy for twice `payAfterMs` pays, whatever the estimate (a source that does not know
 * how many items follow).
 */
export class ScanPace {
  private first: number | undefined;
  private items = 0;
  private from: { readonly at: number; readonly items: number } | undefined;

  constructor(
    private readonly payAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Called as this thread starts scanning an item. */
  scanning(): void {
    this.first ??= this.now();
    this.items++;
  }

  /** Whether `toCome` more items (waiting, and listed by the source) make workers worth starting now. */
  workersPay(toCome: number): boolean {
    if (this.first === undefined || toCome === 0) return false;
    const now = this.now();
    const busyFor = now - this.first;
    if (busyFor >= 2 * this.payAfterMs) return true;
    if (busyFor < COMPILED_AFTER_MS) return false;
    this.from ??= { at: now, items: this.items };
    const span = now - this.from.at;
    if (span < SPAN_MS) return false;
    const items = this.items - this.from.items;
    return items > 0 && (span / items) * toCome >= this.payAfterMs;
  }
}

/** When the pace starts to be measured, and over how long at least. */
const COMPILED_AFTER_MS = 20;
const SPAN_MS = 20;
