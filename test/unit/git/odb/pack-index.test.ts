import fc from 'fast-check';
import { PackIndex } from '../../../../src/git/odb/pack-index';

const OID_BYTES = 20;

/** A version 2 pack index holding `ids` (sorted here), entry k at offset 12 + k. */
function indexOf(ids: readonly Buffer[]): Buffer {
  const sorted = [...ids].sort(Buffer.compare);
  const fanout = Buffer.alloc(256 * 4);
  for (let byte = 0; byte < 256; byte++)
    fanout.writeUInt32BE(sorted.filter((id) => (id[0] as number) <= byte).length, 4 * byte);
  const crcs = Buffer.alloc(4 * sorted.length);
  const offsets = Buffer.alloc(4 * sorted.length);
  for (let k = 0; k < sorted.length; k++) offsets.writeUInt32BE(12 + k, 4 * k);
  const header = Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]);
  return Buffer.concat([header, fanout, ...sorted, crcs, offsets, Buffer.alloc(2 * OID_BYTES)]);
}

/**
 * Ids in few groups sharing their first four bytes (so that searches end on ties), over few first bytes
 * (so that fanout ranges hold many ids).
 */
const idArb = fc
  .record({
    head: fc.integer({ min: 0, max: 7 }),
    rest: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  })
  .map(({ head, rest }) => Buffer.concat([Buffer.from([head % 3, 0, 0, head]), rest]));
/** Ids anywhere, mixed in: searches that end without a tie, over every fanout range. */
const anyIdArb = fc.oneof(
  idArb,
  fc.uint8Array({ minLength: OID_BYTES, maxLength: OID_BYTES }).map((bytes) => Buffer.from(bytes)),
);

describe('PackIndex.find', () => {
  it("finds every id and no other, before and after it copies the ids' first bytes out", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(anyIdArb, { minLength: 1, maxLength: 300, selector: (id) => id.toString('hex') }),
        fc.array(anyIdArb, { maxLength: 40 }),
        (ids, others) => {
          const index = PackIndex.parse(indexOf(ids), 'test.idx');
          const positions = new Map<string, number>();
          for (let p = 0; p < index.count; p++) positions.set(index.oidAt(p), p);
          // 600+ lookups: the first 255 search the file's bytes, the rest the copied heads
          for (let round = 0; round < 2; round++) {
            for (const id of [...ids, ...others]) {
              expect(index.find(id)).toBe(positions.get(id.toString('hex')) ?? -1);
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('tells apart ids that differ in one byte only, wherever it is', () => {
    const base = Buffer.alloc(OID_BYTES, 0x42);
    const ids: Buffer[] = [];
    for (let at = 0; at < OID_BYTES; at++) {
      const id = Buffer.from(base);
      id[at] = 0x41;
      ids.push(id);
    }
    const index = PackIndex.parse(indexOf(ids), 'test.idx');
    const absent = ids.map((id, at) => {
      const other = Buffer.from(id);
      other[(at + 1) % OID_BYTES] = 0x43;
      return other;
    });
    for (let round = 0; round < 10; round++) {
      for (const id of ids) expect(index.oidAt(index.find(id))).toBe(id.toString('hex'));
      for (const id of [...absent, base]) expect(index.find(id)).toBe(-1);
    }
  });
});
