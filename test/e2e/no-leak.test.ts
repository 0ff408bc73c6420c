import { readFileSync } from 'node:fs';
import { FORMATS } from '../../src/report/reporter';
import { FakeKeys } from '../support/fake-keys';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/**
 * No full secret reaches stdout, stderr or a report file in any format unless --no-redact; and error
 * messages never quote file contents. Every secret here is generated, so the test knows them all.
 */
const keys = new FakeKeys(7);
const secrets = [
  keys.keyId(),
  keys.secret(),
  keys.tempKeyId(),
  keys.secret(),
  keys.sessionToken(),
  keys.keyId(),
];
let tree: TempTree;
/** Where reports are written: beside the scanned tree, not in it, and removed with it. */
let reports: TempTree;

beforeAll(() => {
  tree = new TempTree();
  reports = new TempTree();
  const [id, secret, tempId, tempSecret, token, lone] = secrets;
  tree.write('.env', `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`);
  tree.write(
    'sts.json',
    JSON.stringify({ AccessKeyId: tempId, SecretAccessKey: tempSecret, SessionToken: token }),
  );
  tree.write('notes.md', `old key: ${lone}\n`);
});
afterAll(() => {
  tree.remove();
  reports.remove();
});

const leaked = (text: string) => secrets.filter((secret) => text.includes(secret));

describe.each(FORMATS)('format %s', (format) => {
  test('redacts every secret on stdout and stderr', async () => {
    const { code, stdout, stderr } = await runCli(['scan', tree.root, '--format', format]);
    expect(code).toBe(1);
    expect(stdout.length).toBeGreaterThan(0);
    expect(leaked(stdout + stderr)).toEqual([]);
  });

  test('redacts every secret in a report file', async () => {
    const output = reports.path(`keysweep-no-leak.${format}`);
    const { stdout, stderr } = await runCli(['scan', tree.root, '--format', format, '--output', output]);
    expect(leaked(stdout + stderr + readFileSync(output, 'utf8'))).toEqual([]);
  });

  // SARIF is uploaded to code scanning, so it never carries a secret, --no-redact or not; every other
  // format shows them all, which proves the checks above can fail.
  test(`--no-redact ${format === 'sarif' ? 'still shows none' : 'shows them all'}`, async () => {
    const { stdout } = await runCli(['scan', tree.root, '--format', format, '--no-redact']);
    expect(leaked(stdout)).toEqual(format === 'sarif' ? [] : secrets);
  });
});

test('a config error does not quote the file around the problem', async () => {
  const dir = new TempTree();
  try {
    dir.write('.keysweep.yaml', `allow:\n  paths: [${secrets[1]}\n`);
    dir.write('ok.txt', 'x');
    const { code, stderr } = await runCli(['scan', dir.root]);
    expect(code).toBe(2);
    expect(leaked(stderr)).toEqual([]);
  } finally {
    dir.remove();
  }
});
