import { execFileSync } from 'node:child_process';
import type * as fs from 'node:fs';
import { readFileSync, symlinkSync } from 'node:fs';
import { FakeKeys } from '../support/fake-keys';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/**
 * The fs module object itself, whose functions the scan loop's file reader looks up at each call (an
 * `import * as` namespace cannot be spied on); the reader opens files with fs.openSync.
 */
const nodeFs = require('node:fs') as typeof import('node:fs');
type OpenSync = (file: fs.PathLike, flags: number) => number;

const keys = new FakeKeys(42);
const pair = { id: keys.keyId(), secret: keys.secret() };
const loneId = keys.keyId();
const temp = { id: keys.tempKeyId(), secret: keys.secret(), token: keys.sessionToken() };
let tree: TempTree;
/** Where reports are written: beside the scanned tree, not in it, and removed with it. */
let reports: TempTree;

beforeAll(() => {
  tree = new TempTree();
  reports = new TempTree();
  tree.write('.env', `AWS_ACCESS_KEY_ID=${pair.id}\nAWS_SECRET_ACCESS_KEY=${pair.secret}\n`);
  tree.write('src/config.ts', `export const id = '${loneId}';\n`);
  tree.write(
    'ops/creds.json',
    JSON.stringify({ AccessKeyId: temp.id, SecretAccessKey: temp.secret, SessionToken: temp.token }, null, 2),
  );
  tree.write('docs/example.md', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n');
  tree.write('assets/blob.bin', Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`id=${keys.keyId()}`)]));
});
afterAll(() => {
  tree.remove();
  reports.remove();
});

const scanJson = async (...args: string[]) => {
  const result = await runCli(['scan', tree.root, '--format', 'json', ...args]);
  return { ...result, report: JSON.parse(result.stdout) };
};

test('reports every credential with severity, pairing, account and redaction, and exits 1', async () => {
  const { code, report, stderr } = await scanJson();
  expect(stderr).toBe('');
  expect(code).toBe(1);
  const summary = report.findings.map((f: Record<string, unknown>) => [f.file, f.line, f.ruleId, f.severity]);
  expect(summary).toEqual([
    ['.env', 1, 'aws.access-key-id', 'critical'],
    ['.env', 2, 'aws.secret-access-key', 'critical'],
    ['ops/creds.json', 2, 'aws.temporary-access-key-id', 'high'],
    ['ops/creds.json', 3, 'aws.secret-access-key', 'high'],
    ['ops/creds.json', 4, 'aws.session-token', 'high'],
    ['src/config.ts', 1, 'aws.access-key-id', 'medium'],
  ]);
  const [id, secret] = report.findings;
  expect(id.credential).toBe(secret.credential);
  expect(id.credentialKind).toBe('aws.long-term-key');
  expect(id.account).toMatch(/^\d{12}$/);
  expect(secret.account).toBe(id.account);
  expect(id.secret).toBe(`${pair.id.slice(0, 4)}${'*'.repeat(16)}`);
  expect(id.column).toBe(19);
  expect(id.endColumn).toBe(39);
  expect(report.stats.skipped.binary).toBe(1);
  expect(report.stats.files).toBe(4);
  expect(report.stats.suppressed['rule-allowlist']).toBe(1);
  expect(stdoutHasNoSecret(JSON.stringify(report))).toBe(true);
});

test('--no-redact shows secrets in full', async () => {
  const { report } = await scanJson('--no-redact');
  expect(report.findings.map((f: { secret: string }) => f.secret)).toContain(pair.secret);
});

test('--fail-on sets only the exit code; reports still list everything', async () => {
  const { code, report } = await scanJson('--fail-on', 'critical', '--exclude', '.env');
  expect(code).toBe(0);
  expect(report.findings).toHaveLength(4);
  expect((await scanJson('--fail-on', 'critical')).code).toBe(1);
});

test('--include and --exclude select paths by glob', async () => {
  expect((await scanJson('--include', 'src/**')).report.findings).toHaveLength(1);
  expect((await scanJson('--exclude', 'ops/**', '--exclude', '.env')).report.findings).toHaveLength(1);
});

