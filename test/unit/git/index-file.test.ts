import { readFileSync } from 'node:fs';
import { parseIndex, readIndexFile } from '../../../src/git/index-file';
import { GitRepo } from '../../support/git-repo';

/** The index parser, checked entry for entry against `git ls-files --stage` for every index version. */
function staged(repo: GitRepo): string[] {
  return repo
    .git('ls-files', '--stage', '-z')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split('\t') as [string, string];
      const [mode, oid] = meta.split(' ') as [string, string];
      return `${mode} ${oid} ${path}`;
    });
}

const parsed = (repo: GitRepo) =>
  parseIndex(readFileSync(repo.path('.git/index')), 'index').map(
    (entry) => `${entry.mode.toString(8)} ${entry.oid} ${entry.path}`,
  );

test.each([2, 3, 4])('index version %i: every entry, long and shared-prefix paths included', (version) => {
  const repo = new GitRepo();
  try {
    const long = `${'deep/'.repeat(30)}${'n'.repeat(200)}.txt`; // longer than the 12-bit name length
    repo.write('a.txt', 'a\n');
    repo.write('src/app/main.ts', 'main\n');
    repo.write('src/app/main.test.ts', 'test\n');
    repo.write('src/lib/ünïcode name.md', 'u\n');
    repo.write(long, 'long\n');
    repo.write('run.sh', '#!/bin/sh\n');
    repo.git('add', '.');
    repo.git('update-index', '--chmod=+x', 'run.sh');
    repo.write('later.txt', 'intent to add\n');
    repo.git('add', '--intent-to-add', 'later.txt'); // sets an extended flag in v3+
    repo.git('update-index', '--index-version', String(version));
    expect(readFileSync(repo.path('.git/index')).readUInt32BE(4)).toBe(version === 2 ? 3 : version);
    expect(parsed(repo)).toEqual(staged(repo));
    expect(parsed(repo)).toHaveLength(7);
  } finally {
    repo.remove();
  }
});

test('a damaged index is one clear error naming the file', () => {
  const data = readFileSync(__filename).subarray(0, 40);
  expect(() => parseIndex(data, '.git/index')).toThrow('.git/index: corrupt index: no DIRC signature');
  const truncated = Buffer.concat([Buffer.from('DIRC'), Buffer.from([0, 0, 0, 2, 0, 0, 0, 5])]);
  expect(() => parseIndex(truncated, '.git/index')).toThrow(
    '.git/index: corrupt index: entry 0 runs past the end',
  );
});

test('the cache-tree extension gives the tree id of every directory git has not invalidated', () => {
  const repo = new GitRepo();
  try {
    repo.commit('files', {
      'a/one.txt': '1\n',
      'a/b/two.txt': '2\n',
      'c/three.txt': '3\n',
      'ünï/cödé/four.txt': '4\n', // non-ASCII directory names are UTF-8 in the extension
      'top.txt': 't\n',
    });
    repo.git('read-tree', 'HEAD'); // a fresh index with a complete cache-tree
    let trees = readIndexFile(readFileSync(repo.path('.git/index')), 'index').cachedTrees;
    for (const dir of ['', 'a', 'a/b', 'c', 'ünï', 'ünï/cödé'])
      expect(trees.get(dir)).toBe(repo.git('rev-parse', dir === '' ? 'HEAD^{tree}' : `HEAD:${dir}`));

    repo.write('a/b/two.txt', 'changed\n');
    repo.git('add', 'a/b/two.txt'); // invalidates a/b, a and the top, not c
    trees = readIndexFile(readFileSync(repo.path('.git/index')), 'index').cachedTrees;
    expect([...trees.keys()].sort()).toEqual(['c', 'ünï', 'ünï/cödé']);
  } finally {
    repo.remove();
  }
});
