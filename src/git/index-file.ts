import { KeysweepError } from '../errors';

/**
 * The git index (`.git/index`), parsed directly: versions 2, 3 and 4 (prefix-compressed paths), per
 * gitformat-index(5). isomorphic-git can walk the index too, but its walker costs over a second on a
 * 10,000-file repository, and `keysweep staged` runs on every commit. Only what a pre-commit scan needs
 * is kept: path, blob id and mode of each stage-0 entry (conflicted entries cannot be committed, and a
 * sparse index's directory entries stand for trees unchanged from HEAD). Extensions are not read.
 */
export interface IndexEntry {
  readonly path: string;
  readonly oid: string;
  readonly mode: number;
}

const HEADER = 12;
const FIXED = 62; // ctime, mtime, dev, ino, mode, uid, gid, size (40 bytes), the id (20), flags (2)
const EXTENDED = 0x4000;
const STAGE = 0x3000;
const NAME_LENGTH = 0x0fff;

export interface Index {
  readonly entries: IndexEntry[];
  /**
   * The cache-tree extension: for each directory (`''` for the top) whose index entries are unchanged
   * since git last wrote a tree of them, that tree's id. A directory whose id equals HEAD's holds nothing
   * staged, so `keysweep staged` need not look inside it.
   */
  readonly cachedTrees: ReadonlyMap<string, string>;
}

export function parseIndex(data: Buffer, shown: string): IndexEntry[] {
  return readIndexFile(data, shown).entries;
}

export function readIndexFile(data: Buffer, shown: string): Index {
  const corrupt = (problem: string) => new KeysweepError('E_GIT', `${shown}: corrupt index: ${problem}`);
  if (data.length < HEADER || data.toString('latin1', 0, 4) !== 'DIRC') throw corrupt('no DIRC signature');
  const version = data.readUInt32BE(4);
  if (version < 2 || version > 4) throw corrupt(`unsupported version ${version}`);
  const count = data.readUInt32BE(8);
  const entries: IndexEntry[] = [];
  let offset = HEADER;
  let previous = '';
  for (let i = 0; i < count; i++) {
    if (offset + FIXED > data.length) throw corrupt(`entry ${i} runs past the end`);
    const start = offset;
    const mode = data.readUInt32BE(offset + 24);
    const oid = data.toString('hex', offset + 40, offset + 60);
    const flags = data.readUInt16BE(offset + 60);
    offset += FIXED;
    if (version >= 3 && flags & EXTENDED) offset += 2;
    let path: string;
    if (version === 4) {
      let strip = 0;
      let byte: number;
      // git's offset varint: each continuation adds one before shifting, so encodings are unique
      do {
        if (offset >= data.length) throw corrupt(`entry ${i} runs past the end`);
        byte = data[offset++] as number;
        strip = (strip << 7) | (byte & 0x7f);
        if (byte & 0x80) strip++;
      } while (byte & 0x80);
      const end = data.indexOf(0, offset);
      if (end < 0 || strip > previous.length) throw corrupt(`entry ${i} has a bad path`);
      path = previous.slice(0, previous.length - strip) + data.toString('utf8', offset, end);
      offset = end + 1;
    } else {
      const length = flags & NAME_LENGTH;
      const end = length < NAME_LENGTH ? offset + length : data.indexOf(0, offset);
      if (end < 0 || end >= data.length) throw corrupt(`entry ${i} has a bad path`);
      path = data.toString('utf8', offset, end);
      // NUL-padded so that each entry's length is a multiple of eight (at least one NUL)
      offset = start + Math.ceil((end - start + 1) / 8) * 8;
    }
    previous = path;
    if ((flags & STAGE) === 0 && (mode & 0o170000) !== 0o040000) entries.push({ path, oid, mode });
  }
  return { entries, cachedTrees: cachedTrees(data, offset) };
}

/** The TREE extension, if present and well-formed; anything unexpected just means no shortcut. */
function cachedTrees(data: Buffer, offset: number): Map<string, string> {
  const trees = new Map<string, string>();
  const end = data.length - 20; // the trailing checksum
  while (offset + 8 <= end) {
    const signature = data.toString('latin1', offset, offset + 4);
    const size = data.readUInt32BE(offset + 4);
    const start = offset + 8;
    if (start + size > end) break;
    if (signature === 'TREE') {
      parseTreeExtension(data.subarray(start, start + size), trees);
      break;
    }
    offset = start + size;
  }
  return trees;
}

/** Pre-order: `name NUL entries SP subtrees LF [id]`; an entry count of -1 marks an invalid directory. */
function parseTreeExtension(data: Buffer, trees: Map<string, string>): void {
  let offset = 0;
  const stack: { path: string; left: number }[] = [];
  while (offset < data.length) {
    const nul = data.indexOf(0, offset);
    const newline = nul < 0 ? -1 : data.indexOf(0x0a, nul);
    if (newline < 0) return;
    const name = data.toString('utf8', offset, nul);
    const [count, subtrees] = data
      .toString('latin1', nul + 1, newline)
      .split(' ')
      .map(Number);
    if (count === undefined || subtrees === undefined || Number.isNaN(count) || Number.isNaN(subtrees))
      return;
    offset = newline + 1;
    while (stack.length > 0 && (stack.at(-1) as { left: number }).left === 0) stack.pop();
    const parent = stack.at(-1);
    if (parent) parent.left--;
    const path = parent ? (parent.path ? `${parent.path}/${name}` : name) : '';
    if (count >= 0) {
      if (offset + 20 > data.length) return;
      trees.set(path, data.toString('hex', offset, offset + 20));
      offset += 20;
    }
    stack.push({ path, left: subtrees });
  }
}
