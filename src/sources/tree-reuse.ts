/**
 * Most of a new tree is the tree it replaced: a commit that edits one file gives each directory on that
 * file's path a new tree whose other entries are byte for byte the old ones. A history sweep keeps, for
 * each path, the last tree it read there (ReadTree), and matches the entries of a new tree against the
 * old tree's entries near the same place: an entry whose bytes are the same as an old entry's is taken
 * over as it is (its child is known, was read or seen already, and needs no parsing, interning or
 * lookup), and only the others are parsed. On the bench history 2.95 of the 3.15 million entries of
 * the trees read are taken over, most of them in runs (TreeReuse.takeOver).
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
  /** The same bytes as 32-bit words, when they start at a multiple of 4 (see `wordsOf`). */
  readonly words: Int32Array | undefined;
  /**
   * Two numbers by entry k: at 2k its child in the tree graph's terms (n a tree, ~n a blob) or NO_CHILD,
   * at 2k + 1 the offset just past it.
   */
  readonly entries: Int32Array;
}

/**
 * Copies of up to this many numbers are made by a loop; longer ones by `TypedArray#set` on a subarray,
 * whose call and view cost ~45 ns, as much as a loop over ~25 numbers, and whose copy is nearly free.
 */
const COPY_LOOP_MAX = 24;

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
    if (this.top + 2 > this.buffer.length) this.grow(2);
    this.buffer[this.top++] = child;
    this.buffer[this.top++] = end;
  }

  /**
   * Pushes entries `from` to `to` of a read tree's (ReadTree.entries' layout, so both even), each end
   * moved by `shift`: the old entries a new tree takes over in one piece (see TreeReuse).
   */
  pushOld(entries: Int32Array, from: number, to: number, shift: number): void {
    if (this.top + (to - from) > this.buffer.length) this.grow(to - from);
    const { buffer } = this;
    let top = this.top;
    if (shift === 0 && to - from > COPY_LOOP_MAX) {
      // (a native copy: the run before a change, and after one that kept the tree's length)
      buffer.set(entries.subarray(from, to), top);
      top += to - from;
    } else {
      for (let k = from; k < to; k += 2) {
        buffer[top++] = entries[k] as number;
        buffer[top++] = (entries[k + 1] as number) + shift;
      }
    }
    this.top = top;
  }

  private grow(more: number): void {
    const bigger = new Int32Array(Math.max(this.buffer.length * 2, this.top + more));
    bigger.set(this.buffer);
    this.buffer = bigger;
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
      if (length > COPY_LOOP_MAX) entries.set(this.buffer.subarray(from, this.top));
      else for (let k = 0; k < length; k++) entries[k] = this.buffer[from + k] as number;
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

/**
 * Matches a new tree's entries against the old tree at its path. Once one entry matches (`match`), the
 * bytes after it are compared with the old tree's after the old entry, a word at a time, up to the first
 * difference, and every old entry inside that common run is taken over at once (`takeOver`): a tree
 * changed in one place is two such runs, before and after the change. Matching entry by entry instead
 * cost ~50 ns an entry, most of it around the comparison rather than in it (the bench history's walk:
 * 1.27 -> 1.21 s, medians of eight interleaved runs).
 */
export class TreeReuse {
  /** The old entry expected next: the one after the last match (or after a parsed entry). */
  private next = 0;

  constructor(
    readonly old: ReadTree,
    private readonly view: DataView,
    private readonly words: Int32Array | undefined,
  ) {}

  /**
   * Takes over the old entries the new tree has at `offset` (an entry's start), if any: pushes them to
   * `stack`, their ends moved to the new tree's offsets, and returns the offset after them; `offset`
   * itself when the entry there matches no old one.
   */
  takeOver(offset: number, stack: EntryStack): number {
    const k = this.match(offset);
    if (k < 0) return offset;
    const { entries } = this.old;
    const shift = offset - (k > 0 ? (entries[2 * k - 1] as number) : 0);
    const oldEnd = entries[2 * k + 1] as number;
    const limit = Math.min(this.old.view.byteLength - oldEnd, this.view.byteLength - oldEnd - shift);
    const same = commonRun(this.old, oldEnd, this.view, this.words, oldEnd + shift, limit);
    const last = entriesEndingBy(entries, oldEnd + same); // entries k .. last - 1 lie in the run
    stack.pushOld(entries, 2 * k, 2 * last, shift);
    this.next = last;
    return (entries[2 * last - 1] as number) + shift;
  }

  /** The index of the old entry whose bytes are the new tree's at `offset`, or -1. */
  match(offset: number): number {
    const { entries } = this.old;
    const count = entries.length >> 1;
    for (const step of NEAR) {
      const k = this.next + step;
      if (k < 0 || k >= count) continue;
      const start = k > 0 ? (entries[2 * k - 1] as number) : 0;
      const length = (entries[2 * k + 1] as number) - start;
      if (
        offset + length <= this.view.byteLength &&
        commonRun(this.old, start, this.view, this.words, offset, length) === length
      ) {
        this.next = k + 1;
        return k;
      }
    }
    this.next++; // the new entry took the place of the expected one, the likeliest case
    return -1;
  }
}

/** How many entries (ReadTree.entries' layout) end at or before `offset`: a binary search of the ends. */
function entriesEndingBy(entries: Int32Array, offset: number): number {
  let lo = 0;
  let hi = entries.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[2 * mid + 1] as number) <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The bytes of `view` as 32-bit words (of the platform's order, which equality does not care about), or
 * undefined when they do not start at a multiple of 4 (a typed array must). Comparing words is about
 * twice as fast as comparing DataView reads.
 */
export function wordsOf(view: DataView): Int32Array | undefined {
  return view.byteOffset % 4 === 0
    ? new Int32Array(view.buffer, view.byteOffset, view.byteLength >> 2)
    : undefined;
}

/**
 * How many bytes are the same from `from` in the old tree and from `at` in the new one (`view`,
 * `words`), up to `limit`. By words where the two offsets are as far from a word's start (the bytes
 * before the first whole word one by one), else by DataView reads.
 */
export function commonRun(
  old: ReadTree,
  from: number,
  view: DataView,
  words: Int32Array | undefined,
  at: number,
  limit: number,
): number {
  const a = old.view;
  const oldWords = old.words;
  let n = 0;
  if (oldWords !== undefined && words !== undefined && (from - at) % 4 === 0) {
    const loose = Math.min((4 - (from % 4)) % 4, limit);
    while (n < loose && a.getUint8(from + n) === view.getUint8(at + n)) n++;
    if (n === loose) {
      const first = (from + n) >> 2;
      const delta = ((at + n) >> 2) - first;
      const end = first + ((limit - n) >> 2);
      let k = first;
      while (k < end && oldWords[k] === words[k + delta]) k++;
      n += 4 * (k - first);
    }
  } else {
    while (n + 4 <= limit && a.getInt32(from + n, true) === view.getInt32(at + n, true)) n += 4;
  }
  while (n < limit && a.getUint8(from + n) === view.getUint8(at + n)) n++;
  return n;
}
