import fc from 'fast-check';
import {
  commonRun,
  EntryStack,
  NO_CHILD,
  type ReadTree,
  TreePath,
  TreeReuse,
  wordsOf,
} from '../../../src/sources/tree-reuse';

/** One tree entry as git writes it: "<mode> <name>\0<20-byte id>". */
interface Entry {
  readonly mode: string;
  readonly name: string;
  readonly id: number; // stands for the object id: written into the id's bytes
}

function bytesOf(entry: Entry): Buffer {
  const id = Buffer.alloc(20, entry.id & 0xff);
  id.writeUInt32BE(entry.id >>> 0, 0);
  return Buffer.concat([Buffer.from(`${entry.mode} ${entry.name}\0`, 'utf8'), id]);
}

function treeOf(entries: readonly Entry[]): { data: Buffer; ends: number[] } {
  const parts = entries.map(bytesOf);
  const ends: number[] = [];
  let end = 0;
  for (const part of parts) {
    end += part.length;
    ends.push(end);
  }
  return { data: Buffer.concat(parts), ends };
}

/** A tree's bytes at `shift` bytes past a multiple of 4 in a larger buffer (wordsOf needs 0). */
function placed(data: Buffer, shift: number): DataView {
  const buffer = new ArrayBuffer(data.length + 8);
  new Uint8Array(buffer).set(data, shift);
  return new DataView(buffer, shift, data.length);
}

function readTree(entries: readonly Entry[], shift = 0): ReadTree {
  const { data, ends } = treeOf(entries);
  const view = placed(data, shift);
  return {
    view,
    words: wordsOf(view),
    entries: Int32Array.from(entries.flatMap((entry, k) => [entry.id, ends[k] as number])),
  };
}

const entryArb: fc.Arbitrary<Entry> = fc.record({
  mode: fc.constantFrom('100644', '100755', '40000', '120000', '160000'),
  // short names over few letters, so that entries often share their first bytes and lengths
  name: fc.string({ unit: fc.constantFrom('a', 'b', 'c', '.', 'é'), minLength: 1, maxLength: 6 }),
  id: fc.integer({ min: 0, max: 40 }),
});

/** Walks `next` entry by entry with a TreeReuse on `old`, as the history walk does. */
function walk(old: readonly Entry[], next: readonly Entry[]): number[] {
  const { data, ends } = treeOf(next);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const reuse = new TreeReuse(readTree(old), view, wordsOf(view));
  const matched: number[] = [];
  let offset = 0;
  for (const end of ends) {
    matched.push(reuse.match(offset));
    offset = end;
  }
  return matched;
}

describe('TreeReuse', () => {
  it('matches an entry to an old one only when their bytes are the same', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { maxLength: 12 }),
        fc.array(entryArb, { maxLength: 12 }),
        (old, next) => {
          walk(old, next).forEach((k, i) => {
            if (k >= 0) expect(bytesOf(next[i] as Entry).equals(bytesOf(old[k] as Entry))).toBe(true);
          });
        },
      ),
    );
  });

  it('takes over every unchanged entry around one modified, added or removed entry', () => {
    const edit = fc.record({
      kind: fc.constantFrom('modify', 'add', 'remove'),
      at: fc.nat(),
      entry: entryArb,
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(entryArb, { minLength: 1, maxLength: 30, selector: (e) => e.name }),
        edit,
        (old, change) => {
          const at = change.at % old.length;
          const next: Entry[] = [...old];
          // a new id (41+) that no old entry has, so the edited entry cannot match by chance
          if (change.kind === 'modify') next[at] = { ...(old[at] as Entry), id: 41 + at };
          if (change.kind === 'add') next.splice(at, 0, { ...change.entry, name: 'new', id: 99 });
          if (change.kind === 'remove') next.splice(at, 1);
          const matched = walk(old, next);
          next.forEach((entry, i) => {
            const unchanged = old.includes(entry);
            expect(matched[i] !== -1).toBe(unchanged);
            if (unchanged) expect(old[matched[i] as number]).toBe(entry);
          });
        },
      ),
    );
  });

  it('finds nothing to take over in an unrelated tree', () => {
    const old = [{ mode: '100644', name: 'a', id: 1 }];
    expect(walk(old, [{ mode: '100644', name: 'b', id: 1 }])).toEqual([-1]);
    expect(walk([], [{ mode: '100644', name: 'a', id: 1 }])).toEqual([-1]);
  });
});

