import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BuiltHistory, buildHistory } from '../../src/devtools/history-builder';
import type { HistoryPlan } from '../../src/devtools/history-plan';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/**
 * The history sweep over the deterministic fixture of fixtures/history/plan.json (see its README for
 * the cases a–k): every credential once, at the commit and path that introduced it, with the refs that
 * reach it, none present at HEAD, the binary blob skipped and counted.
 */
const plan: HistoryPlan = JSON.parse(
  readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'history', 'plan.json'), 'utf8'),
);
let tree: TempTree;
let built: BuiltHistory;
let report: { findings: Finding[]; stats: Record<string, unknown> };
let exitCode: number;

interface Finding {
  file: string;
  ruleId: string;
  severity: string;
  secret: string;
  fingerprint: string;
  commit: { sha: string; summary: string; author: string; date: string };
  firstSeen: { sha: string; path: string };
  commits: number;
  presentAtHead: boolean;
  refs: string[];
  unreachable: boolean;
}

beforeAll(async () => {
  tree = new TempTree();
  built = await buildHistory(tree.path('repo'), plan);
  const result = await runCli(['history', tree.path('repo'), '--format', 'json', '--no-redact']);
  exitCode = result.code;
  report = JSON.parse(result.stdout);
}, 30_000);
afterAll(() => tree.remove());

const early = [
  'HEAD',
  'refs/heads/feature/reports',
  'refs/heads/feature/side',
  'refs/heads/main',
  'refs/tags/v0.1-leak',
];
const cases: [string, string, string, string[], number][] = [
  ['a', 'Add local AWS credentials in config/.env', 'config/.env', early, 1],
  ['b', 'Try direct S3 uploads with a personal key', 'src/upload.js', ['refs/heads/feature/side'], 2],
  ['c', 'Build release 0.1 with a pasted key', 'release/publish.sh', ['refs/tags/v0.1-leak'], 3],
  ['d', 'Add an S3 client with a hard-coded key', 'src/s3-client.js', ['HEAD', 'refs/heads/main'], 4],
  ['e', "Merge branch 'feature/reports'", 'src/reports.js', ['HEAD', 'refs/heads/main'], 5],
  ['f', "Add deploy settings with the deploy user's key", 'deploy/settings.ini', early, 6],
  ['g', 'Add the billing worker config with its AWS key', 'services/worker/config.yml', early, 7],
  [
    'h',
    'Add a recorded API session for replay tests',
    'test/replay/api-session.log',
    ['HEAD', 'refs/heads/main'],
    8,
  ],
];

test.each(cases)(
  'case %s: a long-term pair, once, at the commit and path that introduced it',
  (_, message, file, refs, n) => {
    const findings = report.findings.filter((finding) => finding.file === file);
    expect(findings.map((finding) => finding.ruleId)).toEqual(['aws.access-key-id', 'aws.secret-access-key']);
    expect(findings.map((finding) => finding.secret)).toEqual([
      built.secrets[`aws-key-id:${n}`],
      built.secrets[`aws-secret:${n}`],
    ]);
    for (const finding of findings) {
      expect(finding.severity).toBe('critical');
      expect(finding.commit.sha).toBe(built.commits[message]);
      expect(finding.commit.summary).toBe(message);
      expect(finding.commit.author).toBe('Keysweep Fixture');
      expect(finding.firstSeen).toEqual({
        sha: built.commits[message],
        date: finding.commit.date,
        path: file,
      });
      expect(finding.presentAtHead).toBe(false);
      expect(finding.unreachable).toBe(false);
      expect(finding.refs).toEqual(refs);
    }
  },
);

test('case g: the same key in three commits is one credential, counted in every commit that holds it', () => {
  const worker = report.findings.filter((finding) => finding.file === 'services/worker/config.yml');
  // added by 6f06dd1, removed by 65660ff: every commit on the early refs between them holds it
  expect(worker[0]?.commits).toBeGreaterThanOrEqual(3);
  expect(new Set(worker.map((finding) => finding.fingerprint)).size).toBe(2);
});

test('case f: a renamed file is not reported again at its new path', () => {
  expect(report.findings.filter((finding) => finding.file === 'deploy/production.ini')).toEqual([]);
});

