import { FakeKeys } from '../support/fake-keys';
import { GitRepo } from '../support/git-repo';
import { runCli } from '../support/run-cli';

const keys = new FakeKeys(12);
const added = { id: keys.keyId(), secret: keys.secret() };
const inMerge = keys.keyId();
const before = keys.keyId();
let repo: GitRepo;
let base: string;
const commits: Record<string, string> = {};

beforeAll(() => {
  repo = new GitRepo();
  base = repo.commit('base', { 'README.md': '# app\n', 'old.env': `OLD=${before}\n` });
  repo.git('checkout', '-q', '-b', 'feature');
  commits.add = repo.commit('add key pair', {
    'deploy/.env': `AWS_ACCESS_KEY_ID=${added.id}\nAWS_SECRET_ACCESS_KEY=${added.secret}\n`,
  });
  commits.remove = repo.commit('remove key pair', {}, ['deploy/.env']);
  commits.touch = repo.commit('touch old file', { 'old.env': `OLD=${before}\nMORE=1\n` });
  repo.git('checkout', '-q', 'main');
  repo.commit('main moves on', { 'main.txt': 'x\n' });
  repo.git('merge', '-q', '--no-ff', '--no-commit', 'feature');
  repo.write('merge.txt', `resolution = ${inMerge}\n`);
  repo.git('add', 'merge.txt');
  commits.merge = repo.commit('merge feature');
});
afterAll(() => repo.remove());

const rangeJson = async (...args: string[]) => {
  const result = await runCli(['range', ...args, repo.root, '--format', 'json']);
  return { ...result, report: JSON.parse(result.stdout || '{}') };
};

test('a secret added and removed inside the range is reported at the commit that added it', async () => {
  const { code, report } = await rangeJson(`${base}..feature`);
  expect(code).toBe(1);
  expect(
    report.findings.map((f: { file: string; commit: { sha: string } }) => [f.file, f.commit.sha]),
  ).toEqual([
    ['deploy/.env', commits.add],
    ['deploy/.env', commits.add],
  ]);
  expect(report.findings[0].severity).toBe('critical');
  expect(report.findings[0].commit.summary).toBe('add key pair');
  expect(report.stats.commits).toBe(3);
});

test('a merge commit reports only what its own resolution adds', async () => {
  const { report } = await rangeJson(`${commits.remove}..main`);
  const files = report.findings.map((f: { file: string; commit: { sha: string } }) => [f.file, f.commit.sha]);
  expect(files).toEqual([['merge.txt', commits.merge]]);
});

test('--since-commit X is X..HEAD, and the same secrets give the same fingerprints as scan', async () => {
  const since = await rangeJson('--since-commit', base);
  const fingerprints = new Set(since.report.findings.map((f: { fingerprint: string }) => f.fingerprint));
  repo.git('checkout', '-q', commits.add as string);
  const scanned = await runCli(['scan', repo.root, '--format', 'json']);
  repo.git('checkout', '-q', 'main');
  for (const finding of JSON.parse(scanned.stdout).findings) {
    if (finding.file === 'deploy/.env') expect(fingerprints).toContain(finding.fingerprint);
  }
});

test('BASE equal to HEAD is zero commits, said plainly, exit 0', async () => {
  const { code, stderr, report } = await rangeJson('main..main');
  expect(code).toBe(0);
  expect(report.findings).toEqual([]);
  expect(stderr).toBe('keysweep: main..main holds no commits: nothing to scan\n');
});

test('a missing commit is exit 2 with the shallow-clone hint', async () => {
  const { code, stderr } = await runCli(['range', '1a2b3c4d..HEAD', repo.root]);
  expect(code).toBe(2);
  expect(stderr).toBe(
    'keysweep: commit 1a2b3c4d not found (shallow clone? use fetch-depth: 0 on actions/checkout)\n',
  );
});

test('a full commit id the clone lacks is not found either; an annotated tag is peeled to its commit', async () => {
  const absent = 'f'.repeat(40);
  const missing = await runCli(['range', `${absent}..HEAD`, repo.root]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain(`commit ${absent.slice(0, 12)} not found`);

  repo.git('tag', '-a', '-m', 'release', 'v1', commits.add as string);
  try {
    const { code, report } = await rangeJson('v1..feature');
    expect(code).toBe(0); // the key pair came with v1 itself; removing it and touching old.env add nothing
    expect(report.stats.commits).toBe(2);
  } finally {
    repo.git('tag', '-d', 'v1');
  }
});

test('under the pre-commit framework’s pre-push, the range comes from its environment', async () => {
  const explicit = await rangeJson(`${base}..feature`);
  const fromEnv = await runCli(['range', repo.root, '--format', 'json'], {
    env: { PRE_COMMIT_FROM_REF: base, PRE_COMMIT_TO_REF: 'feature', PRE_COMMIT_REMOTE_NAME: 'origin' },
  });
  const findings = (stdout: string) =>
    JSON.parse(stdout).findings.map((f: { fingerprint: string }) => f.fingerprint);
  expect(findings(fromEnv.stdout)).toEqual(findings(JSON.stringify(explicit.report)));
  expect(findings(fromEnv.stdout).length).toBeGreaterThan(0);

  // a branch pushed with its root commit: no FROM/TO, every commit HEAD reaches is new
  const whole = await runCli(['range', repo.root, '--format', 'json'], {
    env: { PRE_COMMIT_REMOTE_NAME: 'origin' },
  });
  expect(JSON.parse(whole.stdout).stats.commits).toBe(Number(repo.git('rev-list', '--count', 'HEAD')));
});

test('ancestry steps resolve as git resolves them: ~n follows first parents, ^n picks the n-th parent', async () => {
  const revisions = ['feature~2', 'feature^^', 'main^2', 'main^2~1', 'main~1', 'main^1', 'HEAD~0', 'main^0'];
  for (const revision of revisions) {
    const { report } = await rangeJson(`${revision}..main`);
    const expected = Number(repo.git('rev-list', '--count', `${revision}..main`));
    expect([revision, report.stats.commits]).toEqual([revision, expected]);
  }
  const { code, stderr } = await runCli(['range', 'main^3..main', repo.root]);
  expect(code).toBe(2); // the merge has two parents
  expect(stderr).toContain('commit main^3 not found');
});

test('a malformed range is a usage error', async () => {
  const { code, stderr } = await runCli(['range', 'main', repo.root]);
  expect(code).toBe(2);
  expect(stderr).toBe('keysweep: range: "main" is not BASE..HEAD (e.g. keysweep range origin/main..HEAD)\n');
});
