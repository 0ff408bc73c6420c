import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BuiltHistory, buildHistory, type HistoryPlan } from '../../src/devtools/history-builder';
import { FakeKeys, mulberry32 } from '../support/fake-keys';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/**
 * `--jobs`: worker threads must not change a report by one byte. A worker thread cannot load the
 * TypeScript sources ts-jest runs (in-process, a scan never starts workers), so these tests spawn the
 * built CLI, lib/cli/main.js (`npm test` builds it first), on inputs large enough for the scan to start
 * workers, and check with NODE_DEBUG=worker that it did. Each input holds what must come out the same:
 * findings, skips of every kind, an unreadable file or a corrupt object, allowlisted paths and secrets.
 */
const PROJECT = path.resolve(__dirname, '..', '..');
const CLI = path.join(PROJECT, 'lib', 'cli', 'main.js');
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
/** Root reads every file whatever its mode, so the unreadable-file run drops to `nobody` when root. */
const AS_NOBODY = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

interface Run {
  readonly code: number | null;
  readonly report: string;
  readonly warnings: string[];
  readonly workers: number;
}

function runBuilt(args: readonly string[], cwd: string, asNobody = false): Run {
  const child = spawnSync(process.execPath, [CLI, ...args, '--format', 'json', '--no-redact'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_DEBUG: 'worker' },
    maxBuffer: 64 * 1024 * 1024,
    ...(asNobody ? AS_NOBODY : {}),
  });
  const stderr = child.stderr.split('\n');
  const report = JSON.parse(child.stdout);
  report.stats.durationMs = 0;
  return {
    code: child.status,
    report: JSON.stringify(report, null, 2),
    warnings: stderr.filter((line) => line.startsWith('keysweep:')),
    workers: stderr.filter((line) => / created Worker with ID \d+/.test(line)).length,
  };
}

/**
 * The same report, warnings and exit code for every --jobs, and workers started as asked for: one fewer
 * than `jobs`, as the main thread is one of them (it scans too, or walks a history's trees).
 */
function expectSameForEveryJobs(args: readonly string[], cwd: string, asNobody = false): Run {
  const single = runBuilt([...args, '--jobs', '1'], cwd, asNobody);
  expect(single.workers).toBe(0);
  for (const jobs of [2, 3]) {
    const parallel = runBuilt([...args, '--jobs', String(jobs)], cwd, asNobody);
    expect(parallel.workers).toBe(jobs - 1);
    expect(parallel.report).toBe(single.report);
    expect(parallel.warnings).toEqual(single.warnings);
    expect(parallel.code).toBe(single.code);
  }
  return single;
}

beforeAll(() => {
  if (!existsSync(path.join(PROJECT, 'lib', 'engine', 'scan-worker.js')))
    throw new Error('lib/ is not built: run `npm run build` (npm test does) before these tests');
});

/** Code-like filler lines from a seeded PRNG. */
function filler(random: () => number, lines: number): string {
  const words = ['const', 'value', 'return', 'bucket', 'region', 'client', 'await', 'config', 'items', 'map'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = 3 + Math.floor(random() * 8);
    const line = Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');
    out.push(`${'  '.repeat(Math.floor(random() * 3))}${line};`);
  }
  return `${out.join('\n')}\n`;
}

