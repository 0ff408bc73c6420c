import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { mulberry32 } from '../../../support/fake-keys';
import { TempTree } from '../../../support/temp-tree';

/**
 * Test repositories for the object store, written by the real git binary with fixed dates and identities
 * (so runs are repeatable), and a small pack writer for the shapes git will not produce on request:
 * deltas against a base in another pack or a loose object, very deep chains, loops, 8-byte offsets.
 */

const ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@keysweep.invalid',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@keysweep.invalid',
};

export class Repo extends TempTree {
  private tick = 0;

  constructor(options: { bare?: boolean } = {}) {
    super();
    this.git('init', '-q', ...(options.bare ? ['--bare'] : []), '-b', 'main', '.');
  }

  /** A new repository with a copy of this one's `.git`, to damage or repack without touching this one. */
  copy(): Repo {
    const copy = new Repo();
    fs.rmSync(copy.path('.git'), { recursive: true });
    fs.cpSync(this.path('.git'), copy.path('.git'), { recursive: true });
    return copy;
  }

  get gitdir(): string {
    return this.git('rev-parse', '--absolute-git-dir');
  }

  git(...args: string[]): string {
    return this.gitBuffer(args).toString('utf8').trim();
  }

  gitBuffer(args: string[], input?: Buffer | string): Buffer {
    const date = `${1704067200 + this.tick * 60} +0000`;
    return execFileSync('git', ['-c', 'gc.auto=0', '-c', 'core.hooksPath=/dev/null', ...args], {
      cwd: this.root,
      env: { ...ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      input,
      maxBuffer: 64 * 1024 * 1024,
    });
  }

  commit(message: string, files: Record<string, string | Buffer>): string {
    for (const [file, content] of Object.entries(files)) this.write(file, content);
    this.git('add', '-A');
    this.tick++;
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  /** `git cat-file --batch-all-objects --batch-check`: every object with its type and size. */
  objects(): { oid: string; type: string; size: number }[] {
    return this.git('cat-file', '--batch-all-objects', '--batch-check')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [oid = '', type = '', size = ''] = line.split(' ');
        return { oid, type, size: Number(size) };
      });
  }

  /** Every object's type and content, from one `git cat-file --batch-all-objects --batch`. */
  contents(): Map<string, { type: string; data: Buffer }> {
    const out = this.gitBuffer(['cat-file', '--batch-all-objects', '--batch']);
    const contents = new Map<string, { type: string; data: Buffer }>();
    let at = 0;
    while (at < out.length) {
      const newline = out.indexOf(10, at);
      const [oid = '', type = '', size = ''] = out.toString('utf8', at, newline).split(' ');
      const start = newline + 1;
      contents.set(oid, { type, data: out.subarray(start, start + Number(size)) });
      at = start + Number(size) + 1;
    }
    return contents;
  }

  /** The type code (1-4, 6 OFS_DELTA, 7 REF_DELTA) of every entry in the repository's packs, by id. */
  packEntryTypes(): Map<string, number> {
    const types = new Map<string, number>();
    for (const idx of this.packFiles('.idx')) {
      const pack = fs.readFileSync(idx.replace(/\.idx$/, '.pack'));
      for (const entry of this.indexEntries(idx))
        types.set(entry.oid, ((pack[entry.offset] as number) >> 4) & 7);
    }
    return types;
  }

  /** `git show-index`: the offset, id and CRC-32 of every entry of a pack index. */
  indexEntries(idx: string): { offset: number; oid: string; crc: number }[] {
    return this.gitBuffer(['show-index'], fs.readFileSync(idx))
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const [offset = '', oid = '', crc = ''] = line.split(' ');
        return { offset: Number(offset), oid, crc: Number.parseInt(crc.replace(/[()]/g, ''), 16) };
      });
  }

  /** Paths of the files in objects/pack ending in `suffix`. */
  packFiles(suffix: '.pack' | '.idx'): string[] {
    const dir = path.join(this.gitdir, 'objects', 'pack');
    return fs
      .readdirSync(dir)
      .filter((name) => name.endsWith(suffix))
      .map((name) => path.join(dir, name));
  }
}

/** A deterministic pseudo-random generator, so fixture contents are the same every run. */
export const random = mulberry32;

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

function lines(next: () => number, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    const words = Array.from({ length: 3 + Math.floor(next() * 8) }, () => WORDS[Math.floor(next() * 10)]);
    text += `${words.join(' ')} ${Math.floor(next() * 1e6)}\n`;
  }
  return text;
}

/**
 * A repository with history worth packing: files that grow and change over 24 commits (so a repack makes
 * long delta chains), a binary blob, a 2 MB blob in two versions, an empty blob, a lightweight and an
 * annotated tag — all packed by `git repack` (OFS_DELTA) — and two commits after the repack, left
 * loose. The history is written with one `git fast-import` (a process per commit would take seconds).
 */
