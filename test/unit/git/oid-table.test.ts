import { createHash } from 'node:crypto';
import { OidTable } from '../../../src/git/oid-table';

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

test('ids that share their first four bytes (the hash) are still told apart, whichever word differs', () => {
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
