import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HOOK_MARKER } from '../../src/hooks/git-hook';
import { git, gitWithHooks, leakedPair } from '../support/hook-env';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/**
 * `keysweep install-hook` proven with real `git commit` (the hook runs the built CLI in lib/, which
 * `npm test` builds first): blocked with a key, passes without, `--no-verify` bypasses; other people's
 * hooks are never overwritten or removed unless asked.
 */
let place: TempTree;
let repo: string;

beforeEach(() => {
  place = new TempTree();
  repo = place.path('repo');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
});
afterEach(() => place.remove());

const hookFile = () => path.join(repo, '.git', 'hooks', 'pre-commit');
const commit = (message: string, ...flags: string[]) =>
  gitWithHooks(repo, ['commit', '-q', ...flags, '-m', message]);

test('blocks a commit that adds a key pair, lets a clean one through, and --no-verify bypasses', async () => {
  const installed = await runCli(['install-hook', repo]);
  expect(installed.code).toBe(0);
  expect(installed.stdout).toBe(`keysweep: installed the pre-commit hook at ${hookFile()}\n`);
  expect(readFileSync(hookFile(), 'utf8')).toContain(HOOK_MARKER);

  writeFileSync(path.join(repo, 'README.md'), '# app\n');
  git(repo, 'add', 'README.md');
  expect(commit('clean').status).toBe(0);

  const pair = leakedPair(51);
  writeFileSync(path.join(repo, 'app.env'), pair.text);
  git(repo, 'add', 'app.env');
  const blocked = commit('leak');
  expect(blocked.status).toBe(1);
  expect(blocked.output).toMatch(/app\.env:1:19 +critical +aws\.access-key-id/);
  expect(blocked.output).not.toContain(pair.secret);
  expect(git(repo, 'log', '--format=%s')).toBe('clean');

  expect(commit('leak anyway', '--no-verify').status).toBe(0);
  expect(git(repo, 'log', '-1', '--format=%s')).toBe('leak anyway');
}, 60_000);

test('git commit -a and git commit <path> commit a temporary index: a key they add is blocked', async () => {
  await runCli(['install-hook', repo]);
  writeFileSync(path.join(repo, 'app.env'), 'NAME=app\n');
  git(repo, 'add', 'app.env');
  expect(commit('start').status).toBe(0);
  writeFileSync(path.join(repo, 'app.env'), `NAME=app\n${leakedPair(53).text}`);
  for (const flags of [['-a'], ['--', 'app.env']]) {
    const blocked = gitWithHooks(repo, ['commit', '-q', '-m', 'leak', ...flags]);
    expect(blocked.status).toBe(1);
    expect(blocked.output).toMatch(/app\.env:2:19 +critical +aws\.access-key-id/);
  }
  expect(git(repo, 'log', '--format=%s')).toBe('start');
}, 60_000);

test('a merge that brings in a key a branch already committed passes, stopped by a conflict or not', async () => {
  await runCli(['install-hook', repo]);
  writeFileSync(path.join(repo, 'README.md'), '# app\n');
  git(repo, 'add', 'README.md');
  expect(commit('start').status).toBe(0);
  const pair = leakedPair(52);
  git(repo, 'checkout', '-q', '-b', 'side');
  writeFileSync(path.join(repo, 'app.env'), pair.text);
  writeFileSync(path.join(repo, 'README.md'), '# app, from side\n');
  git(repo, 'add', '-A');
  expect(commit('side leaks', '--no-verify').status).toBe(0);
  git(repo, 'checkout', '-q', 'main');

  // a conflict stops the merge; committing the resolution runs the pre-commit hook (MERGE_HEAD is there)
  writeFileSync(path.join(repo, 'README.md'), '# app, from main\n');
  git(repo, 'add', 'README.md');
  expect(commit('main edits').status).toBe(0);
  expect(gitWithHooks(repo, ['merge', '-q', 'side']).status).toBe(1);
  writeFileSync(path.join(repo, 'README.md'), '# app, from both\n');
  git(repo, 'add', 'README.md');
  const resolved = commit('merge side');
  expect(resolved.output).toContain('no findings; scanned 1 file (17 B)'); // README.md, not app.env
  expect(resolved.status).toBe(0);

  // a merge that goes through runs pre-merge-commit (the pre-commit framework's merge-commit stage), which
  // git gives no MERGE_HEAD yet: here it runs what the pre-commit hook runs
  git(repo, 'reset', '-q', '--hard', 'HEAD~1');
  writeFileSync(path.join(repo, 'NOTES.md'), 'notes\n');
  git(repo, 'add', 'NOTES.md');
  expect(commit('main notes').status).toBe(0);
  git(repo, 'checkout', '-q', 'side');
  git(repo, 'reset', '-q', '--hard', 'HEAD~1');
  writeFileSync(path.join(repo, 'app.env'), pair.text);
  git(repo, 'add', 'app.env');
  expect(commit('side leaks again', '--no-verify').status).toBe(0);
  git(repo, 'checkout', '-q', 'main');
  writeFileSync(path.join(repo, '.git', 'hooks', 'pre-merge-commit'), readFileSync(hookFile(), 'utf8'));
  chmodSync(path.join(repo, '.git', 'hooks', 'pre-merge-commit'), 0o755);
  const merged = gitWithHooks(repo, ['merge', '-q', '--no-edit', 'side']);
  expect(merged.output).toContain('no findings; scanned 0 files');
  expect(merged.status).toBe(0);
  expect(git(repo, 'log', '-1', '--format=%p').split(' ')).toHaveLength(2);
}, 60_000);

