import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import {
  BINARY_HEADER,
  type BuiltHistory,
  buildHistory,
  FIXTURE_EPOCH,
  FIXTURE_IDENTITY,
} from '../../../src/devtools/history-builder';
import { loadPlan } from '../../../src/devtools/history-plan';

/**
 * The git-history fixture (`fixtures/history/plan.json`) built twice: the same commit ids both times, a
 * repository that isomorphic-git reads and `git fsck --strict` accepts, and every case of
 * `fixtures/history/README.md` where the table says it is — reachable from the refs it lists, and gone
 * from HEAD's tree.
 */
const PLAN = path.join(__dirname, '..', '..', '..', 'fixtures', 'history', 'plan.json');

/** Each case of the fixture: its introducing commit, path, tokens, and the refs that reach the commit. */
const EARLY = ['main', 'feature/side', 'feature/reports', 'v0.1-leak'];
const CASES = {
  a: ['Add local AWS credentials in config/.env', 'config/.env', ['aws-key-id:1', 'aws-secret:1'], EARLY],
  b: [
    'Try direct S3 uploads with a personal key',
    'src/upload.js',
    ['aws-key-id:2', 'aws-secret:2'],
    ['feature/side'],
  ],
  c: [
    'Build release 0.1 with a pasted key',
    'release/publish.sh',
    ['aws-key-id:3', 'aws-secret:3'],
    ['v0.1-leak'],
  ],
  d: [
    'Add an S3 client with a hard-coded key',
    'src/s3-client.js',
    ['aws-key-id:4', 'aws-secret:4'],
    ['main'],
  ],
  e: ["Merge branch 'feature/reports'", 'src/reports.js', ['aws-key-id:5', 'aws-secret:5'], ['main']],
  f: [
    "Add deploy settings with the deploy user's key",
    'deploy/settings.ini',
    ['aws-key-id:6', 'aws-secret:6'],
    EARLY,
  ],
  g: [
    'Add the billing worker config with its AWS key',
    'services/worker/config.yml',
    ['aws-key-id:7', 'aws-secret:7'],
    EARLY,
  ],
  h: [
    'Add a recorded API session for replay tests',
    'test/replay/api-session.log',
    ['aws-key-id:8', 'aws-secret:8'],
    ['main'],
  ],
  i: [
    'Add the packaged credentials cache',
    'assets/credentials.cache',
    ['aws-key-id:9', 'aws-secret:9'],
    ['main'],
  ],
  j: [
    'Add temporary STS credentials for the data migration',
    'scripts/migration-session.json',
    ['aws-temp-key-id:10', 'aws-secret:10', 'aws-session-token:10'],
    ['main'],
  ],
} as const satisfies Record<string, readonly [string, string, readonly string[], readonly string[]]>;

/** Every commit reachable from main, in plan order (and so in time order). */
const MAIN = [
  'Initial commit: billing service skeleton',
  'Document AWS credential setup with the AWS example key',
  CASES.a[0],
  CASES.f[0],
  CASES.g[0],
  'Raise the billing worker batch size to 50',
  'Log billing worker output as JSON',
  'Rename deploy/settings.ini to deploy/production.ini',
  CASES.d[0],
  "Read the S3 client's credentials from the environment",
  'Start the reports module',
  CASES.h[0],
  "Merge branch 'feature/merged'",
  CASES.i[0],
  CASES.e[0],
  CASES.j[0],
  'Remove config/.env and ignore .env files',
  'Remove the key from deploy/production.ini',
  'Use the task role for the billing worker',
  'Delete the recorded API session',
  'Delete the packaged credentials cache',
  'Read the reports credentials from the environment',
  'Delete the migration session file',
];

const DOC_EXAMPLE_ID = 'AKIAIOSFODNN7EXAMPLE';

let tmp: string;
let dir: string;
let built: BuiltHistory;
let again: BuiltHistory;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keysweep-history-'));
  dir = path.join(tmp, 'one');
  const plan = loadPlan(PLAN);
  [built, again] = await Promise.all([buildHistory(dir, plan), buildHistory(path.join(tmp, 'two'), plan)]);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const blob = async (commit: string, filepath: string) =>
  Buffer.from((await git.readBlob({ fs, dir, oid: commit, filepath })).blob);