describe('a working tree of a few hundred files', () => {
  const tree = new TempTree();
  const keys = new FakeKeys(7);
  const random = mulberry32(7);

  beforeAll(() => {
    chmodSync(tree.root, 0o755);
    const allowedId = keys.keyId();
    tree.write('.keysweep.yaml', `allow:\n  paths: ["vendor/**"]\n  secrets: ["^${allowedId}$"]\n`);
    const shared = { id: keys.keyId(), secret: keys.secret() };
    for (let i = 0; i < 420; i++) {
      const dir = `src/d${String(i % 21).padStart(2, '0')}`;
      let text = filler(random, 5 + Math.floor(random() * 200));
      if (i % 23 === 0) {
        const id = keys.keyId();
        text += `aws_access_key_id = ${id}\naws_secret_access_key = ${keys.secret()}\n${filler(random, 20)}`;
      }
      if (i % 97 === 5) text += `AWS_ACCESS_KEY_ID=${shared.id}\nAWS_SECRET_ACCESS_KEY=${shared.secret}\n`;
      if (i === 200) text += `key_id = ${allowedId}\n`;
      if (i === 201) text += `aws_access_key_id = ${keys.keyId()} # keysweep:allow\n`;
      tree.write(`${dir}/file${i}.ts`, text);
    }
    tree.write('vendor/lib/settings.ini', `aws_access_key_id = ${keys.keyId()}\n`);
    const utf16 = `aws_access_key_id = ${keys.keyId()}\naws_secret_access_key = ${keys.secret()}\n`;
    tree.write(
      'windows/creds.ps1',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le')]),
    );
    tree.write(
      'assets/logo.png',
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), Buffer.alloc(4096, 7)]),
    );
    tree.write('data/huge.csv', `${filler(random, 6000)}aws_access_key_id = ${keys.keyId()}\n`);
    symlinkSync(tree.path('src/d00/file0.ts'), tree.path('src/link.ts'));
    tree.write('locked/deploy.env', `AWS_ACCESS_KEY_ID=${keys.keyId()}\n`);
    chmodSync(tree.path('locked/deploy.env'), 0o000);
  });
  afterAll(() => tree.remove());

  test('scan: the same report, byte for byte, with --jobs 1, 2 and 3', () => {
    // `. src/d01`: overlapping targets, so paths scanned twice must be reported once, as in one thread
    const single = expectSameForEveryJobs(
      ['scan', '.', 'src/d01', '--max-file-size', '128KB'],
      tree.root,
      true,
    );
    const report = JSON.parse(single.report);
    expect(report.stats.files).toBe(420 + 3); // + vendor/, windows/ and the config itself
    expect(report.stats.skipped).toEqual({ binary: 1, tooLarge: 1, unreadable: 1, symlink: 1, special: 0 });
    // allow-secret: in file200 and in the config that allowlists it
    expect(report.stats.suppressed).toMatchObject({ 'allow-path': 1, 'allow-secret': 2, 'allow-inline': 1 });
    expect(report.findings.length).toBeGreaterThan(30);
    expect(single.warnings).toEqual(['keysweep: locked/deploy.env: cannot read file (EACCES)']);
    expect(single.code).toBe(1);
  }, 60_000);

  test('scan without --jobs: a tree scanned in well under a second starts no worker, same report', () => {
    const args = ['scan', '.', 'src/d01', '--max-file-size', '128KB'];
    const byDefault = runBuilt(args, tree.root, true);
    expect(byDefault.workers).toBe(0);
    expect(byDefault.report).toBe(runBuilt([...args, '--jobs', '1'], tree.root, true).report);
  }, 60_000);
});

describe('a history with a few hundred blobs', () => {
  const tree = new TempTree();
  let built: BuiltHistory;
  let corrupted: string;

  beforeAll(async () => {
    const fixture: HistoryPlan = JSON.parse(
      readFileSync(path.join(PROJECT, 'fixtures', 'history', 'plan.json'), 'utf8'),
    );
    // A large import early on, so that the fixture's own cases come after the workers have started.
    const random = mulberry32(11);
    const write: Record<string, string> = {};
    for (let i = 0; i < 320; i++) {
      let text = filler(random, 5 + Math.floor(random() * 120));
      if (i % 40 === 3) text += `aws_access_key_id = {{fake:aws-key-id:${100 + i}}}\n`;
      if (i % 40 === 3) text += `aws_secret_access_key = {{fake:aws-secret:${100 + i}}}\n`;
      write[`generated/m${i % 16}/part${i}.js`] = text;
    }
    const [first, ...rest] = fixture.steps;
    const plan: HistoryPlan = {
      steps: [
        first as HistoryPlan['steps'][number],
        { commit: 'Import the generated modules', write },
        ...rest,
      ],
    };
    const repo = tree.path('repo');
    built = await buildHistory(repo, plan);
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: GIT_ENV }).trim();
    // Packed, as in a clone (delta chains, read by each worker's own object store), then one more commit
    // whose blob is a corrupt loose object.
    git('repack', '-adq');
    writeFileSync(path.join(repo, 'late-notes.txt'), 'notes written after the import\n');
    git('add', 'late-notes.txt');
    git('-c', 'user.name=T', '-c', 'user.email=t@keysweep.invalid', 'commit', '-qm', 'Add late notes');
    corrupted = git('rev-parse', 'HEAD:late-notes.txt');
    const file = path.join(repo, '.git', 'objects', corrupted.slice(0, 2), corrupted.slice(2));
    chmodSync(file, 0o644);
    writeFileSync(file, 'this is not zlib data');
  }, 60_000);
  afterAll(() => tree.remove());

  test('history: the same report, byte for byte, with --jobs 1, 2 and 3', () => {
    const single = expectSameForEveryJobs(['history', 'repo'], tree.root);
    const report = JSON.parse(single.report);
    expect(report.stats.skipped).toMatchObject({ binary: 1, unreadable: 1 });
    expect(single.warnings).toHaveLength(1);
    expect(single.warnings[0]).toContain(`object ${corrupted}`);
    const generated = report.findings.filter((finding: { file: string }) =>
      finding.file.startsWith('generated/'),
    );
    expect(generated).toHaveLength(16);
    expect(report.findings.length).toBe(19 + 16);
    expect(built.commits['Import the generated modules']).toBeDefined();
  }, 60_000);

  test('history --cache: the same blobs remembered, and the same report from the cache, for any --jobs', () => {
    const full = runBuilt(['history', 'repo', '--jobs', '1'], tree.root).report;
    const cacheOf = (dir: string) => {
      const [file] = readdirSync(tree.path(dir)).filter((name) => name.endsWith('.json'));
      // the file: a header line (format, snapshot), then the clean blobs
      const clean = JSON.parse(readFileSync(tree.path(`${dir}/${file}`), 'utf8').split('\n')[1] as string);
      return Object.entries(clean).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    };
    for (const jobs of ['1', '3']) {
      const first = runBuilt(['history', 'repo', '--jobs', jobs, '--cache', `cache-${jobs}`], tree.root);
      expect(first.workers).toBe(jobs === '1' ? 0 : 2);
      expect(first.report).toBe(full);
      // read from the cache: the clean blobs are not read again, and the report is still the same
      const again = runBuilt(['history', 'repo', '--jobs', jobs, '--cache', `cache-${jobs}`], tree.root);
      expect(again.report).toBe(full);
    }
    expect(cacheOf('cache-3')).toEqual(cacheOf('cache-1'));
    expect(cacheOf('cache-1').length).toBeGreaterThan(300);
  }, 60_000);
});

