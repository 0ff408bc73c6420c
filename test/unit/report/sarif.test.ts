import { createHash } from 'node:crypto';
import { formatSarif, uriReference } from '../../../src/report/sarif';
import { BUILTIN_RULES_DIR, loadRules } from '../../../src/rules/load';
import type { CommitInfo, Finding, Provenance, RuleSet, ScanResult, Severity } from '../../../src/types';
import { multitoolValidate, schemaErrors } from '../../report/sarif-validators';
import { FakeKeys } from '../../support/fake-keys';

/**
 * The SARIF reporter on hand-made scan results: the provenance kinds a working-tree scan never produces
 * (staged, commit, unreachable history blobs), warnings, odd paths and rule sets.
 */
const ruleSet = loadRules([BUILTIN_RULES_DIR], process.cwd());
const keys = new FakeKeys(424_242);
const secret = keys.secret();
const keyId = keys.keyId();

const commit: CommitInfo = {
  sha: 'c0ffee0123456789abcdef0123456789abcdef01',
  author: 'Ada Lovelace',
  email: 'ada@example.invalid',
  date: '2024-03-05T06:07:08Z',
  summary: `Oops, pasted ${secret}`,
};
const BLOB = 'b10b0123456789abcdef0123456789abcdef0123';

function finding(provenance: Provenance, overrides: Partial<Finding> = {}): Finding {
  const ruleId = overrides.ruleId ?? 'aws.secret-access-key';
  const value = overrides.secret ?? secret;
  return {
    ruleId,
    title: 'AWS secret access key',
    severity: 'high',
    fingerprint: createHash('sha256').update(`${ruleId}\0${value}`).digest('hex').slice(0, 32),
    secret: value,
    location: { line: 3, column: 25, endLine: 3, endColumn: 65 },
    provenance,
    entropy: 5.1,
    credential: '0123456789abcdef',
    credentialKind: null,
    account: null,
    remediation: 'Rotate it.',
    ...overrides,
  };
}

function resultOf(findings: Finding[], warnings: ScanResult['warnings'] = []): ScanResult {
  return {
    findings,
    warnings,
    stats: {
      files: 1,
      bytes: 100,
      skipped: { binary: 0, tooLarge: 0, unreadable: 0, symlink: 0, special: 0 },
      suppressed: {},
      durationMs: 12,
    },
  };
}

const options = { redact: false, color: false, version: '1.2.3-beta.1', ruleSet };

// biome-ignore lint/suspicious/noExplicitAny: parsed SARIF is navigated freely in assertions
function sarif(result: ScanResult, opts: Partial<typeof options> = {}): any {
  const text = formatSarif(result, { ...options, ...opts });
  expect(text.endsWith('}\n')).toBe(true);
  const log = JSON.parse(text);
  expect(schemaErrors(log)).toEqual([]);
  return log;
}

test('a staged finding names its blob', () => {
  const log = sarif(resultOf([finding({ kind: 'staged', path: 'src/app.ts', blob: BLOB })]));
  const [result] = log.runs[0].results;
  expect(result.message.text).toBe('AWS secret access key in src/app.ts, staged (blob b10b012).');
  expect(result.properties).toEqual({
    severity: 'high',
    credential: '0123456789abcdef',
    credentialKind: null,
    account: null,
    blob: BLOB,
  });
});

test('a commit finding names the commit, never its message (free text that may hold the secret)', () => {
  const text = formatSarif(
    resultOf([finding({ kind: 'commit', path: 'a.env', blob: BLOB, commit })]),
    options,
  );
  const result = JSON.parse(text).runs[0].results[0];
  expect(result.message.text).toBe(
    'AWS secret access key in a.env, introduced in commit c0ffee0 by Ada Lovelace on 2024-03-05.',
  );
  expect(result.properties).toMatchObject({
    commitSha: commit.sha,
    author: 'Ada Lovelace',
    date: commit.date,
  });
  expect(text).not.toContain('Oops');
  expect(text).not.toContain(secret);
  expect(text).not.toContain(commit.email);
});

