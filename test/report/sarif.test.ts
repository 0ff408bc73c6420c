import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type BuiltHistory, buildHistory } from '../../src/devtools/history-builder';
import type { HistoryPlan } from '../../src/devtools/history-plan';
import { BUILTIN_RULES_DIR, loadRules } from '../../src/rules/load';
import { FakeKeys } from '../support/fake-keys';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';
import { multitoolValidate, schemaErrors } from './sarif-validators';

/**
 * `--format sarif` end to end: the real CLI over a working tree (awkward file names, every severity)
 * and over the history fixture (fixtures/history/plan.json, with one blob deleted so the sweep warns),
 * each report checked against the OASIS schema and by Microsoft's SARIF Multitool.
 */
interface SarifLog {
  $schema: string;
  version: string;
  runs: SarifRun[];
}
interface SarifRun {
  tool: { driver: { name: string; version: string; rules: SarifRule[] } };
  invocations: {
    executionSuccessful: boolean;
    toolExecutionNotifications?: {
      level: string;
      message: { text: string };
      locations?: { physicalLocation: { artifactLocation: { uri: string } } }[];
    }[];
  }[];
  results: SarifResult[];
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; precision: string; 'security-severity': string };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string };
      region: Record<string, unknown>;
    };
  }[];
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
}
interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fingerprint: string;
  severity: string;
  commit: { sha: string; author: string; date: string } | null;
  refs: string[];
  commits: number;
}

const plan: HistoryPlan = JSON.parse(
  readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'history', 'plan.json'), 'utf8'),
);
const ruleSet = loadRules([BUILTIN_RULES_DIR], process.cwd());

const keys = new FakeKeys(20_240_601);
const pairId = keys.keyId();
const pairSecret = keys.secret();
const loneSecret = keys.secret();
const loneId = keys.keyId();
const tempId = keys.tempKeyId();
const namedId = keys.keyId();
const treeSecrets = [pairId, pairSecret, loneSecret, loneId, tempId, namedId];

let tree: TempTree;
let built: BuiltHistory;
let scanned: { code: number; stdout: string };
let scanLog: SarifLog;
let scanJson: JsonFinding[];
let history: { code: number; stdout: string };
let historyLog: SarifLog;
let historyJson: JsonFinding[];
let rangeOut: string;
let readmeBlob: string;

beforeAll(async () => {
  tree = new TempTree();
  tree.write(
    'wt/a dir/con#fig?.env',
    `aws_access_key_id = ${pairId}\naws_secret_access_key = ${pairSecret}\n`,
  );
  tree.write('wt/ünï/notes.txt', `aws_secret_access_key = ${loneSecret}\n`);
  tree.write('wt/k:ey.ini', `id = ${loneId}\n`);
  tree.write('wt/100%/sts.sh', `export AWS_ACCESS_KEY_ID=${tempId}\n`);
  tree.write(`wt/${namedId}.env`, `aws_access_key_id = ${namedId}\n`);
  scanned = await runCli(['scan', tree.path('wt'), '--format', 'sarif', '--no-redact']);
  scanLog = JSON.parse(scanned.stdout);
  scanJson = JSON.parse((await runCli(['scan', tree.path('wt'), '--format', 'json'])).stdout).findings;

  const repo = tree.path('repo');
  built = await buildHistory(repo, plan);
  // Delete README.md's blob: the sweep skips it as unreadable and warns, which SARIF must carry.
  const readme = readFileSync(path.join(repo, 'README.md'));
  readmeBlob = createHash('sha1').update(`blob ${readme.length}\0`).update(readme).digest('hex');
  rmSync(path.join(repo, '.git', 'objects', readmeBlob.slice(0, 2), readmeBlob.slice(2)));
  history = await runCli(['history', repo, '--format', 'sarif', '--no-redact']);
  historyLog = JSON.parse(history.stdout);
  historyJson = JSON.parse((await runCli(['history', repo, '--format', 'json'])).stdout).findings;
  const initial = built.commits['Initial commit: billing service skeleton'] as string;
  rangeOut = (await runCli(['range', `${initial}..HEAD`, repo, '--format', 'sarif'])).stdout;
}, 60_000);
afterAll(() => tree.remove());

const resultAt = (log: SarifLog, uri: string) =>
  log.runs[0]?.results.filter(
    (result) => result.locations[0]?.physicalLocation.artifactLocation.uri === uri,
  ) ?? [];

