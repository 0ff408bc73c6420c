import fc from 'fast-check';
import { EntryStack, NO_CHILD, type ReadTree, TreePath, TreeReuse } from '../../../src/sources/tree-reuse';

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

function readTree(entries: readonly Entry[]): ReadTree {
  const { data, ends } = treeOf(entries);
  return {
    view: new DataView(data.buffer, data.byteOffset, data.byteLength),
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
  const reuse = new TreeReuse(readTree(old));
  const { data, ends } = treeOf(next);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const matched: number[] = [];
  let offset = 0;
  for (const end of ends) {
    matched.push(reuse.match(view, offset));
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
