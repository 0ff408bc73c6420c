import { FakeKeys } from '../support/fake-keys';
import { GitRepo } from '../support/git-repo';
import { runCli } from '../support/run-cli';

/**
 * Moving a secret introduces nothing (sources/moved.ts): in a staged change or in a commit of a range, a
 * secret that a file the change deletes or rewrites held before is counted as `moved`, not reported.
 */
const keys = new FakeKeys(31);
const old = { id: keys.keyId(), secret: keys.secret() };
const fresh = keys.keyId();
const pairOf = (key: { id: string; secret: string }) =>
  `AWS_ACCESS_KEY_ID=${key.id}\nAWS_SECRET_ACCESS_KEY=${key.secret}\n`;

interface Report {
  findings: { file: string; ruleId: string; commit?: { summary: string } }[];
  stats: { suppressed: Record<string, number> };
}

async function json(args: string[]): Promise<{ code: number; report: Report }> {
  const result = await runCli([...args, '--format', 'json']);
  return { code: result.code, report: JSON.parse(result.stdout || '{}') };
}

function withRepo(body: (repo: GitRepo) => Promise<void>): () => Promise<void> {
  return async () => {
    const repo = new GitRepo();
    try {
      await body(repo);
    } finally {
      repo.remove();
    }
  };
}

describe('staged', () => {
  test(
    'a file renamed with edits: its old key pair is moved, a key it gains is new, --all reports all',
    withRepo(async (repo) => {
      repo.commit('config', { 'config.env': `# settings\n${pairOf(old)}` });
      repo.git('mv', 'config.env', 'settings.env');
      repo.write('settings.env', `# settings, renamed\n${pairOf(old)}REGION=eu-west-1\n`);
      repo.git('add', 'settings.env');
      const renamed = await json(['staged', repo.root]);
      expect(renamed.code).toBe(0);
      expect(renamed.report.findings).toEqual([]);
      expect(renamed.report.stats.suppressed.moved).toBe(2);

      repo.write('settings.env', `# settings, renamed\n${pairOf(old)}BACKUP_KEY=${fresh}\n`);
      repo.git('add', 'settings.env');
      const gained = await json(['staged', repo.root]);
      expect(gained.code).toBe(1);
      expect(gained.report.findings.map((f) => [f.file, f.ruleId])).toEqual([
        ['settings.env', 'aws.access-key-id'],
      ]);
      expect((await json(['staged', repo.root, '--all'])).report.findings).toHaveLength(3);
    }),
  );

  test(
    'a key moved from one kept file to another is moved; one copied out of an untouched file is new',
    withRepo(async (repo) => {
      repo.commit('two files', {
        'a/app.env': `NAME=a\n${pairOf(old)}`,
        'b/app.env': 'NAME=b\n',
        'c/keep.env': `KEEP=${fresh}\n`,
      });
      repo.write('a/app.env', 'NAME=a\n');
      repo.write('b/app.env', `NAME=b\n${pairOf(old)}`);
      repo.git('add', 'a/app.env', 'b/app.env');
      const moved = await json(['staged', repo.root]);
      expect(moved.code).toBe(0);
      expect(moved.report.stats.suppressed.moved).toBe(2);

      repo.write('d/copy.env', `COPY=${fresh}\n`);
      repo.git('add', 'd/copy.env');
      const copied = await json(['staged', repo.root]);
      expect(copied.code).toBe(1);
      expect(copied.report.findings.map((f) => f.file)).toEqual(['d/copy.env']);
      expect(copied.report.stats.suppressed.moved).toBe(2);
    }),
  );
});

describe('range', () => {
  test(
    'a commit that renames a file with edits adds nothing; a later commit that adds a key does',
    withRepo(async (repo) => {
      const base = repo.commit('config', { 'config.env': `# settings\n${pairOf(old)}` });
      repo.git('mv', 'config.env', 'deploy.env');
      repo.write('deploy.env', `# deploy settings\n${pairOf(old)}`);
      repo.git('add', 'deploy.env');
      repo.commit('rename config');
      repo.commit('add a key', { 'deploy.env': `# deploy settings\n${pairOf(old)}NEW=${fresh}\n` });

      const range = await json(['range', `${base}..HEAD`, repo.root]);
      expect(range.code).toBe(1);
      expect(range.report.findings.map((f) => [f.file, f.ruleId, f.commit?.summary])).toEqual([
        ['deploy.env', 'aws.access-key-id', 'add a key'],
      ]);
      expect(range.report.stats.suppressed.moved).toBe(2);
      const all = await json(['range', `${base}..HEAD`, repo.root, '--all']);
      expect(all.report.findings.map((f) => f.commit?.summary)).toEqual([
        'rename config',
        'rename config',
        'add a key',
      ]);
    }),
  );
});
