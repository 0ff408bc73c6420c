import { readFileSync, writeFileSync } from 'node:fs';
import { FakeKeys } from '../support/fake-keys';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

const keys = new FakeKeys(71);
const pair = { id: keys.keyId(), secret: keys.secret() };
const loneId = keys.keyId();
const otherSecret = keys.secret();
let tree: TempTree;
let baselineFile: string;

const envText = (secret: string, padding = '') =>
  `${padding}AWS_ACCESS_KEY_ID=${pair.id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`;

beforeEach(async () => {
  tree = new TempTree();
  tree.write('.env', envText(pair.secret));
  tree.write('src/app.ts', `const id = '${loneId}';\n`);
  baselineFile = tree.path('.keysweep-baseline.json');
  const created = await runCli(['baseline', 'create', tree.root, '--reason', 'old keys, rotated in INC-42']);
  expect(created.stdout).toBe(
    `keysweep: wrote 3 entries to ${tree.path('.keysweep-baseline.json').replace(`${process.cwd()}/`, '')}\n`,
  );
  expect(created.code).toBe(0);
});
afterEach(() => tree.remove());

const scanJson = async (...args: string[]) => {
  const result = await runCli(['scan', tree.root, '--format', 'json', ...args]);
  return { ...result, report: JSON.parse(result.stdout) };
};

test('create writes sorted entries, one per line, by fingerprint and path, never the secret', () => {
  const text = readFileSync(baselineFile, 'utf8');
  const lines = text.split('\n');
  expect(lines[0]).toBe('{');
  expect(lines[1]).toBe('  "version": 1,');
  const entries = lines.filter((line) => line.startsWith('    {'));
  expect(entries).toHaveLength(3);
  expect(entries.map((line) => JSON.parse(line.replace(/,$/, '')).path)).toEqual([
    '.env',
    '.env',
    'src/app.ts',
  ]);
  for (const line of entries) {
    const entry = JSON.parse(line.replace(/,$/, ''));
    expect(Object.keys(entry)).toEqual(['fingerprint', 'rule', 'path', 'reason']);
    expect(entry.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(entry.reason).toBe('old keys, rotated in INC-42');
  }
  for (const secret of [pair.id, pair.secret, loneId]) expect(text).not.toContain(secret);
});

test('--baseline suppresses what it lists; moving a key to another line does not revive it', async () => {
  tree.write('.env', envText(pair.secret, '# moved down\n\n'));
  const { code, report } = await scanJson('--baseline', baselineFile);
  expect(report.findings).toEqual([]);
  expect(report.stats.suppressed.baseline).toBe(3);
  expect(report.baseline).toEqual({
    file: expect.stringContaining('.keysweep-baseline.json'),
    suppressed: 3,
    stale: [],
    expired: [],
  });
  expect(code).toBe(0);
});

test('a different secret on the same line is reported, and the entry it replaced is stale', async () => {
  tree.write('.env', envText(otherSecret));
  const { code, report } = await scanJson('--baseline', baselineFile);
  expect(report.findings.map((f: { ruleId: string; line: number }) => [f.ruleId, f.line])).toEqual([
    ['aws.secret-access-key', 2],
  ]);
  expect(report.baseline.stale.map((entry: { rule: string }) => entry.rule)).toEqual([
    'aws.secret-access-key',
  ]);
  expect(code).toBe(1);
  const text = await runCli(['scan', tree.root, '--baseline', baselineFile]);
  expect(text.stdout).toContain('1 entry no longer match anything (remove them):');
  expect(text.stdout).toMatch(/^ {2}aws\.secret-access-key \.env [0-9a-f]{12}$/m);
});

test('an expired entry stops suppressing and says so', async () => {
  const document = JSON.parse(readFileSync(baselineFile, 'utf8'));
  document.entries[2].expires = '2020-01-31';
  writeFileSync(baselineFile, JSON.stringify(document));
  const { code, report } = await scanJson('--baseline', baselineFile);
  expect(report.findings.map((f: { file: string }) => f.file)).toEqual(['src/app.ts']);
  expect(report.baseline.expired).toEqual([
    expect.objectContaining({ path: 'src/app.ts', expires: '2020-01-31' }),
  ]);
  expect(code).toBe(1);
  const text = await runCli(['scan', tree.root, '--baseline', baselineFile]);
  expect(text.stdout).toMatch(
    /1 entry expired, so reported again:\n {2}aws\.access-key-id src\/app\.ts [0-9a-f]{12} \(expired 2020-01-31\)/,
  );
});

test('the config can name the baseline; a malformed one is exit 2 naming the file and every field', async () => {
  tree.write('.keysweep.yaml', 'baseline: .keysweep-baseline.json\n');
  expect((await scanJson()).report.findings).toEqual([]);

  writeFileSync(
    baselineFile,
    JSON.stringify({
      version: 1,
      entries: [{ fingerprint: 'xyz', rule: 'aws.access-key-id', reson: 'typo', expires: 'soon' }],
    }),
  );
  const bad = await runCli(['scan', tree.root]);
  expect(bad.code).toBe(2);
  const shown = tree.path('.keysweep-baseline.json').replace(`${process.cwd()}/`, '');
  expect(bad.stderr.split('\n').filter(Boolean)).toEqual([
    `keysweep: ${shown}: entries[0]: unknown field "reson" (did you mean "reason"?)`,
    `keysweep: ${shown}: entries[0]: "fingerprint" must be 32 lowercase hex digits`,
    `keysweep: ${shown}: entries[0]: "reason" must be a non-empty string`,
    `keysweep: ${shown}: entries[0]: "expires" must be a date, YYYY-MM-DD`,
  ]);
  writeFileSync(baselineFile, '{ not json');
  const broken = await runCli(['scan', tree.root]);
  expect(broken.code).toBe(2);
  expect(broken.stderr).toMatch(new RegExp(`^keysweep: ${shown.replace(/\./g, '\\.')}: invalid JSON: `));
});

test('--any-path entries match wherever the secret goes; a bad --expires is a usage error', async () => {
  const anywhere = await runCli(['baseline', 'create', tree.root, '--any-path', '--expires', '2099-12-31']);
  expect(anywhere.code).toBe(0);
  tree.write('config/moved.env', envText(pair.secret));
  const { report } = await scanJson('--baseline', baselineFile);
  expect(report.findings).toEqual([]);
  expect(readFileSync(baselineFile, 'utf8')).toContain('"expires":"2099-12-31"');

  const bad = await runCli(['baseline', 'create', tree.root, '--expires', 'next week']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toBe(
    'keysweep: --expires: "next week" is not a date (YYYY-MM-DD) (run "keysweep --help" for usage)\n',
  );
});
