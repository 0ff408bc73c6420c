import { readAllRefs } from '../../../src/git/refs';
import { TempTree } from '../../support/temp-tree';

const oid = (c: string) => c.repeat(40);
let tree: TempTree;
beforeEach(() => {
  tree = new TempTree();
});
afterEach(() => tree.remove());

test('packed refs are read, and a loose ref of the same name takes precedence', () => {
  tree.write(
    'packed-refs',
    [
      '# pack-refs with: peeled fully-peeled sorted',
      `${oid('a')} refs/heads/main`,
      `${oid('b')} refs/tags/v1`,
      `^${oid('c')}`,
      `${oid('d')} refs/heads/old`,
      '',
    ].join('\n'),
  );
  tree.write('refs/heads/main', `${oid('e')}\n`);
  tree.write('refs/remotes/origin/feature/x', `${oid('f')}\n`);
  expect(Object.fromEntries(readAllRefs(tree.root))).toEqual({
    'refs/heads/main': oid('e'),
    'refs/heads/old': oid('d'),
    'refs/tags/v1': oid('b'),
    'refs/remotes/origin/feature/x': oid('f'),
  });
});

test('symbolic refs are followed (also into packed refs); dangling, looping and lock files are left out', () => {
  tree.write('packed-refs', `${oid('a')} refs/remotes/origin/main\n`);
  tree.write('refs/remotes/origin/HEAD', 'ref: refs/remotes/origin/main\n');
  tree.write('refs/heads/gone', 'ref: refs/heads/nowhere\n');
  tree.write('refs/heads/loop1', 'ref: refs/heads/loop2\n');
  tree.write('refs/heads/loop2', 'ref: refs/heads/loop1\n');
  tree.write('refs/heads/main.lock', `${oid('b')}\n`);
  tree.write('refs/heads/garbage', 'not a ref\n');
  expect(Object.fromEntries(readAllRefs(tree.root))).toEqual({
    'refs/remotes/origin/main': oid('a'),
    'refs/remotes/origin/HEAD': oid('a'),
  });
});

test('a git directory with no refs at all has none', () => {
  expect(readAllRefs(tree.root).size).toBe(0);
});
