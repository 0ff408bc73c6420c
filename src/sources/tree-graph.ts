import { OidTable } from '../git/oid-table';

/**
 * The distinct trees and blobs a history sweep met, interned to small numbers, with each tree's children.
 * The sweep reads and parses every distinct tree exactly once; afterwards, "which commits hold this blob,
 * and do the refs reach them" is answered from this graph instead of reading the trees a second time
 * (which cost as much as the sweep itself on a 5,000-commit history). A few bytes per tree entry.
 * Objects are numbered by their raw id bytes, read in place from the tree (see git/oid-table.ts).
 */
const NONE = new Int32Array(0);
const UNREAD = -1;

export class TreeGraph {
  private readonly ids = new OidTable();
  /**
   * Every read tree's children, end to end in one arena: by tree number, `first` is where they start
   * (UNREAD until the tree is read) and `count` how many there are; a subtree is n, a blob ~n (negative).
   * One arena rather than an Int32Array per tree: ~80,000 small typed arrays cost more to make, and
   * ~15 MB more to hold, than the ids in them.
   */
  private arena = new Int32Array(64 * 1024);
  private used = 0;
  private first = new Int32Array(1024).fill(UNREAD);
  private count = new Int32Array(1024);
  /**
   * Trees in the order their children were recorded. A walk records a tree's children after every
   * subtree's (it reads them first, or read them before), so this lists every tree after its subtrees.
   */
  private readonly order: number[] = [];
  /** By object number, 1 for a blob seen (a Set of ~100,000 numbers was rehashed as it grew, in the walk). */
  private seenBlobs = new Uint8Array(1024);

  /**
   * The number of the object whose raw id is at bytes `offset..offset+20` of a tree's bytes, seen through
   * `view` (OidTable.viewOf, once per tree).
   */
  numberAt(view: DataView, offset: number): number {
    return this.ids.intern(view, offset);
  }

  /** The number of an object by its hex id. */
  number(oid: string): number {
    return this.ids.intern(OidTable.viewOf(Buffer.from(oid, 'hex')), 0);
  }

  find(oid: string): number | undefined {
    return this.ids.find(OidTable.viewOf(Buffer.from(oid, 'hex')));
  }

  isRead(tree: number): boolean {
    return tree < this.first.length && this.first[tree] !== UNREAD;
  }

  /**
   * Records a tree's children: every `stride`-th number of `entries` from the first (ReadTree.entries
   * has 2), leaving out those equal to `skip` (the entries with no child).
   */
  setChildren(tree: number, entries: ArrayLike<number>, stride = 1, skip?: number): void {
    if (tree >= this.first.length) {
      const size = Math.max(tree + 1, this.first.length * 2);
      this.first = grown(this.first, size, UNREAD);
      this.count = grown(this.count, size, 0);
    }
    if (this.used + entries.length > this.arena.length)
      this.arena = grown(this.arena, Math.max(this.used + entries.length, this.arena.length * 2), 0);
    const start = this.used;
    for (let k = 0; k < entries.length; k += stride) {
      const entry = entries[k] as number;
      if (entry !== skip) this.arena[this.used++] = entry;
    }
    this.first[tree] = start;
    this.count[tree] = this.used - start;
    this.order.push(tree);
  }

  /** Marks a blob seen; true the first time. */
  firstSighting(blob: number): boolean {
    if (blob >= this.seenBlobs.length) {
      const bigger = new Uint8Array(Math.max(blob + 1, this.seenBlobs.length * 2));
      bigger.set(this.seenBlobs);
      this.seenBlobs = bigger;
    }
    if (this.seenBlobs[blob] === 1) return false;
    this.seenBlobs[blob] = 1;
    return true;
  }

  hasSeenBlob(oid: string): boolean {
    const n = this.find(oid);
    return n !== undefined && this.seenBlobs[n] === 1;
  }

  /**
   * For each tree, the blobs of `targets` it holds at any depth: one pass over the trees in the order
   * they were read (subtrees first, see `order`), where a depth-first search from each commit's tree
   * with a memo cost ~100 ms of a 79,000-tree history after the scan, with nothing else to do.
   */
  holder(targets: ReadonlySet<number>): (tree: number) => Int32Array {
    const isTarget = new Uint8Array(this.ids.size);
    for (const blob of targets) if (blob < isTarget.length) isTarget[blob] = 1;
    // Only the trees that hold any get a list; by tree number, 1 + the index of its list, or 0. A Map
    // looked up for each of the ~3 million children cost ~20 ms of the bench history's sweep, at its end.
    const lists: Int32Array[] = [];
    const listOf = new Int32Array(this.first.length);
    for (const tree of this.order) {
      let found: Set<number> | undefined;
      const start = this.first[tree] as number;
      const end = start + (this.count[tree] as number);
      for (let k = start; k < end; k++) {
        const child = this.arena[k] as number;
        if (child < 0) {
          if (isTarget[~child] === 1) {
            found ??= new Set();
            found.add(~child);
          }
          continue;
        }
        const list = listOf[child]; // (undefined past the end: a tree never read holds nothing)
        if (!list) continue;
        found ??= new Set();
        for (const blob of lists[list - 1] as Int32Array) found.add(blob);
      }
      if (found) listOf[tree] = lists.push(Int32Array.from(found));
    }
    return (tree) =>
      tree < listOf.length && listOf[tree] !== 0 ? (lists[(listOf[tree] as number) - 1] as Int32Array) : NONE;
  }
}

/** A copy of `array` `size` long, the new part filled with `fill`. */
function grown(array: Int32Array, size: number, fill: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(size);
  bigger.set(array);
  if (fill !== 0) bigger.fill(fill, array.length);
  return bigger;
}
