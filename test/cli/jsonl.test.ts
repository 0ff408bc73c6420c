import { existsSync, readFileSync } from 'node:fs';
import { run } from '../../src/cli/run';
import { FakeKeys } from '../support/fake-keys';
import { GitRepo } from '../support/git-repo';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/**
 * `--format jsonl`: a `finding` line per finding with the JSON report's fields, then a `summary` line
 * with the rest of the JSON report; written as the scan goes for a working tree (see
 * test/unit/engine/scan-stream.test.ts), with the baseline applied one finding at a time.
 */
const keys = new FakeKeys(43);
const pair = { id: keys.keyId(), secret: keys.secret() };
const loneIds = [keys.keyId(), keys.keyId()];
let tree: TempTree;

beforeEach(() => {
  tree = new TempTree();
  tree.write('.env', `AWS_ACCESS_KEY_ID=${pair.id}\nAWS_SECRET_ACCESS_KEY=${pair.secret}\n`);
  tree.write('src/app.ts', `const id = '${loneIds[0]}';\n`);
  tree.write('src/other.ts', `const id = '${loneIds[1]}';\n`);
});
afterEach(() => tree.remove());

interface Lines {
  findings: Record<string, unknown>[];
  summary: Record<string, unknown> & { stats: Record<string, unknown> };
}

function parseLines(text: string): Lines {
  const lines = text.split('\n');
  expect(lines.pop()).toBe(''); // every line ends with a newline, the last one too
  const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const summary = objects.pop() as Lines['summary'];
  expect(summary.type).toBe('summary');
  expect(objects.every((object) => object.type === 'finding')).toBe(true);
  return { findings: objects.map(({ type: _, ...rest }) => rest), summary };
}

const withoutDuration = (stats: Record<string, unknown>) => ({ ...stats, durationMs: 0 });

async function bothFormats(
  args: string[],
): Promise<{ json: Record<string, unknown>; lines: Lines; code: number }> {
  const json = await runCli([...args, '--format', 'json']);
  const jsonl = await runCli([...args, '--format', 'jsonl']);
  expect(jsonl.code).toBe(json.code);
  expect(jsonl.stderr).toBe(json.stderr);
  return { json: JSON.parse(json.stdout), lines: parseLines(jsonl.stdout), code: jsonl.code };
}

test('its lines hold what the JSON report holds: the findings, then the summary', async () => {
  const { json, lines, code } = await bothFormats(['scan', tree.root]);
  expect(code).toBe(1);
  expect(lines.findings).toEqual(json.findings);
  expect(lines.findings).toHaveLength(4);
  const { findings: _, stats, ...rest } = json as { findings: unknown; stats: Record<string, unknown> };
  const { type: __, stats: summaryStats, ...summaryRest } = lines.summary;
  expect(summaryRest).toEqual(rest);
  expect(withoutDuration(summaryStats)).toEqual(withoutDuration(stats));
});

test("a working tree's findings are written file by file, as the scan goes; other formats at the end", async () => {
  const writes = async (format: string) => {
    const chunks: string[] = [];
    const sink = { write: (text: string) => chunks.push(text) > 0, isTTY: false };
    await run(['scan', tree.root, '--format', format], {
      stdout: sink,
      stderr: sink,
      cwd: process.cwd(),
      env: {},
    });
    return chunks;
  };
  const chunks = await writes('jsonl');
  // .env (the pair), src/app.ts, src/other.ts, then the summary
  expect(chunks.map((chunk) => chunk.split('\n').length - 1)).toEqual([2, 1, 1, 1]);
  expect(await writes('json')).toHaveLength(1);
});

