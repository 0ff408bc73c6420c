import { FakeKeys } from '../support/fake-keys';
import { GitRepo } from '../support/git-repo';
import { runCli } from '../support/run-cli';

const keys = new FakeKeys(11);
const old = { id: keys.keyId(), secret: keys.secret() };
const fresh = { id: keys.keyId(), secret: keys.secret() };

const stagedJson = async (repo: GitRepo, ...args: string[]) => {
  const result = await runCli(['staged', repo.root, '--format', 'json', ...args]);
  return { ...result, report: JSON.parse(result.stdout || '{}') };
};

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

test('a path that is not a repository is exit 2 with one line', async () => {
  const { code, stderr } = await runCli(['staged', '/'], { cwd: '/' });
  expect(code).toBe(2);
  expect(stderr).toBe('keysweep: .: not a git repository (run it inside a repository, or name one)\n');
});