/**
 * Walks `next` as the history walk does: old entries taken over where `takeOver` can, the others parsed
 * (here: their id and end from the test's own list). Returns the entries collected, in
 * ReadTree.entries' layout, and how many times `takeOver` was asked.
 */
function walkTakingOver(
  old: readonly Entry[],
  next: readonly Entry[],
  oldShift: number,
  newShift: number,
): { entries: number[]; asked: number } {
  const { data, ends } = treeOf(next);
  const view = placed(data, newShift);
  const reuse = new TreeReuse(readTree(old, oldShift), view, wordsOf(view));
  const stack = new EntryStack();
  let offset = 0;
  let asked = 0;
  while (offset < data.length) {
    asked++;
    const after = reuse.takeOver(offset, stack);
    if (after !== offset) {
      offset = after;
      continue;
    }
    const k = ends.indexOf(offset) + 1; // the entry starting at `offset`
    stack.push((next[k] as Entry).id, ends[k] as number);
    offset = ends[k] as number;
  }
  return { entries: [...stack.popFrom(0)], asked };
}

const editArb = fc.record({
  kind: fc.constantFrom('modify', 'add', 'remove'),
  at: fc.nat(),
  entry: entryArb,
});

function edited(
  old: readonly Entry[],
  edits: readonly { kind: string; at: number; entry: Entry }[],
): Entry[] {
  const next = [...old];
  edits.forEach((edit, n) => {
    const at = next.length === 0 ? 0 : edit.at % next.length;
    // ids 41+ no old entry has: an edited entry cannot match by chance
    if (edit.kind === 'modify' && next.length > 0) next[at] = { ...(next[at] as Entry), id: 41 + n };
    if (edit.kind === 'add') next.splice(at, 0, { ...edit.entry, id: 41 + n });
    if (edit.kind === 'remove') next.splice(at, 1);
  });
  return next;
}

