import fc from 'fast-check';
import { TreeGraph } from '../../../src/sources/tree-graph';

const oid = (n: number) => n.toString(16).padStart(40, '0');

describe('TreeGraph.holder', () => {
  it('gives each tree the target blobs it holds at any depth, as a search of its subtrees would', () => {
    // trees 0..n-1 are read in order; a tree's subtrees are among those read before it (as in a walk)
    const shape = fc.integer({ min: 1, max: 25 }).chain((trees) =>
      fc.record({
        children: fc.array(
          fc.tuple(
            fc.array(fc.nat(), { maxLength: 4 }),
            fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 5 }),
          ),
          { minLength: trees, maxLength: trees },
        ),
        targets: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 6 }),
      }),
    );
    fc.assert(
      fc.property(shape, ({ children, targets }) => {
        const graph = new TreeGraph();
        const treeNumbers: number[] = [];
        const blobNumber = (blob: number) => graph.number(oid(1000 + blob));
        const subtreesOf: number[][] = [];
        const blobsOf: number[][] = [];
        children.forEach(([subtrees, blobs], index) => {
          const tree = graph.number(oid(index + 1));
          const below = index === 0 ? [] : [...new Set(subtrees.map((s) => s % index))];
          subtreesOf.push(below);
          blobsOf.push(blobs);
          graph.setChildren(tree, [
            ...below.map((s) => treeNumbers[s] as number),
            ...blobs.map((blob) => ~blobNumber(blob)),
          ]);
          treeNumbers.push(tree);
        });
        const targetNumbers = new Set(targets.map(blobNumber));
        const holds = graph.holder(targetNumbers);
        const naive = (index: number): Set<number> =>
          new Set([
            ...(blobsOf[index] as number[]).map(blobNumber).filter((blob) => targetNumbers.has(blob)),
            ...(subtreesOf[index] as number[]).flatMap((s) => [...naive(s)]),
          ]);
        treeNumbers.forEach((tree, index) => {
          expect([...holds(tree)].sort((a, b) => a - b)).toEqual([...naive(index)].sort((a, b) => a - b));
        });
        expect([...holds(graph.number(oid(99_999)))]).toEqual([]); // a tree never read
      }),
    );
  });
});

/**
 * Ids that differ in their first bytes, as SHA-1 ids do: the table hashes an id by its first four bytes,
 * so `oid`'s zero-padded ids (which differ only at the end) would all probe the same slot.
 */
const idOf = (n: number) => n.toString(16).padStart(8, '0').padEnd(40, '0');

describe('TreeGraph', () => {
  it('says a blob is new exactly once, by number and by id, past its first tables', () => {
    const graph = new TreeGraph();
    const blobs = Array.from({ length: 5000 }, (_, i) => graph.number(idOf(10_000 + i)));
    expect(blobs.every((blob) => graph.firstSighting(blob))).toBe(true);
    expect(blobs.some((blob) => graph.firstSighting(blob))).toBe(false);
    expect(graph.hasSeenBlob(idOf(10_000))).toBe(true);
    expect(graph.hasSeenBlob(idOf(14_999))).toBe(true);
    const interned = graph.number(idOf(99_998)); // numbered, never sighted
    expect(interned).toBeGreaterThan(4999);
    expect(graph.hasSeenBlob(idOf(99_998))).toBe(false);
    expect(graph.hasSeenBlob(idOf(99_999))).toBe(false); // never numbered
  });

  it("records every stride-th entry as a tree's children, leaving out the skipped ones", () => {
    const graph = new TreeGraph();
    const NO_CHILD = -0x40000000;
    const blob = (n: number) => graph.number(idOf(50_000 + n));
    const target = blob(7);
    // entries as the walk keeps them: (child, end offset) pairs; a symlink has no child
    // a tree whose number is also the end offset of the leaf's first entry: read as a child, it would
    // give the leaf its blob
    const decoy = graph.number(idOf(4000));
    graph.setChildren(decoy, [~blob(9)]);
    const leaf = graph.number(idOf(1));
    graph.setChildren(leaf, [~target, decoy, NO_CHILD, 61, ~blob(8), 90], 2, NO_CHILD);
    // a tree numbered past the first tables, with more entries than the first arena holds
    const many = Array.from({ length: 70_000 }, (_, i) => [~blob(100 + i), 40 * (i + 1)]).flat();
    const big = graph.number(idOf(2));
    for (let n = 3; n < 3000; n++) graph.number(idOf(n));
    const root = graph.number(idOf(3001));
    graph.setChildren(big, many, 2, NO_CHILD);
    graph.setChildren(root, [leaf, 40, big, 80], 2, NO_CHILD);
    const holds = graph.holder(new Set([target, blob(9), blob(100 + 69_999)]));
    expect([...holds(leaf)]).toEqual([target]);
    expect([...holds(big)]).toEqual([blob(100 + 69_999)]);
    expect([...holds(root)].sort((a, b) => a - b)).toEqual(
      [target, blob(100 + 69_999)].sort((a, b) => a - b),
    );
    expect(graph.isRead(root) && graph.isRead(big) && !graph.isRead(graph.number(idOf(5)))).toBe(true);
  });
});