test('case j: temporary credentials are one high-severity credential of three findings', () => {
  const session = report.findings.filter((finding) => finding.file === 'scripts/migration-session.json');
  expect(session.map((finding) => [finding.ruleId, finding.severity])).toEqual([
    ['aws.temporary-access-key-id', 'high'],
    ['aws.secret-access-key', 'high'],
    ['aws.session-token', 'high'],
  ]);
});

test('cases i and k, and the totals: the binary blob is skipped and counted, the example key not reported', () => {
  expect(report.findings.filter((finding) => finding.file === 'assets/credentials.cache')).toEqual([]);
  expect(report.findings.filter((finding) => finding.file === 'docs/aws-credentials.md')).toEqual([]);
  expect(report.findings).toHaveLength(19);
  expect(report.stats.commits).toBe(25);
  expect((report.stats.skipped as Record<string, number>).binary).toBe(1);
  expect(exitCode).toBe(1);
});

test('--ref narrows the sweep to what that ref reaches', async () => {
  const { stdout } = await runCli([
    'history',
    tree.path('repo'),
    '--format',
    'json',
    '--ref',
    'feature/side',
  ]);
  const files = new Set(JSON.parse(stdout).findings.map((finding: Finding) => finding.file));
  expect(files).toContain('src/upload.js');
  expect(files).not.toContain('release/publish.sh');
  expect(files).not.toContain('src/reports.js');
});

test('scan of the clean final tree finds nothing', async () => {
  const scanned = await runCli(['scan', tree.path('repo'), '--format', 'json']);
  expect(JSON.parse(scanned.stdout).findings).toEqual([]);
  expect(scanned.code).toBe(0);
});

test('range, staged and scan give the same fingerprints as history for the same secrets', async () => {
  const repo = tree.path('repo');
  const fingerprintsOf = (stdout: string, file?: string) =>
    (JSON.parse(stdout).findings as Finding[])
      .filter((finding) => file === undefined || finding.file === file)
      .map((finding) => finding.fingerprint)
      .sort();
  const fromHistory = (file: string) => fingerprintsOf(JSON.stringify(report), file);

  // range: everything main reached from the initial commit on, compared commit by commit
  const initial = built.commits['Initial commit: billing service skeleton'] as string;
  const range = await runCli(['range', `${initial}..HEAD`, repo, '--format', 'json']);
  const onMain = report.findings.filter((finding) => finding.refs.includes('refs/heads/main'));
  expect(fingerprintsOf(range.stdout)).toEqual(onMain.map((finding) => finding.fingerprint).sort());

  // staged and scan: bring case f's leaked file back into the index and the working tree
  const leak = built.commits["Add deploy settings with the deploy user's key"] as string;
  execFileSync('git', ['-C', repo, 'checkout', leak, '--', 'deploy/settings.ini']);
  try {
    const staged = await runCli(['staged', repo, '--format', 'json']);
    const scanned = await runCli(['scan', repo, '--format', 'json']);
    const expected = fromHistory('deploy/settings.ini');
    expect(expected).toHaveLength(2);
    expect(fingerprintsOf(staged.stdout, 'deploy/settings.ini')).toEqual(expected);
    expect(fingerprintsOf(scanned.stdout, 'deploy/settings.ini')).toEqual(expected);
  } finally {
    execFileSync('git', ['-C', repo, 'reset', '-q', '--hard']);
  }
});

test('progress goes to stderr on a terminal only, and --quiet silences it', async () => {
  const repo = tree.path('repo');
  const onTerminal = await runCli(['history', repo, '--format', 'json'], { stderrTty: true });
  expect(onTerminal.stderr).toMatch(/keysweep: \d+ commits, \d+ blobs, [\d.]+ [KM]?B, [\d.]+ [KM]?B\/s/);
  expect(JSON.parse(onTerminal.stdout).findings).toHaveLength(19); // stdout stays a clean report

  const quiet = await runCli(['history', repo, '--format', 'json', '--quiet'], { stderrTty: true });
  expect(quiet.stderr).toBe('');
  const piped = await runCli(['history', repo, '--format', 'json']);
  expect(piped.stderr).toBe('');
});

