import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY_SNIFF, decodeText } from '../../../src/sources/decode';
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

function loadItem(absolute: string, maxFileSize = 1 << 20): LoadItem & { spec: FileSpec } {
  return {
    kind: 'load',
    provenance: { kind: 'worktree', path: absolute },
    spec: { from: 'file', absolute, maxFileSize },
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

  it('reads into the place it is given when that place holds the file, and into its own buffer when not', () => {
    const place = Buffer.alloc(4096);
    let offered: Buffer | undefined; // (a keyword scanner's input area, once one is in use)
    const buffer = new ReadBuffer(64 * 1024, () => offered);
    const before = readThrough(buffer, tree.write('p0.bin', bytes(100, 13)), 100);
    expect(before.buffer).not.toBe(place.buffer);
    offered = place;
    const placed = readThrough(buffer, tree.write('p1.bin', bytes(4096, 14)), 4096);
    expect(placed.equals(bytes(4096, 14))).toBe(true);
    expect(placed.buffer).toBe(place.buffer);
    expect(placed.byteOffset).toBe(place.byteOffset);
    const larger = readThrough(buffer, tree.write('p2.bin', bytes(5000, 15)), 5000);
    expect(larger.equals(bytes(5000, 15))).toBe(true);
    expect(larger.buffer).not.toBe(place.buffer);
    expect(placed.equals(bytes(4096, 14))).toBe(true); // the place was left alone
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

describe('readFileItemSync, into a buffer of its own or a ReadBuffer', () => {
  /** One ReadBuffer for every file, as a thread reads them, grown and reused. */
  const reused = new ReadBuffer();
  /** Both ways on one file: the same item. */
  function both(absolute: string, maxFileSize?: number) {
    const item = loadItem(absolute, maxFileSize);
    const read = readFileItemSync(item, item.spec);
    expect(readFileItemSync(item, item.spec, reused)).toEqual(read);
    return read;
  }

  it.each([0, 1, 4096, 65_536, 70_000])('read a %i-byte file alike', (size) => {
    const content = bytes(size, 40 + size);
    const read = both(tree.write(`both${size}.bin`, content));
    expect(read.kind === 'file' && read.bytes.equals(content)).toBe(true);
  });

  /** `both` for large files: bytes compared with Buffer#equals (jest's toEqual is slow on MBs). */
  function bothLarge(absolute: string): Buffer {
    const item = loadItem(absolute, 4 << 20);
    const reads = [
      readFileItemSync(item, item.spec),
      readFileItemSync(item, item.spec, new ReadBuffer()),
    ].map((read) => (read.kind === 'file' ? read.bytes : Buffer.alloc(0)));
    expect(reads.map((read) => read.equals(reads[0] as Buffer))).toEqual([true, true]);
    return reads[0] as Buffer;
  }

  it('read only the start of a large binary file, alike: the start that makes it binary', () => {
    const content = bytes(2 * 1024 * 1024 + 5, 70);
    content[8000] = 0; // a NUL in the first 8 KiB
    // after a UTF-8 BOM, a NUL in the last byte of the 8 KiB that decide
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.alloc(2 * 1024 * 1024, 0x61)]);
    bom[3 + 8191] = 0;
    for (const [name, file] of Object.entries({ content, bom })) {
      const read = bothLarge(tree.write(`large-${name}.bin`, file));
      expect({
        name,
        start: read.equals(file.subarray(0, BINARY_SNIFF)),
        binary: decodeText(read).binary,
      }).toEqual({ name, start: true, binary: true });
    }
  });

  it('read a large file whole when its start is text (a NUL further on) or UTF-16, alike', () => {
    const late = Buffer.concat([Buffer.alloc(BINARY_SNIFF, 0x61), Buffer.alloc(2 * 1024 * 1024, 0)]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.alloc(2 * 1024 * 1024, 0)]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.alloc(8192, 0x61), late]);
    for (const [name, content] of Object.entries({ late, utf16, bom })) {
      const read = bothLarge(tree.write(`large-${name}.txt`, content));
      expect({ name, whole: read.equals(content), binary: decodeText(read).binary }).toEqual({
        name,
        whole: true,
        binary: false,
      });
    }
  });

  it('skip a file over the size limit alike', () => {
    const read = both(tree.write('over.bin', bytes(2000, 50)), 1999);
    expect(read).toEqual({ kind: 'skip', path: expect.any(String), reason: 'tooLarge' });
    expect(both(tree.write('at.bin', bytes(2000, 51)), 2000).kind).toBe('file');
  });

  it('skip what is not a regular file alike: a directory, a FIFO (without hanging on it)', () => {
    expect(both(tree.root)).toMatchObject({ kind: 'skip', reason: 'special' });
    const fifo = join(tree.root, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(both(fifo)).toMatchObject({ kind: 'skip', reason: 'special' });
  });

  it('name the error of a file that cannot be opened, alike', () => {
    expect(both(join(tree.root, 'missing.txt'))).toEqual({
      kind: 'skip',
      path: expect.any(String),
      reason: 'unreadable',
      detail: 'cannot read file (ENOENT)',
    });
    if (process.getuid?.() === 0) return; // root reads a file whatever its mode
    const locked = tree.write('locked.txt', 'x');
    chmodSync(locked, 0o000);
    expect(both(locked)).toMatchObject({ reason: 'unreadable', detail: 'cannot read file (EACCES)' });
  });

  it('read a file whose size fstat gives as 0 (procfs) to its end, alike', () => {
    const file = '/proc/self/mountinfo';
    if (!existsSync(file)) return; // not Linux
    const read = both(file);
    expect(read.kind).toBe('file');
    // the same process's mounts: what readFileSync reads, and more than nothing
    const bytesRead = read.kind === 'file' ? read.bytes : Buffer.alloc(0);
    expect(bytesRead.length).toBeGreaterThan(0);
    expect(bytesRead.toString()).toBe(readFileSync(file, 'utf8'));
  });

  it('read a small file into a ReadBuffer without an fstat, and the same file alike without one', () => {
    const content = bytes(5000, 61);
    const file = tree.write('no-fstat.bin', content);
    const fsModule = require('node:fs') as typeof import('node:fs');
    const spy = jest.spyOn(fsModule, 'fstatSync');
    try {
      const item = loadItem(file);
      const read = readFileItemSync(item, item.spec, new ReadBuffer());
      expect(read.kind === 'file' && read.bytes.equals(content)).toBe(true);
      expect(spy).not.toHaveBeenCalled();
      expect(both(file)).toEqual(read);
      expect(spy).toHaveBeenCalledTimes(1); // by the read without a ReadBuffer
    } finally {
      spy.mockRestore();
    }
  });

  it('read a file of unknown size to its end, into a ReadBuffer too', () => {
    // (over 1 MiB: a smaller file is read whole before any fstat, see the test above)
    const content = Buffer.concat([bytes(4096, 60), Buffer.alloc(1_200_000, 'abc')]);
    const file = tree.write('unknown-size.bin', content);
    // (the module object itself: read-file.ts looks fstatSync up on it at each call)
    const fsModule = require('node:fs') as typeof import('node:fs');
    const fstatSync = fsModule.fstatSync;
    const spy = jest
      .spyOn(fsModule, 'fstatSync')
      .mockImplementation(((fd: number) => Object.assign(fstatSync(fd), { size: 0 })) as never);
    try {
      const item = loadItem(file, 10); // a size limit the unknown size cannot be held to
      for (const into of [undefined, new ReadBuffer()]) {
        spy.mockClear();
        const read = readFileItemSync(item, item.spec, into);
        expect(spy).toHaveBeenCalled();
        expect(read.kind === 'file' && read.bytes.equals(content)).toBe(true);
      }
    } finally {
      spy.mockRestore();
    }
  });
});
