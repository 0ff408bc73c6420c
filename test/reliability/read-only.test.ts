import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { FakeKeys } from '../support/fake-keys';
import { GitRepo } from '../support/git-repo';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/**
 * Scanning never executes anything from the scanned repository and never writes to it. The repository
 * here is hostile: every hook, an fsmonitor, clean/smudge/process filters, an external diff and a
 * textconv all try to leave a marker file behind. After each read-only command, no marker may exist and
 * every file under the repository, `.git` included, must be byte-identical (same paths, same bytes, same
 * modes, same link targets).
 */
const keys = new FakeKeys(31);
let repo: GitRepo;
let markers: TempTree;
let base: string;

function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const stat = lstatSync(full);
      const key = path.relative(root, full);
      if (stat.isDirectory()) {
        files.set(key, `dir ${stat.mode}`);
        walk(full);
      } else if (stat.isSymbolicLink()) files.set(key, `link ${readlinkSync(full)}`);
      else files.set(key, `${stat.mode} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk(root);
  return files;
}

beforeAll(() => {
  repo = new GitRepo();
  markers = new TempTree();
  const mark = (what: string) => `sh -c 'echo ran > ${markers.path(what)}'`;
  base = repo.commit('start', { 'README.md': '# app\n', '.gitattributes': '* filter=evil diff=evil\n' });
  repo.commit('leak', {
    'deploy.env': `AWS_ACCESS_KEY_ID=${keys.keyId()}\nAWS_SECRET_ACCESS_KEY=${keys.secret()}\n`,
  });
  repo.write('staged.env', `AWS_ACCESS_KEY_ID=${keys.keyId()}\n`);
  repo.git('add', 'staged.env');
  repo.write('unstaged.txt', 'work in progress\n');
  // Only now turn the repository hostile (git itself would run all of this from here on).
  for (const [key, value] of [
    ['core.fsmonitor', mark('fsmonitor')],
    ['filter.evil.clean', mark('clean')],
    ['filter.evil.smudge', mark('smudge')],
    ['filter.evil.process', mark('process')],
    ['diff.evil.command', mark('diff')],
    ['diff.evil.textconv', mark('textconv')],
    ['diff.external', mark('external')],
    ['core.pager', mark('pager')],
    ['core.hooksPath', '.git/hooks'],
  ])
    repo.git('config', key as string, value as string);
  for (const hook of [
    'pre-commit',
    'post-checkout',
    'post-index-change',
    'reference-transaction',
    'pre-auto-gc',
  ]) {
    const file = repo.write(`.git/hooks/${hook}`, `#!/bin/sh\necho ran > ${markers.path(hook)}\n`);
    chmodSync(file, 0o755);
  }
});
afterAll(() => {
  repo.remove();
  markers.remove();
});

test.each([
  ['scan', () => ['scan', repo.root]],
  ['staged', () => ['staged', repo.root]],
  ['range', () => ['range', `${base}..HEAD`, repo.root]],
  ['history', () => ['history', repo.root, '--all-objects', '--quiet']],
  ['history --format sarif', () => ['history', repo.root, '--format', 'sarif']],
])('%s runs nothing from the repository and leaves it byte-identical', async (_name, args) => {
  const before = snapshot(repo.root);
  const { code } = await runCli(args(), { cwd: repo.root });
  expect(code).toBe(1); // it did scan, and found the keys
  expect(readdirSync(markers.root)).toEqual([]);
  expect(snapshot(repo.root)).toEqual(before);
  expect(existsSync(repo.path('.git/index.lock'))).toBe(false);
});

test('the traps are live: git itself, reading the same repository, springs them', () => {
  // (git may complain that the fsmonitor does not speak its protocol: it ran, which is the point)
  spawnSync('git', ['status', '--short'], { cwd: repo.root, stdio: 'ignore' });
  spawnSync('git', ['diff', 'HEAD~1', '--', 'README.md'], {
    cwd: repo.root,
    stdio: 'ignore',
    env: { ...process.env, GIT_PAGER: '' },
  });
  expect(readdirSync(markers.root).sort()).toEqual(expect.arrayContaining(['fsmonitor']));
  expect(readdirSync(markers.root).length).toBeGreaterThanOrEqual(2);
});