describe('TreeReuse.takeOver', () => {
  it("collects the new tree's entries exactly, whatever changed and wherever the bytes lie", () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { maxLength: 60 }),
        fc.array(editArb, { maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        (old, edits, oldShift, newShift) => {
          const next = edited(old, edits);
          const { ends } = treeOf(next);
          const expected = next.flatMap((entry, k) => [entry.id, ends[k] as number]);
          expect(walkTakingOver(old, next, oldShift, newShift).entries).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('moves the ends of a long run after an added or removed entry', () => {
    const old = Array.from({ length: 40 }, (_, k) => ({ mode: '100644', name: `file-${k}`, id: k }));
    const added = { mode: '40000', name: 'dir', id: 99 };
    const cases = [
      { next: old.slice(1), asked: 1 }, // the first entry removed: the rest in one run
      { next: [added, ...old], asked: 2 }, // the new entry parsed, then the old ones in one run
      { next: [...old.slice(0, 5), added, ...old.slice(5)], asked: 3 },
    ];
    for (const { next, asked } of cases) {
      const { ends } = treeOf(next);
      const expected = next.flatMap((entry, k) => [entry.id, ends[k] as number]);
      expect(walkTakingOver(old, next, 0, 0)).toEqual({ entries: expected, asked });
    }
  });

  it('measures the bytes two trees have in common from two offsets, by words or not', () => {
    // two letters: words read from the wrong place would often look the same
    const bytesArb = fc
      .uint8Array({ minLength: 0, maxLength: 48 })
      .map((bytes) => bytes.map((b) => 97 + (b % 2)));
    fc.assert(
      fc.property(
        bytesArb,
        bytesArb,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        (a, b, aFrom, bFrom, aShift, bShift) => {
          const from = a.length === 0 ? 0 : aFrom % (a.length + 1);
          const at = b.length === 0 ? 0 : bFrom % (b.length + 1);
          const limit = Math.min(a.length - from, b.length - at);
          let expected = 0;
          while (expected < limit && a[from + expected] === b[at + expected]) expected++;
          const old = placed(Buffer.from(a), aShift);
          const view = placed(Buffer.from(b), bShift);
          const tree: ReadTree = { view: old, words: wordsOf(old), entries: new Int32Array(0) };
          expect(commonRun(tree, from, view, wordsOf(view), at, limit)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('measures a long common run between offsets that are not as far from a word start', () => {
    const bytesArb = fc
      .uint8Array({ minLength: 1, maxLength: 64 })
      .map((bytes) => bytes.map((b) => 97 + (b % 2)));
    fc.assert(
      fc.property(bytesArb, fc.integer({ min: 0, max: 7 }), fc.nat(), fc.nat(), (a, junk, flip, start) => {
        // b: `junk` bytes, then a with one byte changed; both start on a word (wordsOf gives words)
        const b = Buffer.concat([Buffer.alloc(junk, 97), Buffer.from(a)]);
        const changed = junk + (flip % a.length);
        b[changed] = (b[changed] as number) === 97 ? 98 : 97;
        const from = start % a.length;
        const at = from + junk;
        const old = placed(Buffer.from(a), 0);
        const view = placed(b, 0);
        const tree: ReadTree = { view: old, words: wordsOf(old), entries: new Int32Array(0) };
        const limit = a.length - from;
        expect(commonRun(tree, from, view, wordsOf(view), at, limit)).toBe(
          changed >= at ? changed - at : limit,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('takes over a tree changed in one place in two runs, before and after the change', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(entryArb, { minLength: 2, maxLength: 60, selector: (e) => e.name }),
        editArb,
        fc.integer({ min: 0, max: 3 }),
        (old, edit, shift) => {
          const next = edited(old, [edit]);
          const { asked } = walkTakingOver(old, next, shift, shift);
          // at most: the run before, the changed entry (asked, then parsed), the run after
          expect(asked).toBeLessThanOrEqual(edit.kind === 'remove' ? 2 : 3);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('EntryStack', () => {
  it("gives each tree its own entries while its subtrees' are collected above them", () => {
    const stack = new EntryStack();
    const outer = stack.top;
    stack.push(1, 10);
    const inner = stack.top;
    for (let k = 0; k < 5000; k++) stack.push(~k, 20 + k); // grows past its first buffer
    const innerEntries = stack.popFrom(inner);
    expect(innerEntries.length).toBe(10_000);
    expect([innerEntries[0], innerEntries[9_999]]).toEqual([~0, 20 + 4999]);
    stack.push(NO_CHILD, 30);
    expect([...stack.popFrom(outer)]).toEqual([1, 10, NO_CHILD, 30]);
    expect(stack.top).toBe(0);
    expect(innerEntries[1]).toBe(20); // a copy: later pushes do not change it
  });

  it('copies the entries into the array of the tree they replace when its length fits', () => {
    const stack = new EntryStack();
    const replaced = Int32Array.from([7, 10, 8, 20]);
    stack.push(1, 11);
    stack.push(~2, 22);
    const entries = stack.popFrom(0, replaced);
    expect(entries).toBe(replaced);
    expect([...entries]).toEqual([1, 11, ~2, 22]);
    stack.push(3, 33);
    const other = stack.popFrom(0, replaced); // one entry: a new array, the old one left alone
    expect(other).not.toBe(replaced);
    expect([...other]).toEqual([3, 33]);
    expect([...replaced]).toEqual([1, 11, ~2, 22]);
    expect(stack.top).toBe(0);
    // a long one (copied natively rather than by a loop)
    const long = new Int32Array(200);
    for (let k = 0; k < 100; k++) stack.push(k, 1000 + k);
    expect(stack.popFrom(0, long)).toBe(long);
    expect([...long]).toEqual(Array.from({ length: 100 }, (_, k) => [k, 1000 + k]).flat());
  });
});

describe('TreePath', () => {
  it('keeps one node per path, below its parent', () => {
    const root = new TreePath();
    const src = root.child('src');
    expect(root.child('src')).toBe(src);
    expect(src.child('lib')).not.toBe(root.child('lib'));
    src.last = readTree([{ mode: '100644', name: 'a', id: 1 }]);
    expect([...(root.child('src').last?.entries ?? [])]).toEqual([1, 29]); // "100644 a\0" (9 bytes), a 20-byte id
    expect(NO_CHILD).toBeLessThan(-(2 ** 29));
  });
});