export function historyRepo(): Repo {
  const repo = new Repo();
  const next = random(42);
  const stream = new FastImport();
  let notes = '';
  let app = lines(next, 200);
  const binary = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(next() * 256)));
  // About 2 MB, made without the generator (which is slow for that much): distinct, compressible lines.
  const big = Array.from(
    { length: 48000 },
    (_, i) => `${i} ${WORDS[i % 10]} ${(Math.imul(i, 2654435761) >>> 0).toString(16)} and some filler text\n`,
  ).join('');
  for (let i = 1; i <= 24; i++) {
    notes += lines(next, 40);
    const appLines = app.split('\n');
    appLines[Math.floor(next() * appLines.length)] = `changed in commit ${i}`;
    app = appLines.join('\n');
    const files: Record<string, string | Buffer> = { 'notes.txt': notes, 'src/app.js': app };
    if (i === 1) Object.assign(files, { 'bin/data.bin': binary, 'empty.txt': '', 'big/blob.dat': big });
    if (i === 10)
      files['bin/data.bin'] = Buffer.concat([binary.subarray(0, 2000), Buffer.from([0, 1, 2, 255])]);
    if (i === 12) files['big/blob.dat'] = big.replace('alpha', 'ALPHA').concat(lines(next, 10));
    if (i % 6 === 0) files[`docs/page-${i}.md`] = lines(next, 20);
    stream.commit(i, files);
    if (i === 8) stream.line('reset refs/tags/v1').line(`from :${i}`);
    if (i === 16)
      stream
        .line('tag v2')
        .line(`from :${i}`)
        .line(`tagger ${IDENT} ${DATE + i * 60} +0000`)
        .data('release two\n');
  }
  repo.gitBuffer(['fast-import', '--quiet'], stream.buffer());
  repo.git('repack', '-a', '-d', '-f', '-q', '--depth=50', '--window=250');
  const after = new FastImport();
  after.commit(25, { 'notes.txt': `${notes}loose line\n`, 'loose/new.txt': 'loose object\n' }, 'main^0');
  after.commit(26, { 'loose/new.txt': 'loose object, changed\n' });
  repo.gitBuffer(['-c', 'fastimport.unpackLimit=100', 'fast-import', '--quiet'], after.buffer());
  return repo;
}

/** `repo` (removed) repacked whole with REF_DELTA entries, bases named by id rather than offset. */
export function refDeltaRepo(repo: Repo): Repo {
  const copy = repo.copy();
  repo.remove();
  copy.git(
    '-c',
    'repack.useDeltaBaseOffset=false',
    'repack',
    '-a',
    '-d',
    '-f',
    '-q',
    '--depth=50',
    '--window=250',
  );
  return copy;
}

const IDENT = 'Test Author <author@keysweep.invalid>';
const DATE = 1704067200;

/** A `git fast-import` stream, commits on `main` numbered by their marks. */
class FastImport {
  private readonly parts: Buffer[] = [];

  line(text: string): this {
    this.parts.push(Buffer.from(`${text}\n`));
    return this;
  }

  data(content: string | Buffer): this {
    const bytes = Buffer.from(content);
    this.parts.push(Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n'));
    return this;
  }

  commit(
    mark: number,
    files: Record<string, string | Buffer>,
    from = mark > 1 ? `:${mark - 1}` : undefined,
  ): this {
    this.line('commit refs/heads/main')
      .line(`mark :${mark}`)
      .line(`committer ${IDENT} ${DATE + mark * 60} +0000`);
    this.data(`commit ${mark}\n`);
    if (from !== undefined) this.line(`from ${from}`);
    for (const [file, content] of Object.entries(files)) this.line(`M 100644 inline ${file}`).data(content);
    return this;
  }

  buffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

// --- A minimal pack writer -------------------------------------------------------------------------

export type RawType = 'commit' | 'tree' | 'blob' | 'tag';
const TYPE_CODES: Record<RawType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };

export function objectId(type: RawType, data: Buffer): string {
  return createHash('sha1').update(`${type} ${data.length}\0`).update(data).digest('hex');
}

/** An entry to write: a whole object, or a delta against an earlier entry (by index) or any object id. */
export type PackEntry =
  | { readonly oid: string; readonly type: RawType; readonly data: Buffer }
  | { readonly oid: string; readonly ofsBase: number; readonly delta: Buffer }
  | { readonly oid: string; readonly refBase: string; readonly delta: Buffer };

/** A delta that copies all of `base` and appends `suffix`. */
export function appendDelta(base: Buffer, suffix: Buffer): Buffer {
  const parts = [varint(base.length), varint(base.length + suffix.length)];
  for (let at = 0; at < base.length; at += 0x10000) {
    const size = Math.min(0x10000, base.length - at);
    // Copy with 4 offset bytes and 2 size bytes (size 0x10000 is written as no size bytes).
    const op = Buffer.from([0x80 | 0x0f | (size === 0x10000 ? 0 : 0x30)]);
    const offset = Buffer.alloc(4);
    offset.writeUInt32LE(at);
    const sizeBytes = Buffer.alloc(size === 0x10000 ? 0 : 2);
    if (size !== 0x10000) sizeBytes.writeUInt16LE(size);
    parts.push(op, offset, sizeBytes);
  }
  for (let at = 0; at < suffix.length; at += 127) {
    const chunk = suffix.subarray(at, at + 127);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(parts);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = rest & 0x7f;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return Buffer.from(bytes);
}

function entryHeader(type: number, size: number): Buffer {
  const bytes = [(type << 4) | (size & 0x0f)];
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) | 0x80;
    bytes.push(rest & 0x7f);
    rest = Math.floor(rest / 128);
  }
  return Buffer.from(bytes);
}

