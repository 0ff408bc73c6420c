import { createHash } from 'node:crypto';
import { OidTable } from '../../../src/git/oid-table';

const id = (n: number) => createHash('sha1').update(String(n)).digest();

test('ids get dense numbers in first-seen order, found again wherever their bytes lie', () => {
  const table = new OidTable();
  const count = 50_000; // enough to grow the arena and rehash the slots many times
  const numbers = Array.from({ length: count }, (_, n) => table.intern(id(n), 0));
  expect(numbers).toEqual(Array.from({ length: count }, (_, n) => n));
  expect(table.size).toBe(count);
  for (let n = 0; n < count; n += 997) {
    // inside a larger buffer, at an odd offset, as in a tree object
    const framed = Buffer.concat([Buffer.from('100644 name\0'), id(n), Buffer.from('tail')]);
    expect(table.intern(framed, 12)).toBe(n);
    expect(table.find(framed, 12)).toBe(n);
  }
  expect(table.size).toBe(count);
  expect(table.find(id(count))).toBeUndefined();
});

test('ids that share their first four bytes (the hash) are still told apart', () => {
  const table = new OidTable();
  const a = Buffer.alloc(20, 0xab);
  const b = Buffer.from(a);
  b[19] = 0;
  const c = Buffer.from(a);
  c[4] = 0;
  expect([table.intern(a, 0), table.intern(b, 0), table.intern(c, 0)]).toEqual([0, 1, 2]);
  expect([table.find(a), table.find(b), table.find(c)]).toEqual([0, 1, 2]);
});
