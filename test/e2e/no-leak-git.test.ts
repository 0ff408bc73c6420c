import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runAction } from '../../src/action/main';
import { FORMATS } from '../../src/report/reporter';
import { FakeKeys } from '../support/fake-keys';
import { GitRepo } from '../support/git-repo';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/**
 * The no-leak check for every git command (staged, range, history) in every format, for report files
 * written with --output and --report, the baseline file, and the GitHub Action's job summary and outputs:
 * no full secret anywhere unless --no-redact (and never in SARIF or a baseline).
 */
const keys = new FakeKeys(17);
const secrets = [keys.keyId(), keys.secret(), keys.tempKeyId(), keys.secret(), keys.sessionToken()];
const [id, secret, tempId, tempSecret, token] = secrets as [string, string, string, string, string];
let repo: GitRepo;
let out: TempTree;
let base: string;

beforeAll(() => {
  repo = new GitRepo();
  out = new TempTree();
  base = repo.commit('start', { 'README.md': '# app\n' });
  repo.commit('leak', {
    '.env': `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`,
    'sts.json': JSON.stringify({ AccessKeyId: tempId, SecretAccessKey: tempSecret, SessionToken: token }),
  });
  repo.commit('remove', {}, ['.env', 'sts.json']);
  repo.write('staged.env', `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`);
  repo.git('add', 'staged.env');
});
afterAll(() => {
  repo.remove();
  out.remove();
});

const leaked = (text: string) => secrets.filter((value) => text.includes(value));
/** The command lines, built when a test runs (the repository exists only after beforeAll). */
const argsFor = (name: string): string[] =>
  ({
    staged: ['staged', repo.root],
    range: ['range', `${base}..HEAD`, repo.root],
    history: ['history', repo.root, '--quiet'],
  })[name] as string[];

describe.each(['staged', 'range', 'history'])('%s', (name) => {
  test.each([...FORMATS])(
    'format %s: nothing leaks to stdout, stderr, --output or --report files',
    async (format) => {
      const file = path.join(out.root, `${name}.${format}`);
      const extra = path.join(out.root, `${name}-extra.${format}`);
      const args = argsFor(name);
      const printed = await runCli([...args, '--format', format, '--report', `${format}=${extra}`]);
      expect(printed.code).toBe(1);
      const written = await runCli([...args, '--format', format, '--output', file]);
      expect(written.code).toBe(1);
      const everything = [
        printed.stdout,
        printed.stderr,
        written.stdout,
        written.stderr,
        readFileSync(file, 'utf8'),
        readFileSync(extra, 'utf8'),
      ];
      expect(leaked(everything.join('\n'))).toEqual([]);
    },
  );

  test('--no-redact shows them, so the check above can fail (SARIF never does)', async () => {
    const args = argsFor(name);
    const text = (await runCli([...args, '--format', 'json', '--no-redact'])).stdout;
    expect(leaked(text).length).toBeGreaterThanOrEqual(2);
    const sarif = (await runCli([...args, '--format', 'sarif', '--no-redact'])).stdout;
    expect(leaked(sarif)).toEqual([]);
  });
});

test('a baseline never holds a secret', async () => {
  const tree = new TempTree();
  try {
    tree.write('.env', `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`);
    await runCli(['baseline', 'create', tree.root, '--no-redact']);
    const text = readFileSync(tree.path('.keysweep-baseline.json'), 'utf8');
    expect(text).toContain('"rule":"aws.secret-access-key"');
    expect(leaked(text)).toEqual([]);
  } finally {
    tree.remove();
  }
});

test('the GitHub Action: annotations, job summary, outputs and SARIF hold no secret', async () => {
  const event = out.write(
    'event.json',
    JSON.stringify({
      pull_request: { number: 1, base: { sha: base }, head: { sha: repo.git('rev-parse', 'HEAD') } },
    }),
  );
  const env: NodeJS.ProcessEnv = {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_WORKSPACE: repo.root,
    GITHUB_STEP_SUMMARY: out.write('summary.md', ''),
    GITHUB_OUTPUT: out.write('output.txt', ''),
    RUNNER_TEMP: out.root,
    'INPUT_SARIF-FILE': path.join(out.root, 'action.sarif'),
  };
  let stdout = '';
  let stderr = '';
  const code = await runAction({
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  expect(code).toBe(1);
  const summary = readFileSync(env.GITHUB_STEP_SUMMARY as string, 'utf8');
  expect(summary).toContain('| critical |');
  const files = [
    summary,
    readFileSync(env.GITHUB_OUTPUT as string, 'utf8'),
    readFileSync(path.join(out.root, 'action.sarif'), 'utf8'),
  ];
  expect(leaked([stdout, stderr, ...files].join('\n'))).toEqual([]);
});
