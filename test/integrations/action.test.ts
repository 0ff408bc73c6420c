import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runAction } from '../../src/action/main';
import { GitRepo } from '../support/git-repo';
import { leakedPair } from '../support/hook-env';
import { TempTree } from '../support/temp-tree';

/**
 * The GitHub Action, driven as the runner drives it: `INPUT_*` variables named as the runner forms them
 * (upper-cased, hyphens kept), the event name and a payload file of the real webhook shape, and the
 * files for outputs and the job summary. One test runs the committed bundle, dist/index.js, in a child
 * process; the rest run the same code in-process.
 */
const PROJECT = path.resolve(__dirname, '..', '..');
/**
 * The Node that runs the bundle: .ci/run passes the runtime action.yml declares (KEYSWEEP_ACTION_NODE),
 * which the runner uses whatever Node runs these tests.
 */
const ACTION_NODE = process.env.KEYSWEEP_ACTION_NODE || process.execPath;
const pair = leakedPair(61);
let repo: GitRepo;
let files: TempTree;
let base: string;
let head: string;

beforeAll(() => {
  repo = new GitRepo();
  base = repo.commit('initial', { 'README.md': '# service\n' });
  repo.git('checkout', '-q', '-b', 'feature');
  repo.commit('configure deploy', { 'deploy/.env': pair.text });
  head = repo.commit('docs', { 'docs/setup.md': 'Set AWS_PROFILE.\n' });
  files = new TempTree();
});
afterAll(() => {
  repo.remove();
  files.remove();
});

/** A pull_request webhook payload, trimmed to the fields the action and most tools read. */
function pullRequestEvent(number: number): string {
  const pullRequest = {
    number,
    state: 'open',
    title: 'Configure deploy',
    base: { ref: 'main', sha: base, repo: { full_name: 'octo/service' } },
    head: { ref: 'feature', sha: head, repo: { full_name: 'octo/service' } },
    commits: 2,
  };
  const file = files.write(
    `event-${number}.json`,
    JSON.stringify({ action: 'synchronize', number, pull_request: pullRequest }),
  );
  return file;
}

function runnerEnv(name: string, event: string, eventPath: string, inputs: Record<string, string>) {
  const env: NodeJS.ProcessEnv = {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: repo.root,
    GITHUB_STEP_SUMMARY: files.write(`${name}-summary.md`, ''),
    GITHUB_OUTPUT: files.write(`${name}-output.txt`, ''),
    RUNNER_TEMP: files.root,
  };
  for (const [id, value] of Object.entries(inputs)) env[`INPUT_${id.toUpperCase()}`] = value;
  return env;
}

/** GITHUB_OUTPUT entries (heredoc form) as a record. */
function outputs(file: string): Record<string, string> {
  const text = readFileSync(file, 'utf8');
  const found: Record<string, string> = {};
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm))
    found[match[1] as string] = match[3] as string;
  return found;
}