describe('a history of many objects and few blobs', () => {
  const tree = new TempTree();

  beforeAll(() => {
    // 2,600 commits that each rename one file, whose content is one of two blobs: over 5,000 objects
    // (a commit and a root tree each), which start the workers before the commits are read, though two
    // blobs to read would never start them.
    const keys = new FakeKeys(5);
    const contents = [`aws_access_key_id = ${keys.keyId()}\n`, 'nothing to see\n'];
    const stream: string[] = [];
    for (let i = 0; i < 2600; i++) {
      const body = contents[i % 2] as string;
      stream.push('commit refs/heads/main', `committer T <t@keysweep.invalid> ${1_700_000_000 + i} +0000`);
      stream.push('data 6', 'rename');
      if (i > 0) stream.push(`D file-${i - 1}.txt`);
      stream.push(`M 100644 inline file-${i}.txt`, `data ${Buffer.byteLength(body)}`, body);
    }
    const repo = tree.path('repo');
    execFileSync('git', ['init', '-q', repo], { env: GIT_ENV });
    execFileSync('git', ['-C', repo, 'fast-import', '--quiet'], {
      input: `${stream.join('\n')}\n`,
      env: GIT_ENV,
    });
  }, 60_000);
  afterAll(() => tree.remove());

  test('history: workers started early, and the same report as in one thread', () => {
    const single = expectSameForEveryJobs(['history', 'repo'], tree.root);
    const report = JSON.parse(single.report);
    expect(report.stats.commits).toBe(2600);
    expect(report.stats.files).toBe(2);
    expect(report.findings).toHaveLength(1);
  }, 60_000);
});

describe('--jobs is a whole number of at least 1', () => {
  const tree = new TempTree();
  beforeAll(() => tree.write('a.txt', 'nothing here\n'));
  afterAll(() => tree.remove());

  test.each(['0', 'x', '1.5', '-2', ''])('--jobs "%s": exit 2 with one line', async (value) => {
    for (const command of ['scan', 'history']) {
      const { code, stdout, stderr } = await runCli([command, tree.root, '--jobs', value]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `keysweep: --jobs: "${value}" is not a whole number of at least 1 (run "keysweep --help" for usage)\n`,
      );
    }
  });

  test('a small scan with --jobs 4 starts no worker', () => {
    const run = runBuilt(['scan', '.', '--jobs', '4'], tree.root);
    expect(run.workers).toBe(0);
    expect(run.code).toBe(0);
  });
});
