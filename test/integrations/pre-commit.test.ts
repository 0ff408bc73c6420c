import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { git, gitWithHooks, leakedPair } from '../support/hook-env';
import { TempTree } from '../support/temp-tree';

/**
 * `.pre-commit-hooks.yaml` proven with the real pre-commit framework (Debian's `pre-commit`; .ci/run
 * installs it): a repository whose config points at a snapshot of this checkout, a commit that adds an
 * AWS key pair is blocked with the finding shown, a clean one goes through, and the pre-push hook stops
 * a push whose commits added a key even though a later commit removed it.
 */
const PROJECT = path.resolve(__dirname, '..', '..');
let place: TempTree;
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  place = new TempTree();
  // pre-commit clones the hook repository at a commit: snapshot the checkout as it is, uncommitted
  // changes included, so the test proves this tree and not the last commit.
  const hookRepo = place.path('hook-repo');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: PROJECT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(hookRepo, file)), { recursive: true });
    cpSync(path.join(PROJECT, file), path.join(hookRepo, file), { verbatimSymlinks: true });
  }
  git(hookRepo, 'init', '-q', '-b', 'main');
  git(hookRepo, 'add', '-A');
  git(hookRepo, 'commit', '-q', '-m', 'snapshot');
  const rev = git(hookRepo, 'rev-parse', 'HEAD');

  work = place.path('work');
  mkdirSync(work);
  git(work, 'init', '-q', '-b', 'main');
  writeFileSync(
    path.join(work, '.pre-commit-config.yaml'),
    [
      'repos:',
      `  - repo: ${hookRepo}`,
      `    rev: ${rev}`,
      '    hooks:',
      '      - id: keysweep',
      '      - id: keysweep-push',
      '',
    ].join('\n'),
  );
  env = { PRE_COMMIT_HOME: place.path('pre-commit-home') };
  execFileSync('pre-commit', ['install', '-t', 'pre-commit', '-t', 'pre-push', '--install-hooks'], {
    cwd: work,
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
}, 300_000);
afterAll(() => place?.remove());

test('a commit adding an AWS key pair is blocked with the finding shown; a clean one goes through', () => {
  writeFileSync(path.join(work, 'README.md'), '# service\n');
  git(work, 'add', 'README.md', '.pre-commit-config.yaml');
  const clean = gitWithHooks(work, ['commit', '-m', 'clean start'], env);
  expect(clean.output).toMatch(/keysweep \(AWS credentials in the staged change\)\.+Passed/);
  expect(clean.status).toBe(0);

  const pair = leakedPair(41);
  writeFileSync(path.join(work, '.env'), pair.text);
  git(work, 'add', '.env');
  const blocked = gitWithHooks(work, ['commit', '-m', 'add credentials'], env);
  expect(blocked.status).not.toBe(0);
  expect(blocked.output).toMatch(/keysweep \(AWS credentials in the staged change\)\.+Failed/);
  expect(blocked.output).toMatch(/\.env:1:19 +critical +aws\.access-key-id/);
  expect(blocked.output).toMatch(/\.env:2:23 +critical +aws\.secret-access-key/);
  expect(blocked.output).not.toContain(pair.secret);
  expect(git(work, 'log', '--format=%s')).toBe('clean start');
  git(work, 'rm', '-q', '--cached', '.env');
}, 120_000);

test('git commit -a, which commits a temporary index, is blocked as well', () => {
  const pair = leakedPair(42);
  writeFileSync(path.join(work, 'README.md'), `# service\n${pair.text}`);
  const blocked = gitWithHooks(work, ['commit', '-a', '-m', 'credentials in the readme'], env);
  expect(blocked.status).not.toBe(0);
  expect(blocked.output).toMatch(/README\.md:2:19 +critical +aws\.access-key-id/);
  expect(git(work, 'log', '--format=%s')).toBe('clean start');
  git(work, 'checkout', '--', 'README.md');
}, 120_000);

test('the pre-push hook blocks commits that added a key, even one a later commit removed', () => {
  const remote = place.path('remote.git');
  git(place.root, 'init', '-q', '--bare', remote);
  git(work, 'remote', 'add', 'origin', remote);
  const first = gitWithHooks(work, ['push', '-q', 'origin', 'main'], env);
  expect(first.output).toMatch(/keysweep \(AWS credentials in the pushed commits\)\.+Passed/);
  expect(first.status).toBe(0);

  const pair = leakedPair(42);
  writeFileSync(path.join(work, 'deploy.env'), pair.text);
  git(work, 'add', 'deploy.env');
  git(work, '-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'add deploy key'); // as if --no-verify
  git(work, 'rm', '-q', 'deploy.env');
  // (through the hooks with this test's PRE_COMMIT_HOME: without it, pre-commit built an environment of
  // this checkout in ~/.cache/pre-commit at every run, ~90 MB each)
  expect(gitWithHooks(work, ['commit', '-q', '-m', 'remove deploy key'], env).status).toBe(0);
  const blocked = gitWithHooks(work, ['push', '-q', 'origin', 'main'], env);
  expect(blocked.status).not.toBe(0);
  expect(blocked.output).toMatch(/keysweep \(AWS credentials in the pushed commits\)\.+Failed/);
  expect(blocked.output).toMatch(/deploy\.env:1:19 +critical +aws\.access-key-id/);
  expect(git(remote, 'log', '--format=%s', 'main')).toBe('clean start');
}, 120_000);
