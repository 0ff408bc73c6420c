import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { FakeKeys } from '../support/fake-keys';
import { TempTree } from '../support/temp-tree';

/**
 * The byte shortcuts (the keyword scanner and rules' runs) are WebAssembly, which `node --jitless` does
 * not have: the engine then keeps to its regexes, with the same findings. The built CLI is spawned both
 * ways (`npm test` builds lib/ first), on files large enough that the shortcuts would be taken, in one
 * thread and in worker threads.
 */
const CLI = path.resolve(__dirname, '..', '..', 'lib', 'cli', 'main.js');
const tree = new TempTree();
const keys = new FakeKeys(97);

beforeAll(() => {
  const filler = 'const value = compute(region, bucket) // access the secret store\n'.repeat(20_000);
  tree.write(
    'big/bundle.js',
    `${filler}aws_access_key_id = ${keys.keyId()}\naws_secret = ${keys.secret()}\n`,
  );
  for (let i = 0; i < 300; i++) tree.write(`many/f${i}.txt`, `line ${i} of access notes\n`.repeat(50));
  tree.write(
    'many/creds.env',
    `AWS_ACCESS_KEY_ID=${keys.tempKeyId()}\nAWS_SECRET_ACCESS_KEY=${keys.secret()}\n`,
  );
});
afterAll(() => tree.remove());

function reportOf(nodeFlags: string[], args: string[]) {
  const child = spawnSync(
    process.execPath,
    [...nodeFlags, CLI, 'scan', ...args, '-f', 'json', '--no-redact'],
    {
      cwd: tree.root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const report = JSON.parse(child.stdout);
  report.stats.durationMs = 0;
  return { code: child.status, report, internalError: /internal error/.test(child.stderr) };
}

test.each([
  ['one thread', ['big', '--jobs', '1']],
  ['worker threads', ['.', '--jobs', '2']],
])('without WebAssembly, %s: the same findings as with it', (_, args) => {
  const withWasm = reportOf([], args);
  const without = reportOf(['--jitless'], args);
  expect(without.internalError).toBe(false);
  expect(without).toEqual(withWasm);
  expect(withWasm.code).toBe(1);
  expect(withWasm.report.findings.length).toBeGreaterThanOrEqual(2);
});