async function inProcess(env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const code = await runAction({
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

test('the bundled dist/index.js on a pull_request: annotations, summary, outputs, SARIF; the step fails', () => {
  const sarif = path.join(files.root, 'bundle.sarif');
  const env = runnerEnv('bundle', 'pull_request', pullRequestEvent(12), {
    mode: 'auto',
    'fail-on': 'high',
    'sarif-file': sarif,
  });
  const child = spawnSync(ACTION_NODE, [path.join(PROJECT, 'dist', 'index.js')], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    cwd: repo.root,
  });
  expect(child.status).toBe(1);
  expect(child.stdout).toMatch(
    /^::error file=deploy\/\.env,line=1,endLine=1,col=19,endColumn=39,title=[^:]+::/m,
  );
  expect(child.stdout).toMatch(/^::error file=deploy\/\.env,line=2,/m);
  expect(child.stdout).not.toContain(pair.secret);
  expect(outputs(env.GITHUB_OUTPUT as string)).toEqual({ findings: '2', critical: '2', 'sarif-file': sarif });
  const summary = readFileSync(env.GITHUB_STEP_SUMMARY as string, 'utf8');
  expect(summary).toContain('Scanned the commits of pull request #12.');
  expect(summary).toMatch(/deploy\/\.env/);
  expect(summary).not.toContain(pair.secret);
  const results = JSON.parse(readFileSync(sarif, 'utf8')).runs[0].results;
  expect(results.map((result: { ruleId: string }) => result.ruleId)).toEqual([
    'aws.access-key-id',
    'aws.secret-access-key',
  ]);
});

test('fail-on critical with only a lone key id passes the step but still reports it', async () => {
  const lone = new GitRepo();
  try {
    const start = lone.commit('initial', { 'README.md': '# x\n' });
    const end = lone.commit('add id', { 'src/app.ts': `const id = '${pair.id}';\n` });
    const event = files.write(
      'lone.json',
      JSON.stringify({ pull_request: { number: 3, base: { sha: start }, head: { sha: end } } }),
    );
    const env: NodeJS.ProcessEnv = {
      ...runnerEnv('lone', 'pull_request', event, { 'fail-on': 'critical' }),
      GITHUB_WORKSPACE: lone.root,
    };
    const { code, stdout } = await inProcess(env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^::warning file=src\/app\.ts,line=1,/m);
    expect(outputs(env.GITHUB_OUTPUT as string)).toMatchObject({ findings: '1', critical: '0' });
  } finally {
    lone.remove();
  }
});

test('a push that creates a branch scans its commits from the first one’s parent', async () => {
  const event = files.write(
    'push.json',
    JSON.stringify({
      ref: 'refs/heads/feature',
      before: '0'.repeat(40),
      after: head,
      created: true,
      commits: [{ id: repo.git('rev-parse', 'feature~1') }, { id: head }],
    }),
  );
  const env = runnerEnv('push', 'push', event, {});
  const { code, stdout } = await inProcess(env);
  expect(code).toBe(1);
  expect(stdout).toMatch(/^::error file=deploy\/\.env,line=1,/m);
  expect(readFileSync(env.GITHUB_STEP_SUMMARY as string, 'utf8')).toContain(
    'Scanned the commits of the new branch feature.',
  );
});

test('a branch deletion is nothing to scan; a schedule sweeps the history', async () => {
  const deletion = files.write(
    'delete.json',
    JSON.stringify({ ref: 'refs/heads/old', before: base, after: '0'.repeat(40) }),
  );
  const nothing = await inProcess(runnerEnv('delete', 'push', deletion, {}));
  expect(nothing.code).toBe(0);
  expect(nothing.stdout).toBe('keysweep: nothing to scan: the deletion of old: no commits\n');

  const env = runnerEnv('schedule', 'schedule', files.write('schedule.json', '{}'), {});
  const swept = await inProcess(env);
  expect(swept.code).toBe(1);
  expect(readFileSync(env.GITHUB_STEP_SUMMARY as string, 'utf8')).toContain(
    'Scanned the whole history of every ref (schedule event).',
  );
});

test('a shallow checkout fails with one error that says to set fetch-depth: 0', async () => {
  const clones = new TempTree();
  try {
    const shallow = clones.path('shallow');
    repo.git('clone', '-q', '--depth', '1', '--branch', 'feature', `file://${repo.root}`, shallow);
    const env: NodeJS.ProcessEnv = {
      ...runnerEnv('shallow', 'pull_request', pullRequestEvent(13), {}),
      GITHUB_WORKSPACE: shallow,
    };
    const { code, stdout } = await inProcess(env);
    expect(code).toBe(2);
    expect(stdout).toBe(
      `::error title=keysweep::keysweep: commit ${base.slice(0, 12)} not found (shallow clone? use fetch-depth: 0 on actions/checkout)\n`,
    );
    expect(readFileSync(env.GITHUB_STEP_SUMMARY as string, 'utf8')).toContain(
      'failed: see the error annotations',
    );
    expect(existsSync(path.join(shallow, '.git', 'shallow'))).toBe(true);
  } finally {
    clones.remove();
  }
});

test('a bad input is one error annotation and exit 2', async () => {
  const { code, stdout } = await inProcess(
    runnerEnv('bad', 'push', pullRequestEvent(14), { mode: 'everything' }),
  );
  expect(code).toBe(2);
  expect(stdout).toBe(
    '::error title=keysweep::keysweep: input mode: "everything" is not one of auto, range, history, scan (see action.yml)\n',
  );
});

test('action.yml names the bundle, node24, and every input the action reads', () => {
  const manifest = readFileSync(path.join(PROJECT, 'action.yml'), 'utf8');
  expect(manifest).toMatch(/^runs:\n {2}using: node24\n {2}main: dist\/index\.js$/m);
  const source = readFileSync(path.join(PROJECT, 'src', 'action', 'main.ts'), 'utf8');
  const read = [...source.matchAll(/input\(env, '([\w-]+)'\)/g)].map((match) => match[1]);
  for (const id of new Set(read)) expect(manifest).toMatch(new RegExp(`^ {2}${id}:$`, 'm'));
});