test('a baseline applies finding by finding: the same findings, suppressed count and stale entries', async () => {
  const created = await runCli(['baseline', 'create', tree.root, '--reason', 'accepted']);
  expect(created.code).toBe(0);
  tree.write('.env', 'rotated\n'); // the pair's two entries are now stale
  tree.write('src/new.ts', `const id = '${keys.keyId()}';\n`);
  const baseline = ['--baseline', tree.path('.keysweep-baseline.json')];
  const { json, lines, code } = await bothFormats(['scan', tree.root, ...baseline]);
  expect(code).toBe(1);
  expect(lines.findings).toEqual(json.findings);
  expect(lines.findings.map((finding) => finding.file)).toEqual(['src/new.ts']);
  expect(lines.summary.baseline).toEqual(json.baseline);
  expect((lines.summary.baseline as { stale: unknown[] }).stale).toHaveLength(2);
  expect((lines.summary.stats.suppressed as Record<string, number>).baseline).toBe(2);
});

test('the exit code follows --fail-on as for any format, from the findings written', async () => {
  // a key id without its secret is medium; nothing here is above it once the pair is gone
  tree.write('.env', 'rotated\n');
  expect((await runCli(['scan', tree.root, '--format', 'jsonl', '--fail-on', 'high'])).code).toBe(0);
  expect((await runCli(['scan', tree.root, '--format', 'jsonl', '--fail-on', 'medium'])).code).toBe(1);
});

test('--output gets the same lines; a path it cannot write is exit 2 naming it, before any scan', async () => {
  const stdout = parseLines((await runCli(['scan', tree.root, '--format', 'jsonl'])).stdout);
  const file = tree.path('report.jsonl');
  const written = await runCli([
    'scan',
    tree.root,
    '--format',
    'jsonl',
    '--output',
    file,
    '--exclude',
    'report.jsonl',
  ]);
  expect(written.code).toBe(1);
  expect(written.stdout).toBe('');
  expect(parseLines(readFileSync(file, 'utf8')).findings).toEqual(stdout.findings);

  const missing = tree.path('no/such/dir/report.jsonl');
  const failed = await runCli(['scan', tree.root, '--format', 'jsonl', '--output', missing]);
  expect(failed.code).toBe(2);
  expect(failed.stderr).toBe(`keysweep: ${missing}: cannot write report (ENOENT)\n`);
  expect(existsSync(missing)).toBe(false);
});

test('the files a run writes its reports to are never scanned, even inside the tree and unredacted', async () => {
  const files = async (args: string[]) => {
    const result = await runCli(['scan', tree.root, '--no-redact', ...args]);
    expect(result.code).toBe(1);
    return result;
  };
  // written as the scan goes: its own lines, secrets in full, would be findings of report.jsonl
  await files(['--format', 'jsonl', '--output', tree.path('report.jsonl')]);
  const lines = parseLines(readFileSync(tree.path('report.jsonl'), 'utf8'));
  expect(lines.findings.map((finding) => finding.file)).toEqual([
    '.env',
    '.env',
    'src/app.ts',
    'src/other.ts',
  ]);
  // a report this run replaces (here one of the previous run's, in full) is not scanned either
  const again = await files(['--format', 'json', '--report', `jsonl=${tree.path('report.jsonl')}`]);
  expect(JSON.parse(again.stdout).findings).toHaveLength(4);
});

test('--report jsonl=FILE writes it beside another format, from the same scan', async () => {
  const file = tree.path('extra.jsonl');
  const json = await runCli(['scan', tree.root, '--format', 'json', '--report', `jsonl=${file}`]);
  expect(parseLines(readFileSync(file, 'utf8')).findings).toEqual(JSON.parse(json.stdout).findings);
});

test('a history sweep writes its findings with their provenance, once the sweep is over', async () => {
  const repo = new GitRepo();
  try {
    repo.commit('add', { 'config.env': `KEY=${loneIds[0]}\n` });
    repo.commit('remove', {}, ['config.env']);
    const { json, lines } = await bothFormats(['history', repo.root]);
    expect(lines.findings).toEqual(json.findings);
    expect(lines.findings[0]).toMatchObject({ file: 'config.env', presentAtHead: false, commits: 1 });
  } finally {
    repo.remove();
  }
});
