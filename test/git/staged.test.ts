import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeKeys } from '../support/fake-keys';
import { GitRepo } from '../support/git-repo';
import { runCli } from '../support/run-cli';

const keys = new FakeKeys(11);
const old = { id: keys.keyId(), secret: keys.secret() };
const fresh = { id: keys.keyId(), secret: keys.secret() };

/** In `repo` as git's hooks run: with `env` (git's variables), from the top of the working tree. */
const stagedJsonIn = async (env: NodeJS.ProcessEnv, repo: GitRepo, ...args: string[]) => {
  const result = await runCli(['staged', repo.root, '--format', 'json', ...args], { env, cwd: repo.root });
  return { ...result, report: JSON.parse(result.stdout || '{}') };
};
const stagedJson = (repo: GitRepo, ...args: string[]) => stagedJsonIn({}, repo, ...args);

test('reports only what the staged change introduces, at the staged line', async () => {
  const repo = new GitRepo();
  try {
    repo.commit('existing key', {
      'app/.env': `AWS_ACCESS_KEY_ID=${old.id}\nAWS_SECRET_ACCESS_KEY=${old.secret}\n`,
    });
    repo.write(
      'app/.env',
      `# comment\nAWS_ACCESS_KEY_ID=${old.id}\nAWS_SECRET_ACCESS_KEY=${old.secret}\nNEW=${fresh.id}\n`,
    );
    repo.git('add', 'app/.env');
    const { code, report, stderr } = await stagedJson(repo);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(
      report.findings.map((f: { file: string; line: number; ruleId: string }) => [f.file, f.line, f.ruleId]),
    ).toEqual([['app/.env', 4, 'aws.access-key-id']]);
    expect(report.stats.suppressed['already-present']).toBe(2);
    const all = await stagedJson(repo, '--all');
    expect(all.report.findings).toHaveLength(3);
  } finally {
    repo.remove();
  }
});

test('judges a partially staged file by its staged bytes, not the working tree', async () => {
  const repo = new GitRepo();
  try {
    repo.commit('clean', { 'config.ini': 'region = eu-west-1\n' });
    repo.write('config.ini', `region = eu-west-1\naws_access_key_id = ${fresh.id}\n`);
    repo.git('add', 'config.ini');
    repo.write('config.ini', 'region = eu-west-1\n'); // removed again in the working tree, still staged
    const staged = await stagedJson(repo);
    expect(staged.code).toBe(1);
    expect(staged.report.findings[0].line).toBe(2);
    expect(staged.report.findings[0].blob).toMatch(/^[0-9a-f]{40}$/);

    repo.git('reset', '-q', 'config.ini');
    repo.write('config.ini', `region = eu-west-1\naws_access_key_id = ${fresh.id}\n`); // in the tree, not staged
    expect((await stagedJson(repo)).code).toBe(0);
  } finally {
    repo.remove();
  }
});

test('works in a repository with no commit yet, and a rename introduces nothing', async () => {
  const repo = new GitRepo();
  try {
    repo.write('keys.txt', `aws_access_key_id=${old.id}\naws_secret_access_key=${old.secret}\n`);
    repo.git('add', 'keys.txt');
    const first = await stagedJson(repo);
    expect(first.report.findings.map((f: { severity: string }) => f.severity)).toEqual([
      'critical',
      'critical',
    ]);
    repo.commit('add keys');
    repo.git('mv', 'keys.txt', 'moved.txt');
    expect((await stagedJson(repo)).report.findings).toEqual([]);
  } finally {
    repo.remove();
  }
});

test('reads the index git commits: GIT_INDEX_FILE (git commit -a, git commit <paths>), relative to cwd', async () => {
  const repo = new GitRepo();
  try {
    repo.commit('start', { 'app.env': 'NAME=app\n' });
    repo.write('app.env', `NAME=app\nAWS_ACCESS_KEY_ID=${fresh.id}\n`);
    // as `git commit -a` does: a temporary index holding the change, .git/index left as it was
    const env = { ...process.env, GIT_INDEX_FILE: '.git/next-index.lock' };
    execFileSync('git', ['read-tree', 'HEAD'], { cwd: repo.root, env });
    execFileSync('git', ['add', 'app.env'], { cwd: repo.root, env });
    const committing = await runCli(['staged', '--format', 'json'], {
      cwd: repo.root,
      env: { GIT_INDEX_FILE: '.git/next-index.lock' },
    });
    expect(committing.code).toBe(1);
    expect(JSON.parse(committing.stdout).findings.map((f: { file: string }) => f.file)).toEqual(['app.env']);
    expect((await runCli(['staged'], { cwd: repo.root })).code).toBe(0); // .git/index: nothing staged

    // named through a symlink to the repository, as git may spell it: the same index
    const link = path.join(repo.root, '..', `${path.basename(repo.root)}-link`);
    symlinkSync(repo.root, link);
    try {
      const throughLink = { GIT_INDEX_FILE: path.join(link, '.git', 'next-index.lock') };
      expect((await runCli(['staged', repo.root], { cwd: '/', env: throughLink })).code).toBe(1);
    } finally {
      rmSync(link);
    }
    // another repository's index (a variable inherited from its hook) is not this one's
    const other = new GitRepo();
    try {
      const elsewhere = { GIT_INDEX_FILE: path.join(repo.root, '.git', 'next-index.lock') };
      expect((await runCli(['staged', other.root], { cwd: repo.root, env: elsewhere })).code).toBe(0);
    } finally {
      other.remove();
    }
  } finally {
    repo.remove();
  }
});