const sha = (message: string) => {
  const commit = built.commits[message];
  if (commit === undefined) throw new Error(`no commit "${message}"`);
  return commit;
};
const secret = (token: string) => {
  const value = built.secrets[token];
  if (value === undefined) throw new Error(`no secret ${token}`);
  return value;
};

/** Every blob of a commit's tree: path → content. */
async function treeFiles(commit: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const walk = async (oid: string, prefix: string): Promise<void> => {
    for (const entry of (await git.readTree({ fs, dir, oid })).tree) {
      if (entry.type === 'tree') await walk(entry.oid, `${prefix}${entry.path}/`);
      else
        files.set(
          `${prefix}${entry.path}`,
          Buffer.from((await git.readBlob({ fs, dir, oid: entry.oid })).blob),
        );
    }
  };
  await walk(commit, '');
  return files;
}

test('builds identical commits, secrets and HEAD on every run', () => {
  expect(Object.keys(built.commits)).toHaveLength(25);
  expect(again).toEqual(built);
  expect(built.head).toBe(sha('Delete the migration session file'));
});

test('every commit has the fixture identity and a timestamp from its place in the plan', async () => {
  const messages = Object.keys(built.commits);
  for (const [i, message] of messages.entries()) {
    const { commit } = await git.readCommit({ fs, dir, oid: sha(message) });
    const signature = { ...FIXTURE_IDENTITY, timestamp: FIXTURE_EPOCH + i * 60, timezoneOffset: 0 };
    expect(commit.author).toEqual(signature);
    expect(commit.committer).toEqual(signature);
    expect(commit.message).toBe(`${message}\n`);
  }
});

test('main reaches the expected commits, in order', async () => {
  const log = await git.log({ fs, dir, ref: 'main' });
  expect(log.map((entry) => entry.commit.message.trimEnd()).reverse()).toEqual(MAIN);
  expect(await git.currentBranch({ fs, dir })).toBe('main');
});

test('merge commits have the branch tip as second parent', async () => {
  const merged = await git.readCommit({ fs, dir, oid: sha("Merge branch 'feature/merged'") });
  expect(merged.commit.parent).toEqual([
    sha(CASES.h[0]),
    sha("Read the S3 client's credentials from the environment"),
  ]);
  const reports = await git.readCommit({ fs, dir, oid: sha(CASES.e[0]) });
  expect(reports.commit.parent).toEqual([sha(CASES.i[0]), sha('Start the reports module')]);
});

test('refs: the side branch stays, the temporary branches are gone, the tag is annotated', async () => {
  expect(await git.listBranches({ fs, dir })).toEqual(['feature/reports', 'feature/side', 'main']);
  expect(await git.listTags({ fs, dir })).toEqual(['v0.1-leak']);
  const tagOid = await git.resolveRef({ fs, dir, ref: 'refs/tags/v0.1-leak' });
  const { tag } = await git.readTag({ fs, dir, oid: tagOid });
  expect(tag).toMatchObject({ object: sha(CASES.c[0]), type: 'commit', tag: 'v0.1-leak' });
  expect(await git.resolveRef({ fs, dir, ref: 'feature/side' })).toBe(sha(CASES.b[0]));
});

describe.each(Object.entries(CASES))('case (%s)', (_letter, [message, file, tokens, refs]) => {
  test('its commit holds its secrets at its path', async () => {
    const text = (await blob(sha(message), file)).toString('latin1');
    for (const token of tokens) expect(text).toContain(secret(token));
  });

  test('its commit is reached from exactly the refs the README lists', async () => {
    const reaching: string[] = [];
    for (const ref of ['main', 'feature/side', 'feature/reports', 'v0.1-leak']) {
      let tip = await git.resolveRef({ fs, dir, ref });
      if (ref.startsWith('v')) tip = (await git.readTag({ fs, dir, oid: tip })).tag.object;
      const ancestor = sha(message);
      if (tip === ancestor || (await git.isDescendent({ fs, dir, oid: tip, ancestor, depth: -1 })))
        reaching.push(ref);
    }
    expect(reaching).toEqual(refs);
  });
});

