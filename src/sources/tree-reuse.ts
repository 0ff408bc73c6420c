/**
 * Most of a new tree is the tree it replaced: a commit that edits one file gives each directory on that
 * file's path a new tree whose other entries are byte for byte the old ones. A history sweep keeps, for
 * each path, the last tree it read there (ReadTree), and matches each entry of a new tree against the
 * old tree's entries near the same place: an entry whose bytes are the same as an old entry's is taken
 * over as it is (its child is known, was read or seen already, and needs no parsing, interning or
 * lookup), and only the others are parsed. On the bench history 2.95 of the 3.15 million entries of
 * the trees read are taken over.
 *
 * A match is exact, not a guess: the new tree's bytes from the entry's start are the old entry's bytes,
 * mode, name, NUL and id, so parsing them would give the same entry and end at the same place.
 */

/**
 * An entry with no child in the tree graph (a symlink, a submodule): ~(2^30 - 1), which no object number
 * reaches, and still a small integer to V8, so arrays of entries stay arrays of small integers.
 */
export const NO_CHILD = -0x40000000;

/** A directory path of the history's trees, with the last tree read there and the paths below it. */
export class TreePath {
  last: ReadTree | undefined;
  private below: Map<string, TreePath> | undefined;

  /** The path `name` below this one (a Map of short names: long path strings cost time to hash). */
  child(name: string): TreePath {
    this.below ??= new Map();
    let path = this.below.get(name);
    if (!path) {
      path = new TreePath();
      this.below.set(name, path);
    }
    return path;
  }
}

export interface ReadTree {
  readonly view: DataView;
  /**
   * Two numbers by entry k: at 2k its child in the tree graph's terms (n a tree, ~n a blob) or NO_CHILD,
   * at 2k + 1 the offset just past it.
   */
  readonly entries: Int32Array;
}

/**
 * The entries of the trees on the walk's current path, each tree's after its parent's, in one growing
 * Int32Array (a tree's entries are collected while its subtrees are walked): two JavaScript arrays grown
 * entry by entry for each tree made ~180 MB of garbage on the bench history, most of the walk's.
 */
export class EntryStack {
  private buffer = new Int32Array(4096);
  /** Where the next entry goes; a tree's entries start where it stood when the tree's walk began. */
  top = 0;

  push(child: number, end: number): void {
    if (this.top + 2 > this.buffer.length) {
      const bigger = new Int32Array(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.top++] = child;
    this.buffer[this.top++] = end;
  }

  /**
   * The entries pushed since `from` (ReadTree.entries' layout), copied out and taken off the stack: into
   * `recycled` when it has their length (the entries of the tree this one replaces at its path, no longer
   * needed once it is walked: most changed trees keep their number of entries), else a new array. On the
   * bench history 67,236 of the 79,364 trees recycle an array; a new one per tree was ~15 MB of the
   * walk's garbage.
   */
  popFrom(from: number, recycled?: Int32Array): Int32Array {
    const length = this.top - from;
    let entries: Int32Array;
    if (recycled?.length === length) {
      entries = recycled;
      for (let k = 0; k < length; k++) entries[k] = this.buffer[from + k] as number;
    } else {
      entries = this.buffer.slice(from, this.top);
    }
    this.top = from;
    return entries;
  }
}

/**
 * Old entries are tried near the one after the last match, in this order: the next one (nothing changed
 * here), then the ones a modified, removed or added entry or two would leave in its place. Further away,
 * the entry is parsed, which is correct too, only slower.
 */
const NEAR = [0, 1, -1, 2, -2, 3] as const;

export class TreeReuse {
  /** The old entry expected next: the one after the last match (or after a parsed entry). */
  private next = 0;

  constructor(readonly old: ReadTree) {}

  /** The index of the old entry whose bytes are the new tree's at `offset`, or -1. */
  match(view: DataView, offset: number): number {
    const { entries } = this.old;
    const count = entries.length >> 1;
    for (const step of NEAR) {
      const k = this.next + step;
      if (k < 0 || k >= count) continue;
      const start = k > 0 ? (entries[2 * k - 1] as number) : 0;
      if (sameBytes(this.old.view, start, view, offset, (entries[2 * k + 1] as number) - start)) {
        this.next = k + 1;
        return k;
      }
    }
    this.next++; // the new entry took the place of the expected one, the likeliest case
    return -1;
  }
}

/** Whether `length` bytes of `a` at `aFrom` are those of `b` at `bFrom`, compared a 32-bit word at a time. */
function sameBytes(a: DataView, aFrom: number, b: DataView, bFrom: number, length: number): boolean {
  if (bFrom + length > b.byteLength) return false;
  let i = 0;
  // little-endian reads: x86 and ARM need no byte swap, and equality does not care about the order
  for (; i + 4 <= length; i += 4)
    if (a.getInt32(aFrom + i, true) !== b.getInt32(bFrom + i, true)) return false;
  for (; i < length; i++) if (a.getUint8(aFrom + i) !== b.getUint8(bFrom + i)) return false;
  return true;
}
