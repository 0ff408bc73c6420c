/**
 * The distinct trees and blobs a history sweep met, interned to small numbers, with each tree's children.
 * The sweep reads and parses every distinct tree exactly once; afterwards, "which commits hold this blob,
 * and do the refs reach them" is answered from this graph instead of reading the trees a second time
 * (which cost as much as the sweep itself on a 5,000-commit history). A few bytes per tree entry.
 * Objects are keyed by their 20 raw id bytes as a latin1 string, not by hex: that halves the key and
 * spares a hex encoding per tree entry, the hottest loop of a sweep.
 */
const NONE = new Int32Array(0);

export class TreeGraph {
  private readonly numbers = new Map<string, number>();
  private count = 0;
  /** By tree number: its subtrees (n) and blobs (~n, negative). Undefined until the tree is read. */
  private readonly children: (Int32Array | undefined)[] = [];
  private readonly seenBlobs = new Set<number>();

  /** The number of an object, by its raw key (see keyOf). */
  number(key: string): number {
    let n = this.numbers.get(key);
    if (n === undefined) {
      n = this.count++;
      this.numbers.set(key, n);
    }
    return n;
  }

  find(oid: string): number | undefined {
    return this.numbers.get(keyOf(oid));
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

/** The graph's key of a hex object id. */
export function keyOf(oid: string): string {
  return Buffer.from(oid, 'hex').toString('latin1');
}
