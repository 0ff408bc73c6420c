import { applyDelta, DeltaProblem, readDeltaSizes } from '../../../../src/git/odb/delta';

describe('applyDelta', () => {
  const base = Buffer.from('The quick brown fox jumps over the lazy dog');

  it('copies ranges of the base and inserts literal bytes', () => {
    // base size 43, result size 19; copy offset 4 size 5 ("quick"), insert " red ", copy offset 16 size 9.
    const delta = Buffer.from([43, 19, 0x91, 4, 5, 5, ...Buffer.from(' red '), 0x91, 16, 9]);
    expect(applyDelta(base, delta).toString()).toBe('quick red fox jumps');
  });

  it('reads multi-byte offsets and sizes, and size 0 as 0x10000', () => {
    const big = Buffer.alloc(0x20000);
    // (not periodic: an offset read with the wrong place value must copy other bytes)
    for (let i = 0; i < big.length; i++) big[i] = (i ^ (i >>> 8) ^ (i >>> 16)) & 0xff;
    // Sizes 0x20000 and 0x1012c; copy 0x10000 bytes from offset 0x10000 (offset byte 2 only, no size
    // bytes: size 0), then 300 bytes (two size bytes) from 0x100 (offset byte 1).
    const delta = Buffer.from([0x80, 0x80, 0x08, 0xac, 0x82, 0x04, 0x84, 0x01, 0xb2, 0x01, 0x2c, 0x01]);
    const result = applyDelta(big, delta);
    expect(result.length).toBe(0x10000 + 300);
    expect(result.subarray(0, 0x10000).equals(big.subarray(0x10000))).toBe(true);
    expect(result.subarray(0x10000).equals(big.subarray(0x100, 0x100 + 300))).toBe(true);
  });

  it('reads an offset of four bytes and a size of three', () => {
    const base = Buffer.alloc(0x1000000 + 0x30000);
    for (let i = 0x1000000; i < base.length; i++) base[i] = (i ^ (i >>> 8)) & 0xff;
    // result 0x20001 bytes: copy 0x20001 bytes (size bytes 0 and 2) from 0x1000010 (offset bytes 0 and 3)
    const sizes = [0x80, 0x80, 0x8c, 0x08, 0x81, 0x80, 0x08];
    const delta = Buffer.from([...sizes, 0xd9, 0x10, 0x01, 0x01, 0x02]);
    expect(applyDelta(base, delta).equals(base.subarray(0x1000010, 0x1000010 + 0x20001))).toBe(true);
  });

  it('reads the two sizes from a prefix of a delta', () => {
    expect(readDeltaSizes(Buffer.from([0xab, 0x02, 0x05]))).toEqual({
      baseSize: 299,
      resultSize: 5,
      start: 3,
    });
    expect(() => readDeltaSizes(Buffer.from([0xab]))).toThrow(DeltaProblem);
    expect(() => readDeltaSizes(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(
      'delta header size is too large',
    );
  });
});
