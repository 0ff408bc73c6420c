import { createHash } from 'node:crypto';
import { OidTable, slotHash } from '../../../src/git/oid-table';

const id = (n: number) => createHash('sha1').update(String(n)).digest();
const view = OidTable.viewOf;

test('ids get dense numbers in first-seen order, found again wherever their bytes lie', () => {
  const table = new OidTable();
  const count = 50_000; // enough to grow the arena and rehash the slots many times
  const numbers = Array.from({ length: count }, (_, n) => table.intern(view(id(n)), 0));
  expect(numbers).toEqual(Array.from({ length: count }, (_, n) => n));
  expect(table.size).toBe(count);
  for (let n = 0; n < count; n += 997) {
    // inside a larger buffer, at an odd offset, as in a tree object
    const framed = Buffer.concat([Buffer.from('100644 name\0'), id(n), Buffer.from('tail')]);
    expect(table.intern(view(framed), 12)).toBe(n);
    expect(table.find(view(framed), 12)).toBe(n);
  }
  expect(table.size).toBe(count);
  expect(table.find(view(id(count)))).toBeUndefined();
});

test('ids that share their first four bytes are still told apart, whichever word differs', () => {
  const table = new OidTable();
  const a = Buffer.alloc(20, 0xab);
  const variants = [4, 9, 14, 19].map((at) => {
    const changed = Buffer.from(a);
    changed[at] = 0; // one byte in each of the id's later 32-bit words
    return changed;
  });
  const all = [a, ...variants];
  expect(all.map((bytes) => table.intern(view(bytes), 0))).toEqual([0, 1, 2, 3, 4]);
  expect(all.map((bytes) => table.find(view(bytes)))).toEqual([0, 1, 2, 3, 4]);
});

describe('slotHash', () => {
  /** Ids crafted to share the bits an unkeyed table would hash: all of the first word, 20 of the second. */
  const crafted = Array.from({ length: 4096 }, (_, n) => [0x12345678, (n << 20) | 0xabcde] as const);
  const slots = (key0: number, key1: number) =>
    crafted.map(([w0, w1]) => slotHash(w0, w1, key0, key1) & 0x3fff);

  it('spreads ids that share the bits a fixed choice of their own bits would use', () => {
    for (const [key0, key1] of [
      [0, 0],
      [0x5bd1e995, -0x3361d2af],
      [-1, 1],
    ]) {
      // 4,096 ids over 16,384 slots: ~3,620 distinct ones when spread at random
      expect(new Set(slots(key0 as number, key1 as number)).size).toBeGreaterThan(3400);
    }
  });

  it('puts the same ids in other slots under another key, so that a repository cannot aim at one', () => {
    const [a, b] = [slots(1, 2), slots(3, 4)];
    expect(a.filter((slot, n) => slot === b[n]).length).toBeLessThan(20); // ~4,096 / 16,384 = 0.25 expected
  });
});

test('a table keyed with any hash interns and finds crafted ids exactly', () => {
  const table = new OidTable(7, 11);
  const ids = Array.from({ length: 3000 }, (_, n) => {
    const bytes = Buffer.alloc(20, 0x5a);
    bytes.writeInt32BE(n, 16); // the same first four words: only the last one differs
    return bytes;
  });
  expect(ids.map((bytes) => table.intern(view(bytes), 0))).toEqual(ids.map((_, n) => n));
  expect(ids.map((bytes) => table.find(view(bytes)))).toEqual(ids.map((_, n) => n));
});