test('--cache: when no ref has moved, a second sweep replays the first without walking a single tree', async () => {
  const copy = new TempTree();
  try {
    cpSync(tree.path('repo'), copy.path('repo'), { recursive: true });
    const repo = copy.path('repo');
    const cache = copy.path('cache');
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
    const strip = (stdout: string) => stdout.replace(/"durationMs": \d+/, '"durationMs": 0');
    const sweep = () => runCli(['history', repo, '--format', 'json', '--no-redact', '--cache', cache]);
    const first = await sweep();
    expect(strip(first.stdout)).toBe(strip(`${JSON.stringify(report, null, 2)}\n`));

    // Take away HEAD's root tree: a sweep that walked the history would have to read it.
    const root = git('rev-parse', 'HEAD^{tree}');
    const rootFile = path.join(repo, '.git', 'objects', root.slice(0, 2), root.slice(2));
    const rootBytes = readFileSync(rootFile);
    rmSync(rootFile);
    const replayed = await sweep();
    expect(replayed.stderr).toBe('');
    expect(replayed.code).toBe(exitCode);
    expect(strip(replayed.stdout)).toBe(strip(first.stdout));

    // A ref that moves (here: a new one) is new history: the sweep walks again, and meets the damage.
    git('update-ref', 'refs/heads/extra', 'HEAD~1');
    const walked = await sweep();
    expect(walked.stderr).toContain(`tree ${root}`);
    expect(walked.code).toBe(1);

    // The replay of that sweep reports its damage again; with the tree back but the snapshot damaged,
    // the snapshot is ignored and the sweep walks: no damage, and the same findings as a full sweep.
    expect((await sweep()).stderr).toContain(`tree ${root}`);
    writeFileSync(rootFile, rootBytes);
    const cacheFile = path.join(cache, readdirSync(cache)[0] as string);
    const [header, clean] = readFileSync(cacheFile, 'utf8').split('\n') as [string, string];
    const document = JSON.parse(header);
    const damaged = { ...document, snapshot: { ...document.snapshot, items: 'damaged' } };
    writeFileSync(cacheFile, `${JSON.stringify(damaged)}\n${clean}\n`);
    const afresh = await sweep();
    expect(afresh.stderr).toBe('');
    const full = await runCli(['history', repo, '--format', 'json', '--no-redact']);
    expect(strip(afresh.stdout)).toBe(strip(full.stdout));
  } finally {
    copy.remove();
  }
});

test('--cache: after a ref moves, the sweep walks again but does not read the blobs it found clean', async () => {
  const copy = new TempTree();
  try {
    cpSync(tree.path('repo'), copy.path('repo'), { recursive: true });
    const repo = copy.path('repo');
    const cache = copy.path('cache');
    const strip = (stdout: string) => stdout.replace(/"durationMs": \d+/, '"durationMs": 0');
    const first = await runCli(['history', repo, '--format', 'json', '--no-redact', '--cache', cache]);
    expect(strip(first.stdout)).toBe(strip(`${JSON.stringify(report, null, 2)}\n`));
    const [file] = readdirSync(cache);
    // the file: a header line (format, snapshot), then the clean blobs
    const clean = readFileSync(path.join(cache, file as string), 'utf8').split('\n')[1] as string;
    const entries = Object.keys(JSON.parse(clean));
    expect(entries.length).toBeGreaterThan(10);

    // A new ref: the next sweep cannot replay the last one (see the test above) and walks the history.
    execFileSync('git', ['-C', repo, 'update-ref', 'refs/heads/extra', 'HEAD']);
    const full = await runCli(['history', repo, '--format', 'json', '--no-redact']);
    expect(full.stdout).toContain('"refs/heads/extra"');
    // Remove a clean blob from the repository: a sweep that read it would warn about it.
    const readme = entries.find((entry) => entry.endsWith('\0README.md'))?.split('\0')[0] as string;
    rmSync(path.join(repo, '.git', 'objects', readme.slice(0, 2), readme.slice(2)));
    const second = await runCli(['history', repo, '--format', 'json', '--no-redact', '--cache', cache]);
    expect(second.stderr).toBe('');
    expect(strip(second.stdout)).toBe(strip(full.stdout));
    const uncached = await runCli(['history', repo, '--format', 'json']);
    expect(uncached.stderr).toMatch(/^keysweep: README\.md: blob [0-9a-f]{12} is missing\n$/);

    // Other rules, another cache: nothing is reused.
    const otherRules = await runCli([
      'history',
      repo,
      '--format',
      'json',
      '--cache',
      cache,
      '--max-file-size',
      '1MB',
    ]);
    expect(otherRules.stderr).toContain('README.md');
    expect(readdirSync(cache)).toHaveLength(2);
  } finally {
    copy.remove();
  }
});
