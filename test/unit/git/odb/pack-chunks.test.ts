import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHUNK_BYTES, PackChunks } from '../../../../src/git/odb/pack-chunks';

/** Files of random bytes, so that any misplaced byte shows. */
describe('PackChunks', () => {
  let dir: string;
  const files: { fd: number; bytes: Buffer }[] = [];

  function file(size: number, number: number): { fd: number; bytes: Buffer } {
    const bytes = randomBytes(size);
    const name = path.join(dir, `pack-${number}`);
    fs.writeFileSync(name, bytes);
    const opened = { fd: fs.openSync(name, 'r'), bytes };
    files.push(opened);
    return opened;
  }

  let readSync: jest.SpyInstance;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keysweep-chunks-'));
  });

  beforeEach(() => {
    readSync = jest.spyOn(fs, 'readSync');
  });

  afterEach(() => {
    readSync.mockRestore();
  });

  afterAll(() => {
    for (const { fd } of files) fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads each chunk once for the ranges inside it', () => {
    const pack = file(3 * CHUNK_BYTES, 1);
    const chunks = new PackChunks();
    const id = chunks.register();
    const ranges: [number, number][] = [
      [0, 12],
      [12, 100],
      [CHUNK_BYTES - 50, 50],
      [5, 3],
      [CHUNK_BYTES + 7, 2000],
      [CHUNK_BYTES + 3000, 1096],
    ];
    for (const [position, length] of ranges)
      expect(chunks.read(pack.fd, id, position, length)).toEqual(
        pack.bytes.subarray(position, position + length),
      );
    expect(readSync).toHaveBeenCalledTimes(2);
  });

  it('leaves a range across chunks, an empty one and one past the end of the file to the caller', () => {
    const pack = file(CHUNK_BYTES + 100, 2);
    const chunks = new PackChunks();
    const id = chunks.register();
    expect(chunks.read(pack.fd, id, CHUNK_BYTES - 10, 20)).toBeUndefined();
    expect(chunks.read(pack.fd, id, 10, 0)).toBeUndefined();
    // the last chunk holds 100 bytes: a range inside them is served, one beyond is not
    expect(chunks.read(pack.fd, id, CHUNK_BYTES + 90, 10)).toEqual(pack.bytes.subarray(CHUNK_BYTES + 90));
    expect(chunks.read(pack.fd, id, CHUNK_BYTES + 90, 11)).toBeUndefined();
    expect(chunks.read(pack.fd, id, 2 * CHUNK_BYTES, 1)).toBeUndefined();
  });

  it('keeps the packs of a store apart, and reads a chunk again once another took its slot', () => {
    const slots = 1024;
    const a = file((slots + 1) * CHUNK_BYTES, 3);
    const b = file(CHUNK_BYTES, 4);
    const chunks = new PackChunks();
    const [idA, idB] = [chunks.register(), chunks.register()];
    expect(idB).not.toBe(idA);
    expect(chunks.read(a.fd, idA, 100, 10)).toEqual(a.bytes.subarray(100, 110));
    // the same chunk of the other pack maps to the same slot: its own bytes, not pack a's
    expect(chunks.read(b.fd, idB, 100, 10)).toEqual(b.bytes.subarray(100, 110));
    expect(chunks.read(a.fd, idA, 100, 10)).toEqual(a.bytes.subarray(100, 110));
    // chunk `slots` of pack a maps to slot 0 as well
    const far = slots * CHUNK_BYTES + 5;
    expect(chunks.read(a.fd, idA, far, 10)).toEqual(a.bytes.subarray(far, far + 10));
    expect(chunks.read(a.fd, idA, 100, 10)).toEqual(a.bytes.subarray(100, 110));
    expect(readSync).toHaveBeenCalledTimes(5);
  });

  it('does not keep a chunk whose read failed, nor the one it was replacing', () => {
    const slots = 1024;
    const pack = file((slots + 1) * CHUNK_BYTES, 5);
    const chunks = new PackChunks();
    const id = chunks.register();
    const far = slots * CHUNK_BYTES; // the same slot as chunk 0
    expect(chunks.read(pack.fd, id, 0, 10)).toEqual(pack.bytes.subarray(0, 10));
    // a read that fails after writing part of the slot
    readSync.mockImplementationOnce((_fd: number, buffer: Buffer, offset: number) => {
      buffer.fill(0xaa, offset, offset + 100);
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    });
    expect(() => chunks.read(pack.fd, id, far, 10)).toThrow('EIO');
    expect(chunks.read(pack.fd, id, 0, 10)).toEqual(pack.bytes.subarray(0, 10));
    expect(chunks.read(pack.fd, id, far, 10)).toEqual(pack.bytes.subarray(far, far + 10));
  });
});
