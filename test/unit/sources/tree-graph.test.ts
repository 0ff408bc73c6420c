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
