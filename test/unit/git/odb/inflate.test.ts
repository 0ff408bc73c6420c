import { deflateSync } from 'node:zlib';
import { inflateExact } from '../../../../src/git/odb/inflate';

/** Deterministic bytes that deflate to a dynamic-Huffman block, like most git objects. */
function text(seed: number, length: number): Buffer {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'key', 'value', '\n', '  ', '{', '}'];
  let state = seed;
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    state = (state * 1103515245 + 12345) >>> 0;
    const word = words[state % words.length] as string;
    parts.push(word);
    size += word.length;
  }
  return Buffer.from(parts.join('').slice(0, length));
}

describe('inflateExact', () => {
  it('inflates object after object, and keeps doing so after damaged data', () => {
    const objects = [0, 1, 100, 5000, 70_000].map((length, seed) => text(seed + 1, length));
    const compressed = objects.map((data) => deflateSync(data));
    const damaged = Buffer.from(compressed[3] as Buffer);
    damaged[damaged.length - 2] = (damaged[damaged.length - 2] as number) ^ 0xff; // the Adler-32 check
    const expectations: [Buffer, number, string | Buffer][] = [
      [compressed[2] as Buffer, 100, objects[2] as Buffer],
      [damaged, 5000, 'invalid zlib data (incorrect data check)'],
      [compressed[3] as Buffer, 5000, objects[3] as Buffer],
      [(compressed[4] as Buffer).subarray(0, 200), 70_000, 'zlib data ends early (truncated?)'],
      [compressed[4] as Buffer, 70_000, objects[4] as Buffer],
      [compressed[3] as Buffer, 4999, 'inflates to more than the 4999 bytes its header says'],
      [compressed[3] as Buffer, 5001, 'inflates to 5000 bytes, but its header says 5001'],
      [compressed[0] as Buffer, 0, objects[0] as Buffer],
      [Buffer.concat([compressed[1] as Buffer, Buffer.from('next entry')]), 1, objects[1] as Buffer],
      [Buffer.from('not zlib at all'), 10, 'invalid zlib data (incorrect header check)'],
      [compressed[2] as Buffer, 100, objects[2] as Buffer],
    ];
    for (const [input, size, expected] of expectations) {
      const result = inflateExact(input, size);
      if (typeof expected === 'string') expect(result).toMatchObject({ ok: false, problem: expected });
      else expect(result.ok && result.data.equals(expected)).toBe(true);
    }
  });

  it('gives each object its own bytes: a later inflate does not overwrite an earlier result', () => {
    const first = text(7, 300);
    const second = text(8, 300);
    const a = inflateExact(deflateSync(first), 300);
    const b = inflateExact(deflateSync(second), 300);
    expect(a.ok && a.data.equals(first)).toBe(true);
    expect(b.ok && b.data.equals(second)).toBe(true);
  });

  it('inflates objects over a megabyte, and refuses a size no deflate stream of that length can hold', () => {
    const big = text(9, 3 * 1024 * 1024);
    const result = inflateExact(deflateSync(big), big.length);
    expect(result.ok && result.data.equals(big)).toBe(true);
    expect(inflateExact(deflateSync(text(1, 10)), 1e9)).toMatchObject({ ok: false });
  });

  it('describes a loose object header size in the header’s own terms', () => {
    const object = Buffer.concat([Buffer.from('blob 5\0'), Buffer.from('hello')]);
    expect(inflateExact(deflateSync(object), object.length + 1, 7)).toMatchObject({
      ok: false,
      problem: 'inflates to 5 bytes, but its header says 6',
    });
  });
});