test('--max-file-size skips larger files and counts them', async () => {
  const { report } = await scanJson('--max-file-size', '100B');
  expect(report.stats.skipped.tooLarge).toBeGreaterThanOrEqual(2);
  expect(report.findings.map((f: { file: string }) => f.file)).not.toContain('ops/creds.json');
});

test('text report: grep-like lines, what to do, and totals; no raw secret', async () => {
  const { code, stdout } = await runCli(['scan', tree.root]);
  expect(code).toBe(1);
  expect(stdout).toMatch(/^\.env:1:19 +critical +aws\.access-key-id +AKIA\*{16} +account \d{12}$/m);
  expect(stdout).toContain('What to do');
  expect(stdout).toContain('Secrets Manager');
  expect(stdout).toContain("revoke the role's active sessions");
  expect(stdout).toMatch(/6 findings in 3 files \(2 critical, 3 high, 1 medium\); scanned 4 files/);
  expect(stdout).toContain('skipped: 1 binary');
  expect(stdout).not.toContain('\u001b[');
  expect(stdoutHasNoSecret(stdout)).toBe(true);
});

test('colour only on a terminal, and never with NO_COLOR', async () => {
  expect((await runCli(['scan', tree.root], { tty: true })).stdout).toContain('\u001b[31m');
  expect((await runCli(['scan', tree.root], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(
    '\u001b[',
  );
});

test('--output writes the report to a file', async () => {
  const out = reports.path('keysweep-report.json');
  const { stdout, code } = await runCli(['scan', tree.root, '--format', 'json', '--output', out]);
  expect(code).toBe(1);
  expect(stdout).toBe('');
  expect(JSON.parse(readFileSync(out, 'utf8')).findings).toHaveLength(6);
});

test('--report FORMAT=FILE writes further reports from the same scan', async () => {
  const json = reports.path('keysweep-extra.json');
  const text = reports.path('keysweep-extra.txt');
  const result = await runCli([
    'scan',
    tree.root,
    '--format',
    'json',
    '--report',
    `json=${json}`,
    '--report',
    `text=${text}`,
  ]);
  expect(result.code).toBe(1);
  const extra = readFileSync(json, 'utf8');
  // the same scan: identical to stdout but for nothing at all (durationMs included)
  expect(extra).toBe(result.stdout);
  expect(readFileSync(text, 'utf8')).toMatch(/^\.env:1:19 +critical +aws\.access-key-id/);
  expect(readFileSync(text, 'utf8')).not.toContain('\u001b['); // never coloured

  const bad = await runCli(['scan', tree.root, '--report', 'pdf=x.pdf']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toBe(
    'keysweep: --report: "pdf=x.pdf" is not FORMAT=FILE (FORMAT is one of text, json, jsonl, sarif, github, markdown, junit)\n',
  );
});

test('.gitignore is honoured inside a git repository, and --no-gitignore turns that off', async () => {
  const repo = new TempTree();
  try {
    execFileSync('git', ['init', '-q', repo.root]);
    repo.write('.gitignore', 'secrets/\n');
    repo.write('secrets/prod.env', `AWS_ACCESS_KEY_ID=${keys.keyId()}\n`);
    expect((await runCli(['scan', repo.root])).code).toBe(0);
    expect((await runCli(['scan', repo.root, '--no-gitignore'])).code).toBe(1);
  } finally {
    repo.remove();
  }
});

test('symlinks are not followed, and are counted', async () => {
  const links = new TempTree();
  try {
    links.write('real/key.env', `AWS_ACCESS_KEY_ID=${keys.keyId()}\n`);
    symlinkSync(tree.path('.env'), links.path('outside.env'));
    symlinkSync(links.path('real'), links.path('loop'));
    symlinkSync(links.path('missing'), links.path('broken'));
    const { report } = await (async () => {
      const result = await runCli(['scan', links.root, '--format', 'json']);
      return { report: JSON.parse(result.stdout) };
    })();
    expect(report.findings.map((f: { file: string }) => f.file)).toEqual(['real/key.env']);
    expect(report.stats.skipped.symlink).toBe(3);

    // a link the user names is followed: to a directory (paths relative to it) or to a file
    const named = await runCli(['scan', links.path('loop'), '--format', 'json']);
    expect(JSON.parse(named.stdout).findings.map((f: { file: string }) => f.file)).toEqual(['key.env']);
    symlinkSync(links.path('real/key.env'), links.path('real/alias.env'));
    const file = await runCli(['scan', links.path('real/alias.env'), '--format', 'json']);
    const [shown] = JSON.parse(file.stdout).findings.map((f: { file: string }) => f.file);
    expect(shown).toMatch(/\/real\/alias\.env$/);
    const broken = await runCli(['scan', links.path('broken')]);
    expect([broken.code, broken.stderr]).toEqual([2, expect.stringContaining('no such file or directory')]);

    const text = await runCli(['scan', links.path('real')]);
    expect(text.stdout).toContain('skipped: 1 symlink (not followed)\n');
  } finally {
    links.remove();
  }
});

test('an unreadable file is a warning, counted, and makes the exit code 2 when nothing else fails', async () => {
  const locked = new TempTree();
  // Tests run as root in CI, where permissions do not stop reads: fail the open itself instead.
  const realOpen = nodeFs.openSync;
  const open = jest.spyOn(nodeFs, 'openSync').mockImplementation(((file, flags) => {
    if (String(file).endsWith('locked.txt'))
      throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
    return realOpen(file, flags);
  }) as OpenSync as never);
  try {
    locked.write('ok.txt', 'nothing here\n');
    locked.write('locked.txt', 'x');
    const { code, stdout, stderr } = await runCli(['scan', locked.root, '--format', 'json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).stats.skipped.unreadable).toBe(1);
    expect(JSON.parse(stdout).stats.files).toBe(1);
    expect(stderr).toBe('keysweep: locked.txt: cannot read file (EACCES)\n');
  } finally {
    open.mockRestore();
    locked.remove();
  }
});

function stdoutHasNoSecret(text: string): boolean {
  return [pair.id, pair.secret, loneId, temp.id, temp.secret, temp.token].every(
    (secret) => !text.includes(secret),
  );
}

test('files and directories whose names hold a line break are scanned, not silently dropped', async () => {
  const odd = new TempTree();
  try {
    const text = `AWS_ACCESS_KEY_ID=${pair.id}\nAWS_SECRET_ACCESS_KEY=${pair.secret}\n`;
    odd.write('two\nlines.env', text);
    odd.write('dir\r\nname/inner.env', text);
    odd.write('plain.txt', 'nothing\n');
    const { stdout } = await runCli(['scan', odd.root, '--format', 'json']);
    const report = JSON.parse(stdout);
    expect([...new Set(report.findings.map((f: { file: string }) => f.file))].sort()).toEqual([
      'dir\r\nname/inner.env',
      'two\nlines.env',
    ]);
    expect(report.stats.files).toBe(3);
    const text2 = await runCli(['scan', odd.root]);
    expect(text2.stdout).toContain('"two\\nlines.env":1:19'); // shown quoted and escaped, never as a raw line break
  } finally {
    odd.remove();
  }
});

test('an interrupted scan stops between files, reports what it found so far, and exits 130', async () => {
  const big = new TempTree();
  try {
    for (let i = 0; i < 400; i++)
      big.write(`f${String(i).padStart(3, '0')}.env`, `AWS_ACCESS_KEY_ID=${pair.id}\n`);
    const interrupt = new AbortController();
    // Ctrl-C arrives while the scan is under way: as the 50th file is opened
    const open = nodeFs.openSync;
    let opened = 0;
    const spy = jest.spyOn(nodeFs, 'openSync').mockImplementation(((file, flags) => {
      if (String(file).endsWith('.env') && ++opened === 50) interrupt.abort();
      return open(file, flags);
    }) as OpenSync as never);
    const { code, stdout, stderr } = await runCli(['scan', big.root, '--format', 'json'], {
      signal: interrupt.signal,
    }).finally(() => spy.mockRestore());
    expect(code).toBe(130);
    expect(stderr).toBe('keysweep: interrupted: the report covers only what was scanned before\n');
    const report = JSON.parse(stdout);
    expect(report.stats.files).toBeGreaterThan(0);
    expect(report.stats.files).toBeLessThan(400);
    expect(report.findings).toHaveLength(report.stats.files);
  } finally {
    big.remove();
  }
});
