import path from 'node:path';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/** keysweep's own tree is clean under its committed .keysweep.yaml, and not clean without it. */
const ROOT = path.join(__dirname, '..', '..');

test('keysweep scan . is clean with the committed config', async () => {
  const { code, stdout, stderr } = await runCli(['scan', ROOT, '--format', 'json']);
  expect(stderr).toBe('');
  expect(JSON.parse(stdout).findings).toEqual([]);
  expect(code).toBe(0);
});

test('without the allowlist, the rule examples and the demo are found', async () => {
  const empty = new TempTree();
  try {
    const config = empty.write('empty.yaml', '{}\n');
    const { code, stdout } = await runCli(['scan', ROOT, '--format', 'json', '--config', config]);
    const files = new Set(JSON.parse(stdout).findings.map((finding: { file: string }) => finding.file));
    expect(code).toBe(1);
    expect(files).toContain('rules/aws.yaml');
    expect(files).toContain('fixtures/demo/.env');
  } finally {
    empty.remove();
  }
});