function ofsDistance(distance: number): Buffer {
  const bytes = [distance & 0x7f];
  let rest = Math.floor(distance / 128);
  while (rest > 0) {
    rest -= 1;
    bytes.unshift(0x80 | (rest & 0x7f));
    rest = Math.floor(rest / 128);
  }
  return Buffer.from(bytes);
}

/** Writes `pack-<name>.pack` and its version 2 `.idx` (see `writeIndex`) into `dir`. */
export function writePack(
  dir: string,
  name: string,
  entries: readonly PackEntry[],
  options: { largeOffsets?: boolean } = {},
): { pack: string; idx: string; offsets: number[] } {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(entries.length, 8);
  const parts: Buffer[] = [header];
  const offsets: number[] = [];
  const crcs: number[] = [];
  let offset = 12;
  for (const entry of entries) {
    offsets.push(offset);
    let bytes: Buffer;
    if ('type' in entry) {
      bytes = Buffer.concat([
        entryHeader(TYPE_CODES[entry.type], entry.data.length),
        deflateSync(entry.data),
      ]);
    } else if ('ofsBase' in entry) {
      const distance = offset - (offsets[entry.ofsBase] as number);
      bytes = Buffer.concat([
        entryHeader(6, entry.delta.length),
        ofsDistance(distance),
        deflateSync(entry.delta),
      ]);
    } else {
      bytes = Buffer.concat([
        entryHeader(7, entry.delta.length),
        Buffer.from(entry.refBase, 'hex'),
        deflateSync(entry.delta),
      ]);
    }
    crcs.push(crc32(bytes));
    parts.push(bytes);
    offset += bytes.length;
  }
  const body = Buffer.concat(parts);
  const checksum = createHash('sha1').update(body).digest();
  const pack = Buffer.concat([body, checksum]);

  const packPath = path.join(dir, `pack-${name}.pack`);
  const idxPath = path.join(dir, `pack-${name}.idx`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(packPath, pack);
  const rows = entries.map((entry, i) => ({
    oid: entry.oid,
    offset: offsets[i] as number,
    crc: crcs[i] as number,
  }));
  writeIndex(idxPath, rows, checksum, options);
  return { pack: packPath, idx: idxPath, offsets };
}

/**
 * Writes a version 2 pack index for `rows` of a pack whose checksum is `packChecksum`. With
 * `largeOffsets`, every offset goes through the 8-byte table (legal, if unusual below 2 GiB).
 */
export function writeIndex(
  file: string,
  rows: readonly { oid: string; offset: number; crc: number }[],
  packChecksum: Buffer,
  options: { largeOffsets?: boolean } = {},
): void {
  const order = [...rows].sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  const counts = new Array<number>(256).fill(0);
  for (const row of order)
    counts[Number.parseInt(row.oid.slice(0, 2), 16)] =
      (counts[Number.parseInt(row.oid.slice(0, 2), 16)] ?? 0) + 1;
  const fanout = Buffer.alloc(1024);
  let total = 0;
  counts.forEach((count, byte) => {
    total += count;
    fanout.writeUInt32BE(total, 4 * byte);
  });
  const crcTable = Buffer.alloc(4 * order.length);
  const small = Buffer.alloc(4 * order.length);
  const large = Buffer.alloc(options.largeOffsets ? 8 * order.length : 0);
  order.forEach((row, k) => {
    crcTable.writeUInt32BE(row.crc, 4 * k);
    if (options.largeOffsets) {
      small.writeUInt32BE((0x80000000 | k) >>> 0, 4 * k);
      large.writeBigUInt64BE(BigInt(row.offset), 8 * k);
    } else {
      small.writeUInt32BE(row.offset, 4 * k);
    }
  });
  const body = Buffer.concat([
    Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]),
    fanout,
    ...order.map((row) => Buffer.from(row.oid, 'hex')),
    crcTable,
    small,
    large,
    packChecksum,
  ]);
  fs.writeFileSync(file, Buffer.concat([body, createHash('sha1').update(body).digest()]));
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Writes a loose object into `objects` (as git would) and returns its id. */
export function writeLoose(objects: string, type: RawType, data: Buffer): string {
  const oid = objectId(type, data);
  const file = path.join(objects, oid.slice(0, 2), oid.slice(2));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, deflateSync(Buffer.concat([Buffer.from(`${type} ${data.length}\0`), data])));
  return oid;
}
