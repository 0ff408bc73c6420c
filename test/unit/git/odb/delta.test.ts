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
    for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
    // Sizes 0x20000 and 0x1012c; copy 0x10000 bytes from offset 0x10000 (offset byte 2 only, no size
    // bytes: size 0), then 300 bytes (two size bytes) from 0x100 (offset byte 1).
    const delta = Buffer.from([0x80, 0x80, 0x08, 0xac, 0x82, 0x04, 0x84, 0x01, 0xb2, 0x01, 0x2c, 0x01]);
    const result = applyDelta(big, delta);
    expect(result.length).toBe(0x10000 + 300);
    expect(result.subarray(0, 0x10000).equals(big.subarray(0x10000))).toBe(true);
    expect(result.subarray(0x10000).equals(big.subarray(0x100, 0x100 + 300))).toBe(true);
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
