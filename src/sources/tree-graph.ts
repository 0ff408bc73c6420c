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
  private readonly seenBlobs = new Set<number>();

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

  /** Records a tree's children, leaving out the entries equal to `skip` (those with no child). */
  setChildren(tree: number, entries: readonly number[], skip?: number): void {
    if (tree >= this.first.length) {
      const size = Math.max(tree + 1, this.first.length * 2);
      this.first = grown(this.first, size, UNREAD);
      this.count = grown(this.count, size, 0);
    }
    if (this.used + entries.length > this.arena.length)
      this.arena = grown(this.arena, Math.max(this.used + entries.length, this.arena.length * 2), 0);
    const start = this.used;
    for (const entry of entries) if (entry !== skip) this.arena[this.used++] = entry;
    this.first[tree] = start;
    this.count[tree] = this.used - start;
  }

  /** A read tree's children (a view into the arena: valid until the next setChildren). */
  private childrenOf(tree: number): Int32Array {
    if (!this.isRead(tree)) return NONE;
    const start = this.first[tree] as number;
    return this.arena.subarray(start, start + (this.count[tree] as number));
  }

  /** Marks a blob seen; true the first time. */
  firstSighting(blob: number): boolean {
    if (this.seenBlobs.has(blob)) return false;
    this.seenBlobs.add(blob);
    return true;
  }

  hasSeenBlob(oid: string): boolean {
    const n = this.find(oid);
    return n !== undefined && this.seenBlobs.has(n);
  }

  /**
   * For each tree, the blobs of `targets` it holds at any depth (memoised, so each tree is visited once).
   */
  holder(targets: ReadonlySet<number>): (tree: number) => Int32Array {
    const memo = new Map<number, Int32Array>();
    const holds = (tree: number): Int32Array => {
      const known = memo.get(tree);
      if (known) return known;
      let found: Set<number> | undefined;
      for (const child of this.childrenOf(tree)) {
        if (child < 0) {
          if (targets.has(~child)) {
            found ??= new Set();
            found.add(~child);
          }
          continue;
        }
        const below = holds(child);
        if (below.length > 0) {
          found ??= new Set();
          for (const blob of below) found.add(blob);
        }
      }
      const result = found ? Int32Array.from(found) : NONE;
      memo.set(tree, result);
      return result;
    };
    return holds;
  }
}

/** A copy of `array` `size` long, the new part filled with `fill`. */
function grown(array: Int32Array, size: number, fill: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(size);
  bigger.set(array);
  if (fill !== 0) bigger.fill(fill, array.length);
  return bigger;
}