test('an unreachable history blob is named as such, without commit properties', () => {
  const provenance: Provenance = {
    kind: 'history',
    path: 'old/creds.txt',
    blob: BLOB,
    commit: null,
    commits: 0,
    presentAtHead: false,
    refs: [],
    refsTruncated: false,
    unreachable: true,
  };
  const result = sarif(resultOf([finding(provenance)])).runs[0].results[0];
  expect(result.message.text).toBe(
    'AWS secret access key in old/creds.txt, in unreachable blob b10b012 (no ref reaches it); found in 0 commits, not present at HEAD.',
  );
  expect(result.properties).not.toHaveProperty('commitSha');
  expect(result.properties).toMatchObject({
    blob: BLOB,
    unreachable: true,
    refs: [],
    firstSeenPath: 'old/creds.txt',
  });
});

test('a history finding still at HEAD, in one commit, says so', () => {
  const provenance: Provenance = {
    kind: 'history',
    path: 'x.env',
    blob: BLOB,
    commit,
    commits: 1,
    presentAtHead: true,
    refs: ['HEAD', 'refs/heads/main'],
    refsTruncated: false,
    unreachable: false,
  };
  const result = sarif(resultOf([finding(provenance)])).runs[0].results[0];
  expect(result.message.text).toContain('introduced in commit c0ffee0 by Ada Lovelace on 2024-03-05');
  expect(result.message.text).toContain('found in 1 commit, still present at HEAD.');
});

test('severities map to levels, and the rule keeps its default level', () => {
  const severities: Severity[] = ['critical', 'high', 'medium', 'low'];
  const log = sarif(
    resultOf(
      severities.map((severity) => finding({ kind: 'worktree', path: `${severity}.txt` }, { severity })),
    ),
  );
  expect(log.runs[0].results.map((result: { level: string }) => result.level)).toEqual([
    'error',
    'error',
    'warning',
    'note',
  ]);
  const secretRule = log.runs[0].tool.driver.rules.find(
    (rule: { id: string }) => rule.id === 'aws.secret-access-key',
  );
  expect(secretRule.defaultConfiguration.level).toBe('error');
  expect(secretRule.properties['security-severity']).toBe('8.0');
  expect(secretRule.properties.precision).toBe('high'); // it needs AWS context to report
});

test('warnings become notifications, with a location when they have a path', () => {
  const log = sarif(
    resultOf(
      [],
      [{ path: 'dir/bad file', message: 'permission denied' }, { message: 'pack index is corrupt.' }],
    ),
  );
  expect(log.runs[0].results).toEqual([]);
  expect(log.runs[0].invocations).toEqual([
    {
      executionSuccessful: true,
      toolExecutionNotifications: [
        {
          level: 'warning',
          message: { text: 'dir/bad file: permission denied.' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'dir/bad%20file' } } }],
        },
        { level: 'warning', message: { text: 'pack index is corrupt.' } },
      ],
    },
  ]);
});

test('no findings: every rule is still described and the Multitool is content', () => {
  const text = formatSarif(resultOf([]), options);
  const log = JSON.parse(text);
  expect(log.runs[0].tool.driver.rules).toHaveLength(ruleSet.rules.length);
  expect(log.runs[0].results).toEqual([]);
  const verdict = multitoolValidate(text);
  expect({ errors: verdict.errors, warnings: verdict.warnings }).toEqual({ errors: [], warnings: [] });
}, 120_000);

test('a version that is not semantic is given as version only', () => {
  const driver = sarif(resultOf([]), { version: 'dev build' }).runs[0].tool.driver;
  expect(driver.version).toBe('dev build');
  expect(driver).not.toHaveProperty('semanticVersion');
  expect(sarif(resultOf([])).runs[0].tool.driver.semanticVersion).toBe('1.2.3-beta.1');
});

