import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/** Bad input: one clear line naming the file (or flag) and the problem, exit code 2, no stack trace. */
let tree: TempTree;
beforeAll(() => {
  tree = new TempTree();
  tree.write('a.txt', 'hello\n');
});
afterAll(() => tree.remove());

test('an unknown flag is a usage error with the usage hint', async () => {
  const { code, stdout, stderr } = await runCli(['scan', tree.root, '--frobnicate']);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toBe('keysweep: Unknown argument: frobnicate (run "keysweep --help" for usage)\n');
});

test('a bad flag value is a usage error', async () => {
  const format = await runCli(['scan', tree.root, '--format', 'xml']);
  expect(format.code).toBe(2);
  expect(format.stderr).toMatch(
    /^keysweep: Invalid values: Argument: format, Given: "xml", Choices: "text", "json", "jsonl", "sarif", "github", "markdown", "junit" \(run "keysweep --help" for usage\)\n$/,
  );
  const size = await runCli(['scan', tree.root, '--max-file-size', 'ten']);
  expect(size.code).toBe(2);
  expect(size.stderr).toBe(
    'keysweep: --max-file-size: "ten" is not a number of bytes, or a size such as 512KB, 10MiB, 100MB (run "keysweep --help" for usage)\n',
  );
});

test('no command is a usage error; --help and --version print and exit 0', async () => {
  expect((await runCli([])).code).toBe(2);
  const help = await runCli(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('keysweep scan [paths..]');
  const scanHelp = await runCli(['scan', '--help']);
  expect(scanHelp.stdout).toContain('--no-redact');
  expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
});

test('a missing path names the path', async () => {
  const { code, stderr } = await runCli(['scan', 'no/such/dir'], { cwd: tree.root });
  expect(code).toBe(2);
  expect(stderr).toBe('keysweep: no/such/dir: no such file or directory\n');
});

test('a malformed config names the file and every bad key at once', async () => {
  const dir = new TempTree();
  try {
    dir.write('.keysweep.yaml', 'alow:\n  paths: [x]\ndisable: aws.session-token\nmaxFileSize: huge\n');
    const { code, stderr } = await runCli(['scan', '.'], { cwd: dir.root });
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'keysweep: .keysweep.yaml: unknown field "alow" (did you mean "allow"?)',
      'keysweep: .keysweep.yaml: "maxFileSize" must be a number of bytes, or a size such as 512KB, 10MiB, 100MB',
      'keysweep: .keysweep.yaml: "disable" must be a list of non-empty strings',
    ]);
  } finally {
    dir.remove();
  }
});

test('invalid YAML in a config is one line naming the file', async () => {
  const dir = new TempTree();
  try {
    dir.write('custom.yaml', 'allow: [unclosed\n');
    const { code, stderr } = await runCli(['scan', dir.root, '--config', 'custom.yaml'], { cwd: dir.root });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^keysweep: custom\.yaml: invalid YAML: .+\n$/);
  } finally {
    dir.remove();
  }
});

test('disabling an unknown rule suggests the right id', async () => {
  const dir = new TempTree();
  try {
    dir.write('.keysweep.yaml', 'disable: [aws.session-tokens]\n');
    const { code, stderr } = await runCli(['scan'], { cwd: dir.root });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'keysweep: .keysweep.yaml: disable: no rule "aws.session-tokens" (did you mean "aws.session-token"?)\n',
    );
  } finally {
    dir.remove();
  }
});
