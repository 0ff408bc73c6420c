import { FakeKeys } from '../support/fake-keys';
import { GitRepo } from '../support/git-repo';
import { runCli } from '../support/run-cli';

/**
 * A pull request cannot allowlist its own secret: in a range, config and baseline come from BASE.
 */
const keys = new FakeKeys(81);
const pair = { id: keys.keyId(), secret: keys.secret() };
const envText = `AWS_ACCESS_KEY_ID=${pair.id}\nAWS_SECRET_ACCESS_KEY=${pair.secret}\n`;
let repo: GitRepo;
let base: string;

beforeEach(() => {
  repo = new GitRepo();
  base = repo.commit('base', { 'README.md': '# app\n', '.keysweep.yaml': 'allow:\n  paths: [docs/**]\n' });
});
afterEach(() => repo.remove());

const range = async (...args: string[]) => {
  const result = await runCli(['range', `${base}..HEAD`, repo.root, '--format', 'json', ...args]);
  return { ...result, report: JSON.parse(result.stdout || 'null') };
};

test('a config the range itself changes does not apply; --trust-head-config opts in to it', async () => {
  repo.commit('allow my own key', {
    '.keysweep.yaml': 'allow:\n  paths: [docs/**, deploy/**]\n',
    'deploy/.env': envText,
  });
  const judged = await range();
  expect(judged.report.findings.map((f: { file: string }) => f.file)).toEqual(['deploy/.env', 'deploy/.env']);
  expect(judged.code).toBe(1);

  const trusting = await range('--trust-head-config');
  expect(trusting.report.findings).toEqual([]);
  expect(trusting.report.stats.suppressed['allow-path']).toBe(2);

  // what BASE allows still applies
  repo.commit('docs', { 'docs/example.env': envText.replace(/deploy/g, 'docs') });
  expect((await range()).report.stats.suppressed['allow-path']).toBe(2);
});

test('a baseline entry the range adds for its own secret does not apply; one from BASE does', async () => {
  repo.commit('add key', { 'deploy/.env': envText });
  await runCli(['baseline', 'create', repo.root]); // written into the working tree, as the PR would
  repo.commit('accept my own key', {});
  const judged = await range('--baseline', repo.path('.keysweep-baseline.json'));
  expect(judged.code).toBe(2);
  expect(judged.stderr).toContain('.keysweep-baseline.json: cannot read baseline (ENOENT)');

  // the same baseline, once it is in BASE, is honoured
  base = repo.git('rev-parse', 'HEAD');
  repo.commit('touch key file', { 'deploy/.env': `# comment\n${envText}` });
  const later = await range('--baseline', repo.path('.keysweep-baseline.json'), '--all');
  expect(later.report.findings).toEqual([]);
  expect(later.report.stats.suppressed.baseline).toBe(2);
});

test('an allow comment added by the change still suppresses, and is said to be added in this change', async () => {
  repo.commit('allow inline', { 'deploy/.env': envText.replace(/\n/g, ' # keysweep:allow\n') });
  const judged = await range();
  expect(judged.report.findings).toEqual([]);
  expect(judged.report.stats.suppressed['allow-inline-added']).toBe(2);
  const text = await runCli(['range', `${base}..HEAD`, repo.root]);
  expect(text.stdout).toContain('2 suppressed by an allow comment added in this change');

  // an allow comment that was already there is an ordinary one
  base = repo.git('rev-parse', 'HEAD');
  repo.commit('touch', { 'deploy/.env': `# top\n${envText.replace(/\n/g, ' # keysweep:allow\n')}` });
  expect((await range('--all')).report.stats.suppressed['allow-inline']).toBe(2);
});