describe('a merge being committed is judged against every parent', () => {
  const pairOf = (key: { id: string; secret: string }) =>
    `AWS_ACCESS_KEY_ID=${key.id}\nAWS_SECRET_ACCESS_KEY=${key.secret}\n`;
  type Found = { file: string; line: number; ruleId: string };
  const found = (report: { findings: Found[] }) => report.findings.map((f) => [f.file, f.line, f.ruleId]);
  let repo: GitRepo;
  let side: string;
  beforeEach(() => {
    // `side` adds a key pair to a file of its own and to app.env; main edits app.env elsewhere, so
    // merging combines both edits of app.env and takes side/creds.env as side has it
    repo = new GitRepo();
    repo.commit('start', { 'app.env': 'NAME=app\nREGION=eu-west-1\n' });
    repo.git('checkout', '-q', '-b', 'side');
    side = repo.commit('side keys', {
      'side/creds.env': pairOf(old),
      'app.env': `NAME=app\nREGION=eu-west-1\n${pairOf(old)}`,
    });
    repo.git('checkout', '-q', 'main');
    repo.commit('rename app', { 'app.env': 'NAME=service\nREGION=eu-west-1\n' });
    repo.git('merge', '-q', '--no-commit', '--no-ff', 'side');
  });
  afterEach(() => repo.remove());

  test('a stopped merge (MERGE_HEAD): what a side already held is not new; what the resolution adds is', async () => {
    const merging = await stagedJson(repo);
    expect(merging.stderr).toBe('');
    expect(merging.code).toBe(0);
    expect(merging.report.findings).toEqual([]);
    // app.env differs from both parents, so it is scanned, and the pair side gave it is already present
    expect(merging.report.stats.files).toBe(1);
    expect(merging.report.stats.suppressed['already-present']).toBe(2);

    repo.write('app.env', `NAME=service\nREGION=eu-west-1\n${pairOf(old)}BACKUP=${fresh.id}\n`);
    repo.git('add', 'app.env');
    const resolved = await stagedJson(repo);
    expect(resolved.code).toBe(1);
    expect(found(resolved.report)).toEqual([['app.env', 5, 'aws.access-key-id']]);
  });

  test('a merge going through (pre-merge-commit): the merged commits come from GITHEAD_<id>, under git', async () => {
    // git writes MERGE_HEAD only when a merge stops; the hook of one that goes through sees the environment
    rmSync(path.join(repo.root, '.git', 'MERGE_HEAD'));
    const underHook = { GIT_INDEX_FILE: '.git/index', [`GITHEAD_${side}`]: 'side' };
    const merging = await stagedJsonIn(underHook, repo);
    expect(merging.code).toBe(0);
    expect(merging.report.findings).toEqual([]);
    // without git's index variable naming this repository's index, the variable is not this merge's
    expect((await stagedJsonIn({ [`GITHEAD_${side}`]: 'side' }, repo)).code).toBe(1);

    const asPlainCommit = await stagedJson(repo);
    expect(asPlainCommit.code).toBe(1);
    expect(found(asPlainCommit.report)).toEqual([
      ['app.env', 3, 'aws.access-key-id'],
      ['app.env', 4, 'aws.secret-access-key'],
      ['side/creds.env', 1, 'aws.access-key-id'],
      ['side/creds.env', 2, 'aws.secret-access-key'],
    ]);
  });

  test('a merged commit this clone lacks is reported, and its side judged as new', async () => {
    const missing = '0'.repeat(40);
    writeFileSync(path.join(repo.root, '.git', 'MERGE_HEAD'), `${missing}\n`);
    const { code, report } = await stagedJson(repo);
    expect(code).toBe(1);
    expect(report.warnings).toEqual([
      { path: `(merged commit ${missing})`, message: 'missing from the repository' },
    ]);
    expect(found(report).map(([file]) => file)).toEqual([
      'app.env',
      'app.env',
      'side/creds.env',
      'side/creds.env',
    ]);
  });

  test('a MERGE_HEAD that is not a list of commit ids, or cannot be read, is exit 2 naming it', async () => {
    writeFileSync(path.join(repo.root, '.git', 'MERGE_HEAD'), `${side}\nnot-a-commit\n`);
    const { code, stderr } = await runCli(['staged', repo.root]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `keysweep: ${path.join(repo.root, '.git', 'MERGE_HEAD')}: line 2 is not a commit id\n`,
    );
    rmSync(path.join(repo.root, '.git', 'MERGE_HEAD'));
    mkdirSync(path.join(repo.root, '.git', 'MERGE_HEAD'));
    const unreadable = await runCli(['staged', repo.root]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toBe(
      `keysweep: ${path.join(repo.root, '.git', 'MERGE_HEAD')}: cannot read the merge in progress (not a regular file)\n`,
    );
  });
});

test('a path that is not a repository is exit 2 with one line', async () => {
  const { code, stderr } = await runCli(['staged', '/'], { cwd: '/' });
  expect(code).toBe(2);
  expect(stderr).toBe('keysweep: .: not a git repository (run it inside a repository, or name one)\n');
});