test('a long remediation is cut to GitHub’s 1024 characters in fullDescription, kept whole in help', () => {
  const [first] = ruleSet.rules;
  if (!first) throw new Error('no built-in rules');
  const remediation = 'Rotate the key and check CloudTrail. '.repeat(60).trim();
  const custom: RuleSet = {
    rules: [{ ...first, id: 'acme.token', title: 'Acme token', remediation, references: [] }],
    credentials: [],
  };
  const [rule] = sarif(resultOf([]), { ruleSet: custom }).runs[0].tool.driver.rules;
  expect(rule.fullDescription.text.length).toBeLessThanOrEqual(1024);
  expect(rule.fullDescription.text.length).toBeGreaterThan(1000);
  expect(rule.fullDescription.text.endsWith(' the…')).toBe(true); // cut between words
  expect(`Acme token. ${remediation}`.startsWith(rule.fullDescription.text.slice(0, -1))).toBe(true);
  expect(rule.help).toEqual({ text: remediation, markdown: remediation });
  expect(rule.name).toBe('AcmeToken');
  expect(rule.properties.tags).toEqual(['security', 'secret', 'acme', 'external/cwe/cwe-798']);
});

test('a finding of a rule the rule set does not describe has no ruleIndex', () => {
  const log = sarif(resultOf([finding({ kind: 'worktree', path: 'a' }, { ruleId: 'acme.unknown' })]));
  expect(log.runs[0].results[0].ruleId).toBe('acme.unknown');
  expect(log.runs[0].results[0]).not.toHaveProperty('ruleIndex');
});

test('a paired key id without a decodable account names the credential only', () => {
  const log = sarif(
    resultOf([
      finding(
        { kind: 'worktree', path: 'p.env' },
        {
          ruleId: 'aws.access-key-id',
          secret: keyId,
          title: 'AWS long-term access key ID',
          credentialKind: 'aws.long-term-key',
        },
      ),
    ]),
  );
  expect(log.runs[0].results[0].message.text).toBe(
    'AWS long-term access key ID in p.env. It is part of a paired credential: AWS long-term access key pair.',
  );
});

test('a secret in a path, an author or a ref is replaced by its redacted form', () => {
  const provenance: Provenance = {
    kind: 'history',
    path: `keys/${keyId}.txt`,
    blob: BLOB,
    commit: { ...commit, author: keyId },
    commits: 1,
    presentAtHead: false,
    refs: [`refs/heads/${keyId}`],
    refsTruncated: false,
    unreachable: false,
  };
  const text = formatSarif(
    resultOf([finding(provenance, { secret: keyId, ruleId: 'aws.access-key-id' })]),
    options,
  );
  expect(text).not.toContain(keyId);
  expect(text).toContain(`${keyId.slice(0, 4)}${'*'.repeat(16)}`);
});

test('control characters in a path are escaped in messages and percent-encoded in URIs', () => {
  const result = sarif(resultOf([finding({ kind: 'worktree', path: 'evil\nname\u001b[31m.txt' })])).runs[0]
    .results[0];
  expect(result.message.text).toBe('AWS secret access key in "evil\\nname\\u001b[31m.txt".');
  expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('evil%0Aname%1B%5B31m.txt');
});

test.each([
  ['src/a.js', 'src/a.js'],
  ['a b/c#d?e%f', 'a%20b/c%23d%3Fe%25f'],
  ['c:/x', 'c%3A/x'],
  ['dir/c:x', 'dir/c:x'],
  ['ü/日本.txt', '%C3%BC/%E6%97%A5%E6%9C%AC.txt'],
  ['emoji-😀', 'emoji-%F0%9F%98%80'],
  ['back\\slash[1]{2}|"<>^`', 'back%5Cslash%5B1%5D%7B2%7D%7C%22%3C%3E%5E%60'],
  ["keep-._~!$&'()*+,;=@", "keep-._~!$&'()*+,;=@"],
])('uriReference(%j) is %j', (path, uri) => {
  expect(uriReference(path)).toBe(uri);
});
