import { symlinkSync } from 'node:fs';
import { loadScanSetup } from '../../../src/config/setup';
import { scan } from '../../../src/engine/scan';
import { worktreeSource } from '../../../src/sources/worktree';
import { FakeKeys } from '../../support/fake-keys';
import { TempTree } from '../../support/temp-tree';

/**
 * Overlapping targets (`keysweep scan . src`) list some paths twice. Each path is scanned, skipped and
 * counted once, where it is first listed; a single target needs no such bookkeeping.
 */
const tree = new TempTree();
const keys = new FakeKeys(41);
beforeAll(() => {
  tree.write('a.txt', 'nothing here\n');
  tree.write('src/keys.env', `AWS_ACCESS_KEY_ID=${keys.keyId()}\nAWS_SECRET_ACCESS_KEY=${keys.secret()}\n`);
  tree.write('src/big.txt', 'x'.repeat(4096));
  symlinkSync('../a.txt', tree.path('src/link.txt'));
});
afterAll(() => tree.remove());

const sourceOf = (targets: string[]) =>
  worktreeSource({
    root: tree.root,
    targets: targets.map((target) => tree.path(target)),
    include: [],
    exclude: [],
    gitignore: false,
    maxFileSize: 1024,
  });

async function pathsListed(targets: string[]): Promise<string[]> {
  const paths: string[] = [];
  for await (const item of sourceOf(targets).items())
    paths.push(
      item.kind === 'skip' ? `skip ${item.path}` : item.kind === 'load' ? item.provenance.path : item.kind,
    );
  return paths;
}

test('a path under two targets is listed once, where the first target lists it', async () => {
  const once = await pathsListed(['']);
  expect(once).toEqual(['a.txt', 'src/big.txt', 'src/keys.env', 'skip src/link.txt']);
  expect(await pathsListed(['', 'src'])).toEqual(once);
  expect(await pathsListed(['src', ''])).toEqual([
    'src/big.txt',
    'src/keys.env',
    'skip src/link.txt',
    'a.txt',
  ]);
  expect(await pathsListed(['src/keys.env', 'src', 'src/keys.env'])).toEqual([
    'src/keys.env',
    'src/big.txt',
    'skip src/link.txt',
  ]);
});

test('a scan of overlapping targets counts each file, skip and finding once', async () => {
  const setup = loadScanSetup(tree.root, tree.root, {});
  const run = async (targets: string[]) => {
    const result = await scan(sourceOf(targets), setup.ruleSet, setup.filters);
    return { ...result, stats: { ...result.stats, durationMs: 0 } };
  };
  const single = await run(['']);
  expect(single.stats.files).toBe(2);
  expect(single.stats.skipped).toMatchObject({ tooLarge: 1, symlink: 1 });
  expect(single.findings.map((finding) => finding.ruleId).sort()).toEqual([
    'aws.access-key-id',
    'aws.secret-access-key',
  ]);
  expect(await run(['', 'src'])).toEqual(single);
});

test('ahead(): the entries a listing holds and has not yielded yet, directories aside', async () => {
  const source = sourceOf(['', 'src']);
  expect(source.ahead?.()).toBe(0); // nothing listed yet
  const seen: [string, number | undefined][] = [];
  for await (const item of source.items())
    seen.push([
      item.kind === 'skip' ? item.path : item.kind === 'load' ? item.provenance.path : '',
      source.ahead?.(),
    ]);
  // the root's listing holds four files (src/ is not one); src's, listed again, three, none yielded twice
  expect(seen).toEqual([
    ['a.txt', 3],
    ['src/big.txt', 2],
    ['src/keys.env', 1],
    ['src/link.txt', 0],
  ]);
  expect(source.ahead?.()).toBe(0);
});

test('ahead(): a file that a .gitignore rule, --include or --exclude drops is not counted', async () => {
  const own = new TempTree();
  try {
    for (const name of ['a.py', 'b.py', 'c.log', 'd.txt', 'e.txt', 'sub/f.py', 'sub/g.log'])
      own.write(name, 'x\n');
    own.write('.gitignore', '*.log\n');
    own.write('.git/HEAD', 'ref: refs/heads/main\n'); // .gitignore applies inside a repository
    const source = worktreeSource({
      root: own.root,
      targets: [own.root],
      include: ['**/*.py', '**/*.log'],
      exclude: ['b.py'],
      gitignore: true,
      maxFileSize: 1024,
    });
    const seen: [string, number | undefined][] = [];
    for await (const item of source.items())
      if (item.kind === 'load') seen.push([item.provenance.path, source.ahead?.()]);
    // a.py and sub/f.py only: b.py is excluded, the logs are ignored, the rest not included
    expect(seen).toEqual([
      ['a.py', 1],
      ['sub/f.py', 0],
    ]);
  } finally {
    own.remove();
  }
});

test('nothing in a .git (a directory or a gitfile, at any depth) is listed, even when named', async () => {
  const repo = new TempTree();
  try {
    const key = `AWS_ACCESS_KEY_ID=${keys.keyId()}\n`;
    repo.write('.git/config', key);
    repo.write('.git/hooks/pre-commit', key);
    repo.write('vendor/lib/.git/config', key);
    repo.write('sub/.git', 'gitdir: ../.git/modules/sub\n');
    repo.write('sub/a.git/kept.txt', 'a directory merely ending in .git\n');
    repo.write('kept.txt', 'nothing\n');
    const listed = async (targets: string[]) => {
      const source = worktreeSource({
        root: repo.root,
        targets: targets.map((target) => repo.path(target)),
        include: [],
        exclude: [],
        gitignore: false,
        maxFileSize: 1024,
      });
      const paths: string[] = [];
      for await (const item of source.items())
        paths.push(item.kind === 'load' ? item.provenance.path : item.kind);
      return paths;
    };
    expect(await listed([''])).toEqual(['kept.txt', 'sub/a.git/kept.txt']);
    expect(await listed(['.git', '.git/hooks', '.git/config', 'sub/.git', 'vendor/lib/.git/config'])).toEqual(
      [],
    );
    expect(await listed(['vendor', 'sub'])).toEqual(['sub/a.git/kept.txt']);
  } finally {
    repo.remove();
  }
});
