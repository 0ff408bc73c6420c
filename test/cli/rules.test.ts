import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

let tree: TempTree;
beforeAll(() => {
  tree = new TempTree();
});
afterAll(() => tree.remove());

test('rules list prints every rule and credential kind', async () => {
  const { code, stdout } = await runCli(['rules', 'list']);
  expect(code).toBe(0);
  for (const id of [
    'aws.access-key-id',
    'aws.temporary-access-key-id',
    'aws.secret-access-key',
    'aws.session-token',
  ]) {
    expect(stdout).toMatch(new RegExp(`^${id.replace(/\./g, '\\.')} +\\w+ +\\S`, 'm'));
  }
  expect(stdout).toMatch(/^aws\.long-term-key +critical/m);
});

test('rules check passes on the built-in rules', async () => {
  const { code, stdout } = await runCli(['rules', 'check']);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^4 rules, \d+ examples: all behave as stated\n$/);
});

test('rules check fails, naming the example, when a user rule does not find its own example', async () => {
  tree.write(
    'mine/acme.yaml',
    [
      'rules:',
      '  - id: acme.api-token',
      '    title: ACME API token',
      '    severity: high',
      '    keywords: [acme_]',
      "    pattern: '\\b(acme_[a-z0-9]{12})\\b'",
      '    secretGroup: 1',
      '    minEntropy: 3',
      '    remediation: Revoke it in the ACME console.',
      "    examples: ['token = acme_k3j4h5g6f7d8', 'token = acme_short']",
      "    negativeExamples: ['token = acme_aaaaaaaaaaaa', 'token = acme_k3j4h5g6f7d9']",
    ].join('\n'),
  );
  const { code, stdout } = await runCli(['rules', 'check', 'mine'], { cwd: tree.root });
  expect(code).toBe(1);
  expect(stdout).toContain('mine/acme.yaml: acme.api-token: examples[1]: yields no finding of this rule');
  expect(stdout).toContain('mine/acme.yaml: acme.api-token: negativeExamples[1]: yields a finding at 1:9');
  expect(stdout).not.toContain('examples[0]');
});

test('a bad rule file reports every problem at once, each naming file, index, id and field; exit 2', async () => {
  tree.write(
    'bad/aws.yaml',
    [
      'rules:',
      '  - id: aws.bad-one',
      '    title: Bad',
      '    severity: severe',
      '    keywords: [x]',
      "    pattern: '(?i)abc'",
      '    secretGroup: 1',
      '    minEntropy: high',
      '    remediation: none',
      '    examples: [x]',
      '    negative_examples: [y]',
    ].join('\n'),
  );
  const { code, stderr } = await runCli(['rules', 'check', 'bad'], { cwd: tree.root });
  expect(code).toBe(2);
  expect(stderr.trimEnd().split('\n')).toEqual([
    'keysweep: bad/aws.yaml: rules[0] (aws.bad-one): unknown field "negative_examples" (did you mean "negativeExamples"?)',
    'keysweep: bad/aws.yaml: rules[0] (aws.bad-one): "pattern" starts with "(?i)"; JavaScript RegExp has no inline flags (use flags: i)',
    'keysweep: bad/aws.yaml: rules[0] (aws.bad-one): "severity" must be one of low, medium, high, critical',
    'keysweep: bad/aws.yaml: rules[0] (aws.bad-one): "minEntropy" must be a number',
    'keysweep: bad/aws.yaml: rules[0] (aws.bad-one): "negativeExamples" must be a non-empty list of examples',
  ]);
});

test('a user rule that can backtrack catastrophically is rejected before use, naming it; exit 2', async () => {
  const rule = (id: string, pattern: string) =>
    [
      `  - id: ${id}`,
      '    title: ACME key',
      '    severity: high',
      '    keywords: [acme]',
      `    pattern: '${pattern}'`,
      '    secretGroup: 1',
      '    remediation: Revoke it.',
      "    examples: ['acme_key=aaaaaaaaaaaaaaaaaaaaab']",
      "    negativeExamples: ['acme_key=none']",
    ].join('\n');
  tree.write(
    'redos/acme.yaml',
    ['rules:', rule('acme.nested', 'acme_key=((?:a+)+b)'), rule('acme.linear', 'acme_key=(a+b)')].join('\n'),
  );
  const started = Date.now();
  const { code, stderr } = await runCli(['scan', tree.path('redos'), '--rules', tree.path('redos')]);
  expect(code).toBe(2);
  expect(stderr.split('\n').filter(Boolean)).toEqual([
    expect.stringMatching(
      /^keysweep: .*redos\/acme\.yaml: rules\[0\] \(acme\.nested\): "pattern" can backtrack catastrophically: exponential time on input like .+ \(rewrite it so that no two parts can match the same text/,
    ),
  ]);
  expect(Date.now() - started).toBeLessThan(20_000); // the check itself is bounded (2 s per pattern)
});