test('refuses a hook git would not run: core.hooksPath in the global config; the repository’s own wins', async () => {
  const shared = place.path('shared-hooks');
  const home = place.path('home');
  mkdirSync(home);
  const gitconfig = path.join(home, '.gitconfig');
  writeFileSync(gitconfig, `[user]\n\tname = Someone\n[core]\n\thooksPath = ${shared}\n`);
  const hooksGitUses = (env: NodeJS.ProcessEnv) =>
    execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], {
      cwd: repo,
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    }).trim();
  const message = (file: string) =>
    `keysweep: ${file}: core.hooksPath is "${shared}", so git runs the hooks there, not this repository's (add 'keysweep staged' to the pre-commit hook in that directory, or give this repository hooks of its own: git config core.hooksPath .git/hooks)\n`;

  for (const env of [{ HOME: home }, { GIT_CONFIG_GLOBAL: gitconfig }]) {
    expect(hooksGitUses(env)).toBe(shared);
    const refused = await runCli(['install-hook', repo], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(message(gitconfig));
    expect(existsSync(hookFile())).toBe(false);
  }

  git(repo, 'config', 'core.hooksPath', '.git/hooks');
  expect(hooksGitUses({ HOME: home })).toBe(path.join(repo, '.git', 'hooks'));
  const installed = await runCli(['install-hook', repo], { env: { HOME: home } });
  expect(installed.code).toBe(0);
  expect(readFileSync(hookFile(), 'utf8')).toContain(HOOK_MARKER);
});

test('the hook prefers the repository’s own node_modules/.bin/keysweep', async () => {
  await runCli(['install-hook', repo]);
  const own = path.join(repo, 'node_modules', '.bin', 'keysweep');
  mkdirSync(path.dirname(own), { recursive: true });
  writeFileSync(own, `#!/bin/sh\necho "project keysweep: $*" >&2\nexit 3\n`);
  chmodSync(own, 0o755);
  writeFileSync(path.join(repo, 'README.md'), '# app\n');
  git(repo, 'add', 'README.md');
  const result = commit('uses the pinned keysweep');
  expect(result.output).toContain('project keysweep: staged');
  expect(result.status).not.toBe(0);
}, 60_000);

test('honours core.hooksPath; refuses a foreign hook unless --force; --chain keeps and runs it', async () => {
  git(repo, 'config', 'core.hooksPath', '.githooks');
  const foreign = path.join(repo, '.githooks', 'pre-commit');
  mkdirSync(path.dirname(foreign));
  writeFileSync(foreign, '#!/bin/sh\necho "team hook ran" >&2\nexit 0\n');
  chmodSync(foreign, 0o755);

  const refused = await runCli(['install-hook', repo]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toBe(
    `keysweep: ${foreign}: a pre-commit hook keysweep did not write is in place (use --chain to keep it and run it first, or --force to replace it)\n`,
  );
  expect(readFileSync(foreign, 'utf8')).toContain('team hook ran');

  const chained = await runCli(['install-hook', repo, '--chain']);
  expect(chained.code).toBe(0);
  expect(chained.stdout).toContain(`it runs the previous hook first (${foreign}.keysweep-chained)`);
  writeFileSync(path.join(repo, 'app.env'), leakedPair(52).text);
  git(repo, 'add', 'app.env');
  const blocked = commit('leak');
  expect(blocked.output).toContain('team hook ran');
  expect(blocked.status).toBe(1);

  // uninstall puts the team's hook back, and then leaves it alone
  const removed = await runCli(['uninstall-hook', repo]);
  expect(removed.stdout).toBe(`keysweep: removed the hook; the previous one is back at ${foreign}\n`);
  expect(readFileSync(foreign, 'utf8')).toContain('team hook ran');
  const again = await runCli(['uninstall-hook', repo]);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('not written by keysweep; left alone');
  expect(existsSync(foreign)).toBe(true);

  const forced = await runCli(['install-hook', repo, '--force']);
  expect(forced.stdout).toContain('the previous hook was replaced (--force)');
  expect(readFileSync(foreign, 'utf8')).toContain(HOOK_MARKER);
}, 60_000);

test('reinstalling updates keysweep’s own hook; uninstalling with none installed says so', async () => {
  expect((await runCli(['uninstall-hook', repo])).stdout).toBe(
    'keysweep: no pre-commit hook is installed; nothing to remove\n',
  );
  await runCli(['install-hook', repo]);
  const again = await runCli(['install-hook', repo]);
  expect(again.stdout).toBe(`keysweep: updated the pre-commit hook at ${hookFile()}\n`);
  expect((await runCli(['uninstall-hook', repo])).code).toBe(0);
  expect(existsSync(hookFile())).toBe(false);
});
