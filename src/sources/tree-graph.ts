import { OidTable } from '../git/oid-table';

/**
 * The distinct trees and blobs a history sweep met, interned to small numbers, with each tree's children.
 * The sweep reads and parses every distinct tree exactly once; afterwards, "which commits hold this blob,
 * and do the refs reach them" is answered from this graph instead of reading the trees a second time
 * (which cost as much as the sweep itself on a 5,000-commit history). A few bytes per tree entry.
 * Objects are numbered by their raw id bytes, read in place from the tree (see git/oid-table.ts).
 */
const NONE = new Int32Array(0);

export class TreeGraph {
  private readonly ids = new OidTable();
  /** By tree number: its subtrees (n) and blobs (~n, negative). Undefined until the tree is read. */
  private readonly children: (Int32Array | undefined)[] = [];
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
    return this.children[tree] !== undefined;
  }

  setChildren(tree: number, children: readonly number[]): void {
    this.children[tree] = children.length > 0 ? Int32Array.from(children) : NONE;
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
      for (const child of this.children[tree] ?? NONE) {
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
