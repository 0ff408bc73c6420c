import { closeSync, openSync, truncateSync } from 'node:fs';
import { ReadBuffer, readFileItemSync } from '../../../src/sources/read-file';
import type { LoadItem } from '../../../src/sources/source';
import { mulberry32 } from '../../support/fake-keys';
import { TempTree } from '../../support/temp-tree';

const tree = new TempTree();
afterAll(() => tree.remove());

function bytes(length: number, seed: number): Buffer {
  const random = mulberry32(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}

type FileSpec = Extract<LoadItem['spec'], { from: 'file' }>;

function loadItem(absolute: string): LoadItem & { spec: FileSpec } {
  return {
    kind: 'load',
    provenance: { kind: 'worktree', path: absolute },
    spec: { from: 'file', absolute, maxFileSize: 1 << 20 },
  };
}

/** Reads `file` through `buffer` as a worker does: open, fstat, read. */
function readThrough(buffer: ReadBuffer, file: string, size: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    return buffer.read(fd, size);
  } finally {
    closeSync(fd);
  }
}

describe('ReadBuffer', () => {
  it('gives each file its own bytes, in one buffer reused and grown as files get larger', () => {
    const buffer = new ReadBuffer(64 * 1024);
    const sizes = [10, 3000, 1, 20_000, 500, 20_000, 64 * 1024];
    const read = sizes.map((size, i) => {
      const content = bytes(size, i + 1);
      const got = readThrough(buffer, tree.write(`f${i}.bin`, content), size);
      expect(got.equals(content)).toBe(true);
      return got;
    });
    // one allocation for the first file, another for each file larger than the buffer so far
    expect(new Set(read.map((got) => got.buffer)).size).toBe(4);
    expect(read[2]?.buffer).toBe(read[1]?.buffer);
    expect(read[5]?.buffer).toBe(read[3]?.buffer);
    // reused: the next read overwrote the 500-byte file's bytes with the start of its own
    expect(read[4]?.equals(bytes(20_000, 6).subarray(0, 500))).toBe(true);
  });

  it('reads a file over its limit into a buffer of its own, and an empty one the usual way', () => {
    const buffer = new ReadBuffer(1024);
    const small = readThrough(buffer, tree.write('small.bin', bytes(100, 9)), 100);
    const large = readThrough(buffer, tree.write('large.bin', bytes(5000, 10)), 5000);
    expect(large.equals(bytes(5000, 10))).toBe(true);
    expect(large.buffer).not.toBe(small.buffer);
    expect(small.equals(bytes(100, 9))).toBe(true); // not overwritten by the large file
    expect(readThrough(buffer, tree.write('empty.bin', ''), 0).length).toBe(0);
  });

  it('reads what is there when a file shrank after its size was taken, and no more when it grew', () => {
    const buffer = new ReadBuffer();
    const shrunk = tree.write('shrunk.bin', bytes(4000, 11));
    const fd = openSync(shrunk, 'r');
    try {
      truncateSync(shrunk, 1000);
      expect(buffer.read(fd, 4000).equals(bytes(4000, 11).subarray(0, 1000))).toBe(true);
    } finally {
      closeSync(fd);
    }
    const grown = tree.write('grown.bin', bytes(3000, 12));
    expect(readThrough(buffer, grown, 2000).equals(bytes(3000, 12).subarray(0, 2000))).toBe(true);
  });
});

describe('readFileItemSync', () => {
  it('gives the same item whether it reads into a ReadBuffer or a new buffer', () => {
    const buffer = new ReadBuffer();
    for (const [i, size] of [0, 1, 4096, 70_000].entries()) {
      const file = tree.write(`item${i}.bin`, bytes(size, 20 + i));
      const item = loadItem(file);
      const own = readFileItemSync(item, item.spec);
      const reused = readFileItemSync(item, item.spec, buffer);
      expect(own.kind).toBe('file');
      expect(reused).toEqual(own);
    }
  });
});
