import { ScanPace } from '../../../src/engine/scan-pace';

/** A pace on a clock the test moves: `scan(n, ms)` scans n items, each taking ms. */
function paced(payAfterMs: number) {
  let now = 1_000_000;
  const pace = new ScanPace(payAfterMs, () => now);
  return {
    pace,
    scan(items: number, msEach: number) {
      for (let i = 0; i < items; i++) {
        pace.scanning();
        now += msEach;
      }
    },
    wait(ms: number) {
      now += ms;
    },
  };
}

describe('ScanPace.workersPay', () => {
  it('says no before this thread has scanned anything, or with nothing to come', () => {
    const { pace, scan } = paced(600);
    expect(pace.workersPay(1_000_000)).toBe(false);
    scan(1, 5000); // one item for five seconds
    expect(pace.workersPay(0)).toBe(false);
    expect(pace.workersPay(1)).toBe(true);
  });

  it('judges by the pace after the first 20 ms, measured over 20 ms at least', () => {
    const { pace, scan } = paced(600);
    scan(5, 2); // cold, 2 ms an item: 300 items to come would look like 600 ms
    expect(pace.workersPay(300)).toBe(false); // at 10 ms: too early to start the span
    scan(5, 2);
    expect(pace.workersPay(300)).toBe(false); // at 20 ms: the span starts here
    scan(10, 1);
    expect(pace.workersPay(600)).toBe(false); // 10 ms of span: not yet, whatever is to come
    scan(10, 1); // 20 ms of span at 1 ms an item (from 10 ms on, it would be 1.2 ms)
    expect(pace.workersPay(300)).toBe(false);
    expect(pace.workersPay(599)).toBe(false);
    expect(pace.workersPay(600)).toBe(true);
  });

  it('weighs large items: a few to come at 25 ms each', () => {
    const { pace, scan } = paced(600);
    scan(10, 3);
    expect(pace.workersPay(30)).toBe(false); // the span starts
    scan(1, 25);
    expect(pace.workersPay(23)).toBe(false); // 575 ms
    expect(pace.workersPay(24)).toBe(true); // 600 ms
  });

  it('has no pace from a span in which this thread scanned nothing', () => {
    const { pace, scan, wait } = paced(600);
    scan(30, 1);
    expect(pace.workersPay(1)).toBe(false); // the span starts
    wait(100); // the time went to something else (listing another target)
    expect(pace.workersPay(1)).toBe(false);
    scan(1, 1);
    expect(pace.workersPay(6)).toBe(true); // 101 ms for one item
  });

  it('says yes once this thread has been busy for twice the time, whatever is in sight', () => {
    const { pace, scan, wait } = paced(600);
    scan(1, 0);
    wait(1199);
    expect(pace.workersPay(1)).toBe(false); // the span starts: ~0 ms an item so far
    wait(1);
    expect(pace.workersPay(1)).toBe(true);
  });
});
