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