describe('validity', () => {
  test('every report conforms to the OASIS SARIF 2.1.0 schema', () => {
    expect(scanLog.runs[0]?.results.length).toBe(6);
    expect(historyLog.runs[0]?.results.length).toBe(19);
    const range: SarifLog = JSON.parse(rangeOut);
    expect(range.runs[0]?.results.length).toBeGreaterThan(0);
    expect(schemaErrors(scanLog)).toEqual([]);
    expect(schemaErrors(historyLog)).toEqual([]);
    expect(schemaErrors(range)).toEqual([]);
  });

  test('the schema check catches what the schema forbids', () => {
    const broken = structuredClone(scanLog);
    const region = broken.runs[0]?.results[0]?.locations[0]?.physicalLocation.region as Record<
      string,
      unknown
    >;
    region.startLine = 0;
    (broken.runs[0] as unknown as Record<string, unknown>).columnKind = 'bytes';
    expect(schemaErrors(broken)).toEqual([
      '/runs/0/results/0/locations/0/physicalLocation/region/startLine must be >= 1',
      '/runs/0/columnKind must be equal to one of the allowed values',
    ]);
  });

  test.each([
    ['scan', () => scanned.stdout],
    ['history', () => history.stdout],
    ['range', () => rangeOut],
  ])(
    'the SARIF Multitool finds no error or warning in the %s report',
    (_, report) => {
      const verdict = multitoolValidate(report());
      expect({ errors: verdict.errors, warnings: verdict.warnings }).toEqual({ errors: [], warnings: [] });
    },
    120_000,
  );

  test('the Multitool check catches an invalid log', () => {
    const broken = structuredClone(historyLog);
    const result = broken.runs[0]?.results[1] as SarifResult;
    result.ruleIndex = 99;
    (result.locations[0]?.physicalLocation.region as Record<string, unknown>).startLine = 0;
    const verdict = multitoolValidate(JSON.stringify(broken));
    expect(verdict.errors.map((error) => error.split(':')[0])).toEqual(
      expect.arrayContaining(['JSON1008', 'SARIF1009']),
    );
  }, 120_000);

  test('the log is SARIF 2.1.0 with the schemastore $schema and one run of keysweep', () => {
    expect(scanLog.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(scanLog.version).toBe('2.1.0');
    expect(scanLog.runs).toHaveLength(1);
    const driver = scanLog.runs[0]?.tool.driver;
    expect(driver?.name).toBe('keysweep');
    const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(driver).toMatchObject({
      version,
      semanticVersion: version,
      informationUri: 'https://github.com/keysweep/keysweep',
    });
  });
});

describe('rules', () => {
  const SCORES: Record<string, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };
  const LEVELS: Record<string, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

  test('tool.driver.rules describes every rule of the rule set, in order', () => {
    const rules = scanLog.runs[0]?.tool.driver.rules ?? [];
    expect(rules.map((rule) => rule.id)).toEqual(ruleSet.rules.map((rule) => rule.id));
    expect(rules.length).toBeGreaterThanOrEqual(4);
    for (const [i, rule] of ruleSet.rules.entries()) {
      const descriptor = rules[i] as SarifRule;
      expect(descriptor.shortDescription.text).toBe(rule.title);
      expect(descriptor.fullDescription.text.startsWith(rule.title)).toBe(true);
      expect(descriptor.fullDescription.text.length).toBeLessThanOrEqual(1024);
      expect(descriptor.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(descriptor.help.text).toBe(rule.remediation);
      expect(descriptor.help.markdown.startsWith(rule.remediation)).toBe(true);
      for (const reference of rule.references) expect(descriptor.help.markdown).toContain(`](${reference})`);
      expect(descriptor.defaultConfiguration.level).toBe(LEVELS[rule.severity]);
      expect(descriptor.properties['security-severity']).toBe(SCORES[rule.severity]);
      expect(descriptor.properties.tags).toEqual(expect.arrayContaining(['security', 'secret', 'aws']));
      expect(['very-high', 'high', 'medium', 'low']).toContain(descriptor.properties.precision);
    }
  });

  test('every result points at its rule by id and index', () => {
    for (const log of [scanLog, historyLog]) {
      const rules = log.runs[0]?.tool.driver.rules ?? [];
      for (const result of log.runs[0]?.results ?? [])
        expect(rules[result.ruleIndex]?.id).toBe(result.ruleId);
    }
  });
});

describe('results', () => {
  test('levels follow the finding severity: critical and high error, medium warning, low note', () => {
    expect(resultAt(scanLog, 'a%20dir/con%23fig%3F.env').map((result) => result.level)).toEqual([
      'error',
      'error',
    ]);
    expect(resultAt(scanLog, '%C3%BCn%C3%AF/notes.txt').map((result) => result.level)).toEqual(['error']);
    expect(resultAt(scanLog, 'k%3Aey.ini').map((result) => result.level)).toEqual(['warning']);
    expect(resultAt(scanLog, '100%25/sts.sh').map((result) => result.level)).toEqual(['note']);
    expect(scanLog.runs[0]?.results.map((result) => result.properties.severity)).toEqual(
      scanJson.map((finding) => finding.severity),
    );
  });

  test('paths are percent-encoded URI references: spaces, "#", "?", "%", non-ASCII, a colon up front', () => {
    const uris = scanLog.runs[0]?.results.map(
      (result) => result.locations[0]?.physicalLocation.artifactLocation.uri,
    );
    expect(uris).toEqual(
      expect.arrayContaining([
        'a%20dir/con%23fig%3F.env',
        '%C3%BCn%C3%AF/notes.txt',
        'k%3Aey.ini',
        '100%25/sts.sh',
      ]),
    );
    // each is a valid URI reference that decodes back to the path (but the one redacted below)
    for (const [i, uri] of (uris ?? []).entries()) {
      expect(uri).toMatch(/^(?:[\w\-.~!$&'()*+,;=@/]|%[0-9A-F]{2})(?:[\w\-.~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$/);
      const file = scanJson[i]?.file ?? '';
      if (!file.includes(namedId)) expect(decodeURIComponent(uri ?? '')).toBe(file);
    }
    // the message names the file as people write it
    expect(resultAt(scanLog, 'a%20dir/con%23fig%3F.env')[0]?.message.text).toContain('in a dir/con#fig?.env');
  });

  test('regions are the finding positions, in UTF-16 columns', () => {
    const results = scanLog.runs[0]?.results ?? [];
    expect(results.map((result) => result.locations[0]?.physicalLocation.region)).toEqual(
      scanJson.map((finding) => ({
        startLine: finding.line,
        startColumn: finding.column,
        endLine: finding.endLine,
        endColumn: finding.endColumn,
      })),
    );
    expect((scanLog.runs[0] as unknown as Record<string, unknown>).columnKind).toBe('utf16CodeUnits');
  });

  test('every result has both partial fingerprints, computed from rule, path and secret fingerprint', () => {
    for (const [log, json] of [
      [scanLog, scanJson],
      [historyLog, historyJson],
    ] as const) {
      const results = log.runs[0]?.results ?? [];
      expect(results.map((result) => result.ruleId)).toEqual(json.map((finding) => finding.ruleId));
      for (const [i, result] of results.entries()) {
        const finding = json[i] as JsonFinding;
        const hash = createHash('sha256')
          .update(`${finding.ruleId}\0${finding.file}\0${finding.fingerprint}`)
          .digest('hex');
        expect(result.partialFingerprints).toEqual({
          primaryLocationLineHash: `${hash.slice(0, 16)}:1`,
          'keysweep/v1': finding.fingerprint,
        });
      }
      const hashes = results.map((result) => result.partialFingerprints.primaryLocationLineHash);
      expect(new Set(hashes).size).toBe(hashes.length);
    }
  });

  test('a paired credential says so, with its account; a lone key id names its account', () => {
    const [keyId, secret] = resultAt(scanLog, 'a%20dir/con%23fig%3F.env');
    expect(keyId?.message.text).toMatch(
      /^AWS long-term access key ID in a dir\/con#fig\?\.env\. It is part of a paired credential: AWS long-term access key pair, AWS account \d{12}\.$/,
    );
    expect(secret?.message.text).toContain('part of a paired credential: AWS long-term access key pair');
    expect(secret?.properties).toMatchObject({
      severity: 'critical',
      credentialKind: 'aws.long-term-key',
      account: keyId?.properties.account,
    });
    expect(keyId?.properties.credential).toBe(secret?.properties.credential);
    expect(resultAt(scanLog, 'k%3Aey.ini')[0]?.message.text).toMatch(
      /^AWS long-term access key ID in k:ey\.ini\. The key belongs to AWS account \d{12}\.$/,
    );
    expect(resultAt(scanLog, '%C3%BCn%C3%AF/notes.txt')[0]?.properties).toEqual({
      severity: 'high',
      credential: expect.stringMatching(/^[0-9a-f]{16}$/),
      credentialKind: null,
      account: null,
    });
  });
});

describe('no secret leaves keysweep', () => {
  test('not even with --no-redact: the report is the same with and without it', async () => {
    const redacted = await runCli(['scan', tree.path('wt'), '--format', 'sarif']);
    expect(redacted.stdout).toBe(scanned.stdout);
  });

  test('no raw secret anywhere in the scan, history or range reports', () => {
    const historySecrets = Object.values(built.secrets);
    expect(historySecrets.length).toBeGreaterThanOrEqual(17);
    for (const secret of treeSecrets) expect(scanned.stdout).not.toContain(secret);
    for (const report of [history.stdout, rangeOut])
      for (const secret of historySecrets) {
        expect(report).not.toContain(secret);
        expect(report).not.toContain(encodeURIComponent(secret));
      }
    expect(scanned.stdout).not.toContain('"snippet"');
  });

  test('a file named after its own key id is reported under a redacted name', () => {
    const redactedName = `${namedId.slice(0, 4)}${'*'.repeat(namedId.length - 4)}.env`;
    const named = resultAt(scanLog, redactedName);
    expect(named).toHaveLength(1);
    expect(named[0]?.message.text).toContain(`in ${redactedName}.`);
    expect(scanJson.map((finding) => finding.file)).toContain(`${namedId}.env`);
  });
});

describe('git findings', () => {
  test('history results name the commit that introduced the secret, its author and date', () => {
    const results = historyLog.runs[0]?.results ?? [];
    const sha = built.commits['Add local AWS credentials in config/.env'] as string;
    const env = resultAt(historyLog, 'config/.env');
    expect(env).toHaveLength(2);
    for (const result of env) {
      expect(result.message.text).toContain(
        `in config/.env, introduced in commit ${sha.slice(0, 7)} by Keysweep Fixture on 2024-01-01`,
      );
      expect(result.properties).toMatchObject({
        commitSha: sha,
        author: 'Keysweep Fixture',
        date: expect.stringMatching(/^2024-01-01T00:0\d:00Z$/),
        firstSeenPath: 'config/.env',
        presentAtHead: false,
        unreachable: false,
      });
    }
    for (const [i, result] of results.entries()) {
      const finding = historyJson[i] as JsonFinding;
      expect(result.message.text).toContain(`introduced in commit ${finding.commit?.sha.slice(0, 7)}`);
      expect(result.message.text).toMatch(/found in \d+ commits?, not present at HEAD/);
      expect(result.properties).toMatchObject({
        commitSha: finding.commit?.sha,
        date: finding.commit?.date,
        refs: finding.refs,
        commits: finding.commits,
        refsTruncated: false,
        blob: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
    }
  });

  test('range results carry the commit of the change', () => {
    const range: SarifLog = JSON.parse(rangeOut);
    for (const result of range.runs[0]?.results ?? []) {
      const sha = result.properties.commitSha as string;
      expect(Object.values(built.commits)).toContain(sha);
      expect(result.message.text).toContain(`introduced in commit ${sha.slice(0, 7)} by Keysweep Fixture`);
    }
  });

  test('scan warnings become tool execution notifications; the run still counts as successful', () => {
    const [invocation] = historyLog.runs[0]?.invocations ?? [];
    expect(invocation?.executionSuccessful).toBe(true);
    expect(invocation?.toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: { text: `README.md: blob ${readmeBlob.slice(0, 12)} is missing.` },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'README.md' } } }],
      },
    ]);
    expect(scanLog.runs[0]?.invocations).toEqual([{ executionSuccessful: true }]);
  });
});

describe('output', () => {
  test('the same input gives the same bytes', async () => {
    expect((await runCli(['scan', tree.path('wt'), '--format', 'sarif'])).stdout).toBe(scanned.stdout);
    expect((await runCli(['history', tree.path('repo'), '--format', 'sarif'])).stdout).toBe(history.stdout);
  }, 30_000);

  test('pretty-printed JSON with a trailing newline; findings still set the exit code', () => {
    expect(scanned.stdout).toBe(`${JSON.stringify(scanLog, null, 2)}\n`);
    expect(history.stdout).toBe(`${JSON.stringify(historyLog, null, 2)}\n`);
    expect(scanned.code).toBe(1);
    expect(history.code).toBe(1);
  });
});
