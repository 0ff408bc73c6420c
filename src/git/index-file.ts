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
  // The whole file as one latin1 string, so that each path is a slice of it rather than a decode of its
  // own (a call into C++ per entry was most of the parse on 10,000 entries); only a path with non-ASCII
  // bytes is decoded as UTF-8.
  const text = data.toString('latin1');
  const entries: IndexEntry[] = [];
  let offset = HEADER;
  let previous = '';
  for (let i = 0; i < count; i++) {
    if (offset + FIXED > data.length) throw corrupt(`entry ${i} runs past the end`);
    const start = offset;
    const mode = data.readUInt32BE(offset + 24);
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
      path = previous.slice(0, previous.length - strip) + decodePath(data, text, offset, end);
      offset = end + 1;
    } else {
      const length = flags & NAME_LENGTH;
      const end = length < NAME_LENGTH ? offset + length : data.indexOf(0, offset);
      if (end < 0 || end >= data.length) throw corrupt(`entry ${i} has a bad path`);
      path = decodePath(data, text, offset, end);
      // NUL-padded so that each entry's length is a multiple of eight (at least one NUL)
      offset = start + Math.ceil((end - start + 1) / 8) * 8;
    }
    previous = path;
    if ((flags & STAGE) === 0 && (mode & 0o170000) !== 0o040000)
      entries.push(new Entry(path, mode, data, start + 40));
  }
  return { entries, cachedTrees: cachedTrees(data, text, offset) };
}

/** A path's bytes as text: the latin1 slice when they are ASCII (nearly always), else decoded as UTF-8. */
function decodePath(data: Buffer, text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  return NON_ASCII.test(raw) ? data.toString('utf8', start, end) : raw;
}

const NON_ASCII = /[\u0080-\u00ff]/; // a latin1 string holds nothing above U+00FF

/**
 * An index entry whose blob id is spelled out in hex only when asked for: a pre-commit scan asks for a
 * few of 10,000 (the rest sit in directories the cache-tree shows unchanged).
 */
class Entry implements IndexEntry {
  private hex: string | undefined;
  constructor(
    readonly path: string,
    readonly mode: number,
    private readonly data: Buffer,
    private readonly oidAt: number,
  ) {}
  get oid(): string {
    this.hex ??= this.data.toString('hex', this.oidAt, this.oidAt + 20);
    return this.hex;
  }
}

/** The TREE extension, if present and well-formed; anything unexpected just means no shortcut. */
function cachedTrees(data: Buffer, text: string, offset: number): Map<string, string> {
  const trees = new Map<string, string>();
  const end = data.length - 20; // the trailing checksum
  while (offset + 8 <= end) {
    const signature = text.slice(offset, offset + 4);
    const size = data.readUInt32BE(offset + 4);
    const start = offset + 8;
    if (start + size > end) break;
    if (signature === 'TREE') {
      parseTreeExtension(data, text, start, start + size, trees);
      break;
    }
    offset = start + size;
  }
  return trees;
}

/**
 * Pre-order: `name NUL entries SP subtrees LF [id]`; an entry count of -1 marks an invalid directory.
 * Read from [offset, end) of the index, through its latin1 text as the entries are.
 */
function parseTreeExtension(
  data: Buffer,
  text: string,
  offset: number,
  end: number,
  trees: Map<string, string>,
): void {
  const stack: { path: string; left: number }[] = [];
  while (offset < end) {
    const nul = text.indexOf('\0', offset);
    const newline = nul < 0 ? -1 : text.indexOf('\n', nul);
    if (newline < 0 || newline >= end) return;
    const name = decodePath(data, text, offset, nul);
    const space = text.indexOf(' ', nul);
    if (space < 0 || space > newline) return;
    const count = Number(text.slice(nul + 1, space));
    const subtrees = Number(text.slice(space + 1, newline));
    if (Number.isNaN(count) || Number.isNaN(subtrees)) return;
    offset = newline + 1;
    while (stack.length > 0 && (stack.at(-1) as { left: number }).left === 0) stack.pop();
    const parent = stack.at(-1);
    if (parent) parent.left--;
    const path = parent ? (parent.path ? `${parent.path}/${name}` : name) : '';
    if (count >= 0) {
      if (offset + 20 > end) return;
      trees.set(path, data.toString('hex', offset, offset + 20));
      offset += 20;
    }
    stack.push({ path, left: subtrees });
  }
}