test('(d) and (e): the merge commits hold what the plan says', async () => {
  const mergedTree = (await treeFiles(sha("Merge branch 'feature/merged'"))).get('src/s3-client.js');
  expect(mergedTree?.toString()).not.toContain(secret('aws-key-id:4'));
  const [ours, theirs] = [sha(CASES.i[0]), sha('Start the reports module')];
  for (const parent of [ours, theirs]) {
    for (const content of (await treeFiles(parent)).values())
      expect(content.toString('latin1')).not.toContain(secret('aws-key-id:5'));
  }
});

test('(f) the rename commit moves the same blob; (g) the key line survives two edits', async () => {
  const renamed = sha('Rename deploy/settings.ini to deploy/production.ini');
  expect(await blob(renamed, 'deploy/production.ini')).toEqual(
    await blob(sha(CASES.f[0]), 'deploy/settings.ini'),
  );
  const versions = [
    CASES.g[0],
    'Raise the billing worker batch size to 50',
    'Log billing worker output as JSON',
  ];
  const texts = await Promise.all(versions.map(async (m) => (await blob(sha(m), CASES.g[1])).toString()));
  expect(new Set(texts).size).toBe(3);
  for (const text of texts) expect(text).toContain(`access_key_id: ${secret('aws-key-id:7')}\n`);
});

test('(h) the large file is over 2 MiB with its key in the last kilobyte', async () => {
  const large = await blob(sha(CASES.h[0]), CASES.h[1]);
  expect(large.length).toBeGreaterThanOrEqual(2 * 1024 * 1024);
  expect(large.subarray(-1024).toString()).toContain(secret('aws-secret:8'));
  expect(large.subarray(0, large.length - 1024).toString()).not.toContain(secret('aws-key-id:8'));
});

test('(i) the binary file starts with the NUL-led header', async () => {
  const binary = await blob(sha(CASES.i[0]), CASES.i[1]);
  expect(binary[0]).toBe(0);
  expect(binary.subarray(0, BINARY_HEADER.length)).toEqual(BINARY_HEADER);
});

test("HEAD's tree holds no generated secret and no key-shaped value but the documentation example", async () => {
  const files = await treeFiles(built.head);
  expect([...files.keys()]).toContain('docs/aws-credentials.md');
  expect(Object.keys(built.secrets)).toHaveLength(21);
  for (const [file, content] of files) {
    const text = content.toString('latin1');
    for (const value of Object.values(built.secrets)) {
      for (const form of [value, value.replace(/\//g, '\\/'), encodeURIComponent(value)])
        expect({ file, found: text.includes(form) }).toEqual({ file, found: false });
    }
    const ids = text.match(/A(?:KI|SI|BI|CC)A[A-Z0-9]{16}/g) ?? [];
    expect({ file, ids: ids.filter((id) => id !== DOC_EXAMPLE_ID) }).toEqual({ file, ids: [] });
  }
});

test('the working tree and index match HEAD, as isomorphic-git and git see them', async () => {
  const changed = (await git.statusMatrix({ fs, dir })).filter(([, head, work, stage]) =>
    [head, work, stage].some((status) => status !== 1),
  );
  expect(changed).toEqual([]);
  expect(gitBinary('status', '--porcelain', '--untracked-files=all')).toBe('');
});

test('git fsck --strict accepts the repository, and every commit is reachable from a ref', () => {
  expect(gitBinary('fsck', '--strict', '--no-progress')).toBe('');
  expect(gitBinary('rev-list', '--all', '--count').trim()).toBe('25');
  expect(gitBinary('rev-parse', 'HEAD').trim()).toBe(built.head);
});

/** Runs git in the built repository with no user or system config; fails the test on a non-zero exit. */
function gitBinary(...args: string[]): string {
  const result = spawnSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull, HOME: tmp },
  });
  expect({ args, status: result.status, stderr: result.stderr }).toEqual({ args, status: 0, stderr: '' });
  return result.stdout;
}
