import { spawnSync } from 'node:child_process';
import fs, { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { FakeKeys } from '../support/fake-keys';
import { GitRepo } from '../support/git-repo';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/**
 * The bad-input matrix (reliability issue, item 1): hostile or merely odd inputs, each asserting the exact
 * behaviour — the run completes, nothing crashes or hangs, the exit code, one clear line for fatal cases,
 * and every skipped item counted by reason. README.md "Reliability" lists every case with its test,
 * including the ones asserted elsewhere (test/cli, test/git, fixtures/cases).
 *
 * Cases that could hang or need a real process (peak memory, synchronous reads of a FIFO) run the built
 * binary, lib/cli/main.js (`npm run build`; `npm test` builds it first), with a timeout; the rest run
 * in-process.
 */
const keys = new FakeKeys(97);

interface Finding {
  file: string;
  line: number;
  column: number;
  endColumn: number;
  ruleId: string;
  secret: string;
  credential?: string;
  credentialKind?: string;
  refs?: string[];
  refsTruncated?: boolean;
  commits?: number;
}
interface Report {
  findings: Finding[];
  warnings: { path?: string; message: string }[];
  stats: {
    files: number;
    bytes: number;
    skipped: Record<'binary' | 'tooLarge' | 'unreadable' | 'symlink' | 'special', number>;
    commits?: number;
  };
}

const NO_SKIPS = { binary: 0, tooLarge: 0, unreadable: 0, symlink: 0, special: 0 };

async function scanJson(
  root: string,
  ...args: string[]
): Promise<{ code: number; stderr: string; report: Report }> {
  const result = await runCli(['scan', root, '--format', 'json', ...args]);
  return { code: result.code, stderr: result.stderr, report: JSON.parse(result.stdout) };
}

/** [file, line, column, endColumn, ruleId] of every finding, in report order. */
const places = (report: Report) =>
  report.findings.map((f) => [f.file, f.line, f.column, f.endColumn, f.ruleId] as const);

const envPair = (id: string, secret: string, eol = '\n') =>
  `AWS_ACCESS_KEY_ID=${id}${eol}AWS_SECRET_ACCESS_KEY=${secret}${eol}`;

/**
 * Every path fs.open*, fs.readFile* and fs.createReadStream are called with, in this thread, while `body`
 * runs. Reads in worker threads would not be seen, so each use also checks that a file which was scanned
 * does show up.
 */
async function opened<T>(body: () => Promise<T>): Promise<{ result: T; paths: string[] }> {
  const paths: string[] = [];
  const note = (file: unknown) => {
    paths.push(Buffer.isBuffer(file) ? file.toString('latin1') : String(file));
  };
  const spies = [
    spyOn(fs.promises, 'open', note),
    spyOn(fs.promises, 'readFile', note),
    spyOn(fs, 'openSync', note),
    spyOn(fs, 'readFileSync', note),
    spyOn(fs, 'createReadStream', note),
    spyOn(fs, 'open', note),
    spyOn(fs, 'readFile', note),
  ];
  try {
    return { result: await body(), paths };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: a spy that forwards whatever the real function takes
function spyOn(target: any, name: string, note: (file: unknown) => void): jest.SpyInstance {
  const real = target[name];
  return jest.spyOn(target, name).mockImplementation((...args: unknown[]) => {
    note(args[0]);
    return real.apply(target, args);
  });
}

// ---- The built binary, for the cases that need a real process -------------------------------------------

const BINARY = path.join(__dirname, '..', '..', 'lib', 'cli', 'main.js');

interface BinaryRun {
  status: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the keysweep process, in bytes. */
  peakRss: number;
}

/**
 * Runs `node lib/cli/main.js ARGS` with a timeout, killing it (SIGKILL) when the time is up. Peak RSS comes
 * from process.resourceUsage().maxRSS (kilobytes), written by a --require hook as the process exits: the
 * same figure as GNU time's %M, but with no process in between that a timeout would kill instead of
 * keysweep (an orphan left blocked on a FIFO).
 */
function runBinary(args: readonly string[], options: { cwd: string; timeoutMs: number }): BinaryRun {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run "npm run build" first`);
  const scratch = new TempTree();
  try {
    const rssFile = scratch.path('peak-rss');
    const hook = scratch.write(
      'peak-rss.js',
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
    );
    const command = process.execPath;
    const argv = ['--require', hook, BINARY, ...args];
    const result = spawnSync(command, argv, {
      cwd: options.cwd,
      encoding: 'utf8',
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1' },
    });
    const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    const rss = existsSync(rssFile) ? readFileSync(rssFile, 'utf8') : undefined;
    return {
      status: result.status,
      timedOut,
      stdout: result.stdout ?? '',
      stderr: result.stderr ?? '',
      peakRss: Number(rss ?? Number.NaN) * 1024,
    };
  } finally {
    scratch.remove();
  }
}

const MB = 1024 * 1024;

// ---- 1, 2: binary and oversized files ---------------------------------------------------------------------

describe('binary and oversized files', () => {
  let tree: TempTree;
  const id = keys.keyId();
  beforeAll(() => {
    tree = new TempTree();
    const line = Buffer.from(`AWS_ACCESS_KEY_ID=${id}\n`);
    const padded = (nulAt: number) => {
      const bytes = Buffer.alloc(nulAt + 1 + line.length, 'x');
      bytes[nulAt] = 0;
      line.copy(bytes, nulAt + 1);
      return bytes;
    };
    // the key first, the NUL after it: the whole file is still binary
    tree.write('key-then-nul.bin', Buffer.concat([line, Buffer.from([0, 1, 2, 0xff])]));
    tree.write('nul-in-last-sniffed-byte.bin', padded(8191)); // byte 8191: inside the first 8 KiB
    tree.write('nul-after-sniff-window.txt', padded(8192)); // byte 8192: outside it, so text
  });
  afterAll(() => tree.remove());

  test('1. a key inside a binary file is not reported; the file is counted as binary (NUL in the first 8 KiB)', async () => {
    const { code, stderr, report } = await scanJson(tree.root);
    expect(stderr).toBe('');
    expect(report.stats.skipped).toEqual({ ...NO_SKIPS, binary: 2 });
    expect(report.stats.files).toBe(1);
    // a NUL one byte past the sniffed window does not make a file binary: its key is found
    expect(places(report)).toEqual([['nul-after-sniff-window.txt', 1, 8212, 8232, 'aws.access-key-id']]);
    expect(code).toBe(1);
    const text = await runCli(['scan', tree.root]);
    expect(text.stdout).toContain('skipped: 2 binary\n');
  });

  test('2. a file over --max-file-size is counted as tooLarge; one of exactly that size is scanned', async () => {
    const sized = new TempTree();
    try {
      const body = `AWS_ACCESS_KEY_ID=${id}\n`;
      sized.write('exact.env', body);
      sized.write('over.env', `${body}#`);
      const { code, stderr, report } = await scanJson(sized.root, '--max-file-size', String(body.length));
      expect(stderr).toBe('');
      expect(code).toBe(1);
      expect(places(report)).toEqual([['exact.env', 1, 19, 39, 'aws.access-key-id']]);
      expect(report.stats.skipped).toEqual({ ...NO_SKIPS, tooLarge: 1 });
      expect(report.stats.files).toBe(1);
      expect(report.stats.bytes).toBe(body.length);
      expect((await runCli(['scan', sized.root, '--max-file-size', `${body.length}B`])).stdout).toContain(
        'skipped: 1 too large\n',
      );
    } finally {
      sized.remove();
    }
  });
});

// ---- 3: one huge minified line ------------------------------------------------------------------------------

test('3. a 50 MB single-line minified file: the key at its very end is found at the right column, in bounded memory', () => {
  const tree = new TempTree();
  try {
    const id = keys.keyId();
    const chunk = 'var a=function(b){return b+1},c=[1,2,3].map(a);';
    const body = chunk.repeat(Math.ceil((50 * MB) / chunk.length));
    tree.write('dist/app.min.js', `${body}var k="${id}";`);

    const big = runBinary(['scan', tree.root, '--format', 'json', '--max-file-size', '64MB'], {
      cwd: tree.root,
      timeoutMs: 60_000,
    });
    expect(big.timedOut).toBe(false);
    expect(big.stderr).toBe('');
    expect(big.status).toBe(1);
    const report: Report = JSON.parse(big.stdout);
    const column = body.length + 'var k="'.length + 1;
    expect(places(report)).toEqual([['dist/app.min.js', 1, column, column + 20, 'aws.access-key-id']]);
    expect(report.stats.bytes).toBe(body.length + 9 + id.length);
    expect(big.peakRss).toBeLessThan(300 * MB); // measured ~160 MB

    // under the default 10 MiB limit the same file is skipped and counted, never read
    const skipped = runBinary(['scan', tree.root, '--format', 'json'], { cwd: tree.root, timeoutMs: 30_000 });
    expect(skipped.status).toBe(0);
    expect(JSON.parse(skipped.stdout).stats.skipped).toEqual({ ...NO_SKIPS, tooLarge: 1 });
  } finally {
    tree.remove();
  }
}, 120_000);

// ---- 4, 5, 6: encodings and line endings --------------------------------------------------------------------

test('4. invalid UTF-8 around a key: the key is still found at its line, columns count each U+FFFD', async () => {
  const tree = new TempTree();
  try {
    const id = keys.keyId();
    const secret = keys.secret();
    const bytes = (...parts: (string | number[])[]) =>
      Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));
    tree.write(
      'broken.env',
      bytes(
        '# ', // (not at the very start: FF FE there is a UTF-16LE byte-order mark)
        [0xff, 0xfe, 0x0a], // line 1: two bytes that never occur in UTF-8
        'caf',
        [0xe9, 0x0a], // line 2: Latin-1 "é"
        [0xed, 0xa0, 0x80], // line 3: an encoded surrogate (3 × U+FFFD)
        [0xc0, 0xaf], // an overlong "/" (2 × U+FFFD)
        ' ',
        [0xe2, 0x82], // a truncated 3-byte sequence (1 × U+FFFD) right before the key
        `AWS_ACCESS_KEY_ID=${id}`,
        [0x80, 0x0a], // a lone continuation byte right after it
        [0xf0, 0x9f, 0x98], // line 4: a truncated 4-byte sequence (1 × U+FFFD)
        `AWS_SECRET_ACCESS_KEY=${secret}`,
        [0xf8, 0x0a],
      ),
    );
    const { code, stderr, report } = await scanJson(tree.root);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(places(report)).toEqual([
      ['broken.env', 3, 3 + 2 + 1 + 1 + 18 + 1, 3 + 2 + 1 + 1 + 18 + 21, 'aws.access-key-id'],
      ['broken.env', 4, 1 + 22 + 1, 1 + 22 + 41, 'aws.secret-access-key'],
    ]);
    expect(report.stats.skipped).toEqual(NO_SKIPS);
  } finally {
    tree.remove();
  }
});

test('5. UTF-16LE and UTF-16BE text with a BOM: keys found at the right line and column (UTF-16 code units)', async () => {
  const tree = new TempTree();
  try {
    const id = keys.keyId();
    const secret = keys.secret();
    // "é" is one code unit, "😀" two: the column of the key on line 2 is 2 + 1 + 18 + 1
    const text = `# café\r\n😀 AWS_ACCESS_KEY_ID=${id}\r\nAWS_SECRET_ACCESS_KEY=${secret}\r\n`;
    const le = Buffer.from(text, 'utf16le');
    tree.write('le.ps1', Buffer.concat([Buffer.from([0xff, 0xfe]), le]));
    tree.write('be.ps1', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]));
    tree.write('no-bom.ps1', le); // without a BOM: NUL bytes, so binary (the documented heuristic)
    const { code, stderr, report } = await scanJson(tree.root);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const expected = (file: string) => [
      [file, 2, 22, 42, 'aws.access-key-id'],
      [file, 3, 23, 63, 'aws.secret-access-key'],
    ];
    expect(places(report)).toEqual([...expected('be.ps1'), ...expected('le.ps1')]);
    expect(report.findings.every((f) => f.secret.length === 20 || f.secret.length === 40)).toBe(true);
    expect(report.stats.skipped).toEqual({ ...NO_SKIPS, binary: 1 });
    expect(report.stats.files).toBe(2);
  } finally {
    tree.remove();
  }
});

test('6. LF, CRLF, CR-only and mixed line endings: each key of the pair at its line and column, paired', async () => {
  const tree = new TempTree();
  try {
    const id = keys.keyId();
    const secret = keys.secret();
    for (const [file, eol] of [
      ['lf.env', '\n'],
      ['crlf.env', '\r\n'],
      ['cr.env', '\r'],
    ] as const)
      tree.write(file, `# header${eol}${envPair(id, secret, eol)}`);
    // CRLF, then CR, then LF, then an LF and a CRLF (an empty line 4), and a CR at the very end
    tree.write('mixed.env', `# a\r\n# b\rAWS_ACCESS_KEY_ID=${id}\n\r\nAWS_SECRET_ACCESS_KEY=${secret}\r`);
    const { code, stderr, report } = await scanJson(tree.root, '--no-redact');
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const pair = (file: string, idLine: number, secretLine: number) => [
      [file, idLine, 19, 39, 'aws.access-key-id'],
      [file, secretLine, 23, 63, 'aws.secret-access-key'],
    ];
    expect(places(report)).toEqual([
      ...pair('cr.env', 2, 3),
      ...pair('crlf.env', 2, 3),
      ...pair('lf.env', 2, 3),
      ...pair('mixed.env', 3, 5),
    ]);
    expect(report.findings.map((f) => f.secret)).toEqual(Array(4).fill([id, secret]).flat());
    // each file's id and secret are reported as one long-term key pair
    for (const file of ['cr.env', 'crlf.env', 'lf.env', 'mixed.env']) {
      const [idFinding, secretFinding] = report.findings.filter((f) => f.file === file);
      expect(idFinding?.credentialKind).toBe('aws.long-term-key');
      expect(secretFinding?.credentialKind).toBe('aws.long-term-key');
      expect(idFinding?.credential).toEqual(expect.any(String));
      expect(secretFinding?.credential).toBe(idFinding?.credential);
    }
    expect(report.stats.skipped).toEqual(NO_SKIPS);
    expect(report.stats.files).toBe(4);
  } finally {
    tree.remove();
  }
});

// ---- 7: special files -------------------------------------------------------------------------------------------

/** Runs a command that must succeed (mkfifo, mknod), failing the test with its stderr otherwise. */
function mustRun(command: string, ...args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')}: ${result.error?.message ?? result.stderr}`);
}

describe('special files', () => {
  test('7. a FIFO, a socket and a character device are never opened and are counted as special; the key beside them is found', async () => {
    const tree = new TempTree();
    const server = net.createServer();
    try {
      const id = keys.keyId();
      const normal = tree.write('keys.env', `AWS_ACCESS_KEY_ID=${id}\n`);
      const specials = ['pipe', 'sock', 'null-device'].map((name) => tree.path(name));
      mustRun('mkfifo', tree.path('pipe'));
      // the socket stays bound (its file present) while the scan runs: closing the server removes it
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(tree.path('sock'), resolve);
      });
      mustRun('mknod', tree.path('null-device'), 'c', '1', '3');
      expect(
        specials
          .map((file) => fs.lstatSync(file))
          .map((s) => [s.isFIFO(), s.isSocket(), s.isCharacterDevice()]),
      ).toEqual([
        [true, false, false],
        [false, true, false],
        [false, false, true],
      ]);

      const { result, paths } = await opened(() => scanJson(tree.root, '--jobs', '1'));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(1);
      expect(places(result.report)).toEqual([['keys.env', 1, 19, 39, 'aws.access-key-id']]);
      expect(result.report.stats.skipped).toEqual({ ...NO_SKIPS, special: 3 });
      expect(result.report.stats.files).toBe(1);
      expect(paths).toContain(normal); // the spy sees this thread's reads
      for (const special of specials) expect(paths).not.toContain(special);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      tree.remove();
    }
  });

  // These run the binary: a blocking read of a FIFO with no writer would hang the test process itself.
  const fifoScan = (tree: TempTree) =>
    runBinary(['scan', tree.root, '--format', 'json'], { cwd: tree.root, timeoutMs: 20_000 });
  /** The scan completes (no hang) and reports the key in a.env, and nothing else. */
  const scanFindsOnlyAEnv = (tree: TempTree): Report => {
    const run = fifoScan(tree);
    expect(run.timedOut).toBe(false);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report: Report = JSON.parse(run.stdout);
    expect(places(report)).toEqual([['a.env', 1, 19, 39, 'aws.access-key-id']]);
    return report;
  };

  test('7. a FIFO named .gitignore (no writer) is treated as absent: the scan completes and finds the key', () => {
    // ignore files are read only in a repository
    const repo = new GitRepo();
    try {
      repo.write('a.env', `AWS_ACCESS_KEY_ID=${keys.keyId()}\n`);
      // a regular .gitignore below it still applies (its rules build on the root's)
      repo.write('sub/.gitignore', 'ignored.env\n');
      repo.write('sub/ignored.env', `AWS_ACCESS_KEY_ID=${keys.keyId()}\n`);
      mustRun('mkfifo', repo.path('.gitignore'));
      const report = scanFindsOnlyAEnv(repo);
      // the FIFO itself is in the tree, and is counted like any other
      expect(report.stats.skipped).toEqual({ ...NO_SKIPS, special: 1 });
      expect(report.stats.files).toBe(2); // a.env and sub/.gitignore
    } finally {
      repo.remove();
    }
  }, 30_000);

  test('7. a FIFO at .git/info/exclude (no writer) is treated as absent: the scan completes and finds the key', () => {
    const repo = new GitRepo();
    try {
      repo.write('a.env', `AWS_ACCESS_KEY_ID=${keys.keyId()}\n`);
      fs.rmSync(repo.path('.git/info/exclude'), { force: true });
      mustRun('mkfifo', repo.path('.git/info/exclude'));
      const report = scanFindsOnlyAEnv(repo);
      expect(report.stats.skipped).toEqual(NO_SKIPS);
    } finally {
      repo.remove();
    }
  }, 30_000);

  test('7. FIFOs in .git (packed-refs, a loose ref) do not hang a history sweep: they hold no refs', () => {
    const repo = new GitRepo();
    try {
      repo.commit('add key', { 'a.env': `AWS_ACCESS_KEY_ID=${keys.keyId()}\n` });
      fs.rmSync(repo.path('.git/packed-refs'), { force: true });
      mustRun('mkfifo', repo.path('.git/packed-refs'));
      mustRun('mkfifo', repo.path('.git/refs/heads/fifo'));
      const run = runBinary(['history', repo.root, '--format', 'json', '--quiet'], {
        cwd: repo.root,
        timeoutMs: 20_000,
      });
      expect(run.timedOut).toBe(false);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(1);
      const report: Report = JSON.parse(run.stdout);
      expect(places(report)).toEqual([['a.env', 1, 19, 39, 'aws.access-key-id']]);
      expect(report.findings[0]?.refs).toEqual(['HEAD', 'refs/heads/main']);
    } finally {
      repo.remove();
    }
  }, 30_000);

  test('7. a FIFO named .keysweep.yaml (no writer) is exit 2 with one line naming it, not a hang', () => {
    const tree = new TempTree();
    try {
      tree.write('a.env', `AWS_ACCESS_KEY_ID=${keys.keyId()}\n`);
      mustRun('mkfifo', tree.path('.keysweep.yaml'));
      const run = fifoScan(tree);
      expect(run.timedOut).toBe(false);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe('keysweep: .keysweep.yaml: cannot read config (not a regular file)\n');
    } finally {
      tree.remove();
    }
  }, 30_000);
});

// ---- 8: symlinks ----------------------------------------------------------------------------------------------

test('8. symlinks (a loop, a broken one, one to the parent directory, one to a key outside the root) are never followed', async () => {
  const tree = new TempTree();
  const outside = new TempTree();
  try {
    const insideId = keys.keyId();
    const outsideId = keys.keyId();
    const inside = tree.write('inside.env', `AWS_ACCESS_KEY_ID=${insideId}\n`);
    const target = outside.write('outside.env', `AWS_ACCESS_KEY_ID=${outsideId}\n`);
    fs.symlinkSync('b', tree.path('a')); // a -> b -> a
    fs.symlinkSync('a', tree.path('b'));
    fs.symlinkSync('nowhere', tree.path('broken'));
    fs.mkdirSync(tree.path('dir'));
    fs.symlinkSync('..', tree.path('dir/up'));
    fs.symlinkSync(target, tree.path('leak.env'));

    const { result, paths } = await opened(() => scanJson(tree.root, '--no-redact', '--jobs', '1'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(places(result.report)).toEqual([['inside.env', 1, 19, 39, 'aws.access-key-id']]);
    expect(result.report.findings.map((f) => f.secret)).toEqual([insideId]);
    // one per link: the loop is two of them
    expect(result.report.stats.skipped).toEqual({ ...NO_SKIPS, symlink: 5 });
    expect(result.report.stats.files).toBe(1);
    expect(paths).toContain(inside);
    expect(paths).not.toContain(target);
    expect(paths).not.toContain(tree.path('leak.env'));
  } finally {
    tree.remove();
    outside.remove();
  }
});

// ---- 9: a huge directory ----------------------------------------------------------------------------------------

describe('a directory of 100,000 small files', () => {
  const FILES = 100_000;
  const DIRS = 10;
  let tree: TempTree;
  const id = keys.keyId();
  beforeAll(() => {
    tree = new TempTree();
    for (let d = 0; d < DIRS; d++) {
      const dir = tree.path(`d${d}`);
      fs.mkdirSync(dir);
      for (let i = 0; i < FILES / DIRS; i++)
        fs.writeFileSync(path.join(dir, `f${String(i).padStart(5, '0')}.txt`), `line ${i}\n`);
    }
    fs.writeFileSync(tree.path('d7/f04242.txt'), `x = 1\nAWS_ACCESS_KEY_ID=${id}\n`);
  }, 120_000);
  afterAll(() => tree.remove(), 120_000);

  test('9. every file is scanned, the one key found, in bounded memory', () => {
    const run = runBinary(['scan', tree.root, '--format', 'json', '--no-redact'], {
      cwd: tree.root,
      timeoutMs: 100_000,
    });
    expect(run.timedOut).toBe(false);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report: Report = JSON.parse(run.stdout);
    expect(places(report)).toEqual([['d7/f04242.txt', 2, 19, 39, 'aws.access-key-id']]);
    expect(report.findings[0]?.secret).toBe(id);
    expect(report.stats.files).toBe(FILES);
    expect(report.stats.skipped).toEqual(NO_SKIPS);
    expect(run.peakRss).toBeLessThan(300 * MB);
  }, 120_000);
});

// ---- 10: file names -----------------------------------------------------------------------------------------------

describe('file names with a space, a newline, a terminal escape and bytes that are not UTF-8', () => {
  let tree: TempTree;
  const ids = { space: keys.keyId(), newline: keys.keyId(), escape: keys.keyId(), bytes: keys.keyId() };
  const NAMES = { space: 'with space.env', newline: 'new\nline.env', escape: '\x1b[31mred\x1b[0m.env' };
  beforeAll(() => {
    tree = new TempTree();
    for (const [which, name] of Object.entries(NAMES))
      tree.write(name, `AWS_ACCESS_KEY_ID=${ids[which as keyof typeof NAMES]}\n`);
    // f 0xFF 0xFE .env: never valid UTF-8
    const bytesName = Buffer.concat([
      Buffer.from(`${tree.root}/`),
      Buffer.from([0x66, 0xff, 0xfe, 0x2e, 0x65, 0x6e, 0x76]),
    ]);
    fs.writeFileSync(bytesName, `AWS_ACCESS_KEY_ID=${ids.bytes}\n`);
    expect(fs.readdirSync(tree.root)).toHaveLength(4);
  });
  afterAll(() => tree.remove());

  test('10. every key is found; JSON gives the exact names; nothing is unreadable', async () => {
    const { code, stderr, report } = await scanJson(tree.root, '--no-redact');
    expect(stderr).toBe('');
    expect(report.warnings).toEqual([]);
    expect(report.stats.skipped).toEqual(NO_SKIPS);
    expect(report.stats.files).toBe(4);
    expect(code).toBe(1);
    const bySecret = new Map(report.findings.map((f) => [f.secret, [f.file, f.line, f.column, f.ruleId]]));
    expect(bySecret.size).toBe(4);
    expect(bySecret.get(ids.space)).toEqual([NAMES.space, 1, 19, 'aws.access-key-id']);
    expect(bySecret.get(ids.newline)).toEqual([NAMES.newline, 1, 19, 'aws.access-key-id']);
    expect(bySecret.get(ids.escape)).toEqual([NAMES.escape, 1, 19, 'aws.access-key-id']);
    // read by its bytes, shown with each byte that is not UTF-8 as \xNN
    expect(bySecret.get(ids.bytes)).toEqual(['f\\xff\\xfe.env', 1, 19, 'aws.access-key-id']);
  });

  test('10. the text report shows control characters in names escaped, never raw', async () => {
    const { code, stdout, stderr } = await runCli(['scan', tree.root]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    for (const output of [stdout, stderr]) {
      expect(output).not.toContain('\x1b');
      expect(output).not.toContain('new\nline');
    }
    const lines = stdout.split('\n');
    const shown = (place: string) => lines.filter((line) => line.startsWith(`${place} `));
    expect(shown('"\\u001b[31mred\\u001b[0m.env":1:19')).toHaveLength(1);
    expect(shown('"new\\nline.env":1:19')).toHaveLength(1);
    expect(shown('with space.env:1:19')).toHaveLength(1);
    expect(shown('f\\xff\\xfe.env:1:19')).toHaveLength(1);
    expect(lines.filter((line) => /^\S.*:1:19 +medium +aws\.access-key-id /.test(line))).toHaveLength(4);
    expect(stdout).toContain('\n4 findings in 4 files (4 medium); scanned 4 files (');
    expect(stdout).not.toContain('skipped:');
  });
});

// ---- 11, 12: odd repositories -------------------------------------------------------------------------------------

test('11. an empty repository (no commits): history, staged and scan are clean; a range is one line, no shallow-clone hint', async () => {
  const repo = new GitRepo();
  try {
    const json = async (...args: string[]) => {
      const { code, stdout, stderr } = await runCli([...args, '--format', 'json'], { cwd: repo.root });
      return { code, stderr, report: JSON.parse(stdout) as Report };
    };
    const history = await json('history', '.');
    expect(history.stderr).toBe('');
    expect(history.code).toBe(0);
    expect(history.report.findings).toEqual([]);
    expect(history.report.stats.commits).toBe(0);
    expect(history.report.stats.files).toBe(0);
    expect(history.report.stats.skipped).toEqual(NO_SKIPS);

    const staged = await json('staged', '.');
    expect(staged.stderr).toBe('');
    expect(staged.code).toBe(0);
    expect(staged.report.findings).toEqual([]);
    expect(staged.report.stats.files).toBe(0);

    const scan = await json('scan', '.');
    expect(scan.stderr).toBe('');
    expect(scan.code).toBe(0);
    expect(scan.report.findings).toEqual([]);
    expect(scan.report.stats.files).toBe(0);

    const range = await runCli(['range', 'HEAD~1..HEAD'], { cwd: repo.root });
    expect(range.code).toBe(2);
    expect(range.stdout).toBe('');
    expect(range.stderr).toBe('keysweep: HEAD~1: not found: this repository has no commits yet\n');
  } finally {
    repo.remove();
  }
});

test('12. 3,000 packed refs at one commit: the finding lists 10 refs and says there are more, in bounded memory', () => {
  const repo = new GitRepo();
  try {
    const sha = repo.commit('add key', { 'a.env': envPair(keys.keyId(), keys.secret()) });
    repo.git('branch', 'loose-branch'); // loose refs beside the packed ones
    repo.git('tag', 'loose-tag');
    const names = [
      ...Array.from({ length: 1500 }, (_, i) => `refs/heads/b${String(i + 1).padStart(4, '0')}`),
      ...Array.from({ length: 1500 }, (_, i) => `refs/tags/t${String(i + 1).padStart(4, '0')}`),
    ].sort();
    repo.write(
      '.git/packed-refs',
      `# pack-refs with: peeled fully-peeled sorted \n${names.map((name) => `${sha} ${name}\n`).join('')}`,
    );
    expect(repo.git('show-ref').split('\n')).toHaveLength(3003); // git reads them all

    const run = runBinary(['history', repo.root, '--format', 'json', '--quiet'], {
      cwd: repo.root,
      timeoutMs: 60_000,
    });
    expect(run.timedOut).toBe(false);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report: Report = JSON.parse(run.stdout);
    expect(places(report)).toEqual([
      ['a.env', 1, 19, 39, 'aws.access-key-id'],
      ['a.env', 2, 23, 63, 'aws.secret-access-key'],
    ]);
    const first10 = ['HEAD', ...names.slice(0, 9)];
    for (const finding of report.findings) {
      expect(finding.refs).toEqual(first10);
      expect(finding.refsTruncated).toBe(true);
      expect(finding.commits).toBe(1);
    }
    expect(report.stats.commits).toBe(1);
    expect(run.peakRss).toBeLessThan(300 * MB);
  } finally {
    repo.remove();
  }
}, 90_000);

// ---- 13, 14: malformed settings files and bad flags (more in test/cli/errors.test.ts and friends) ------------

describe('malformed settings files: exit 2, one line per problem, naming the file (and field)', () => {
  let tree: TempTree;
  beforeAll(() => {
    tree = new TempTree();
    tree.write('a.txt', 'hello\n');
    tree.write('rules/broken-yaml.yaml', 'rules: [unclosed\n');
    tree.write('rules/a-list.yaml', '- a\n- b\n');
    tree.write('rules/rules-not-list.yaml', 'rules: 3\n');
    tree.write('config/scalar.yaml', 'just a string\n');
    tree.write('config/bad-regex.yaml', 'allow:\n  secrets: ["(unclosed"]\n');
    tree.write('config/duplicate.yaml', 'disable: []\ndisable: []\n');
    tree.write('baseline/array.json', '[]\n');
    tree.write('baseline/v2.json', '{"version": 2, "entries": []}\n');
    tree.write('baseline/null-entry.json', '{"version": 1, "entries": [null]}\n');
  });
  afterAll(() => tree.remove());

  test.each([
    [['--rules', 'rules/broken-yaml.yaml'], /^keysweep: rules\/broken-yaml\.yaml: invalid YAML: [^\n]+$/],
    [['--rules', 'rules/a-list.yaml'], /^keysweep: rules\/a-list\.yaml: the rule file must be a mapping$/],
    [
      ['--rules', 'rules/rules-not-list.yaml'],
      /^keysweep: rules\/rules-not-list\.yaml: "rules" must be a list$/,
    ],
    [['--rules', 'rules/missing.yaml'], /^keysweep: rules\/missing\.yaml: cannot read rules \(ENOENT\)$/],
    [['--config', 'config/scalar.yaml'], /^keysweep: config\/scalar\.yaml: the config must be a mapping$/],
    [
      ['--config', 'config/bad-regex.yaml'],
      /^keysweep: config\/bad-regex\.yaml: allow: "secrets\[0\]" is not a valid regular expression: [^\n]+$/,
    ],
    [
      ['--config', 'config/duplicate.yaml'],
      /^keysweep: config\/duplicate\.yaml: invalid YAML: Map keys must be unique/,
    ],
    [['--config', 'config/missing.yaml'], /^keysweep: config\/missing\.yaml: cannot read config \(ENOENT\)$/],
    [['--baseline', 'baseline/v2.json'], /^keysweep: baseline\/v2\.json: "version" must be 1$/],
    [
      ['--baseline', 'baseline/null-entry.json'],
      /^keysweep: baseline\/null-entry\.json: entries\[0\]: an entry must be a mapping$/,
    ],
    [
      ['--baseline', 'baseline/missing.json'],
      /^keysweep: baseline\/missing\.json: cannot read baseline \(ENOENT\)$/,
    ],
  ])('13. scan %j: exit 2, one line naming the file', async (args, line) => {
    const { code, stdout, stderr } = await runCli(['scan', 'a.txt', ...args], { cwd: tree.root });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.endsWith('\n')).toBe(true);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  test('13. a baseline that is not a mapping names the file and every missing field', async () => {
    const { code, stderr } = await runCli(['scan', 'a.txt', '--baseline', 'baseline/array.json'], {
      cwd: tree.root,
    });
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'keysweep: baseline/array.json: the baseline must be a mapping',
      'keysweep: baseline/array.json: "version" must be 1',
      'keysweep: baseline/array.json: "entries" must be a list',
    ]);
  });
});

describe('bad flags: exit 2 with the usage hint, nothing on stdout', () => {
  let tree: TempTree;
  beforeAll(() => {
    tree = new TempTree();
    tree.write('a.env', `AWS_ACCESS_KEY_ID=${keys.keyId()}\n`);
  });
  afterAll(() => tree.remove());
  const USAGE_HINT = ' (run "keysweep --help" for usage)\n';

  test.each([
    [['scan', '.', '--fail-on', 'severe'], 'fail-on'],
    [['scan', '.', '--max-file-size', '0'], 'max-file-size'],
    [['scan', '.', '--max-file-size', '-5'], 'max-file-size'],
    [['history', '.', '--frobnicate'], 'frobnicate'],
    [['staged', '.', '.'], 'Unknown argument'],
  ])('14. %j is a usage error naming %s', async (args, named) => {
    const { code, stdout, stderr } = await runCli(args, { cwd: tree.root });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(named);
    expect(stderr.endsWith(USAGE_HINT)).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test.each([
    [['scan', '.', '--output'], 'output'],
    [['scan', '.', '--format', '--no-redact'], 'format'],
    [['scan', '.', '--fail-on'], 'fail-on'],
    [['scan', '.', '--config'], 'config'],
    [['scan', '.', '--baseline'], 'baseline'],
    [['scan', '.', '--include'], 'include'],
  ])(
    '14. %j (a flag without its value) is a usage error naming %s, not silently ignored',
    async (args, named) => {
      const { code, stdout, stderr } = await runCli(args, { cwd: tree.root });
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr).toContain(named);
      expect(stderr.endsWith(USAGE_HINT)).toBe(true);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    },
  );

  test.each([['--include'], ['--exclude']])(
    '14. an empty %s glob is a usage error, not an internal error',
    async (flag) => {
      const { code, stdout, stderr } = await runCli(['scan', '.', flag, ''], { cwd: tree.root });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).not.toContain('internal error');
      expect(stderr).toContain(flag);
      expect(stderr.endsWith(USAGE_HINT)).toBe(true);
    },
  );

  test('14. history --ref naming no ref is exit 2 naming it, not a clean sweep of nothing', async () => {
    const repo = new GitRepo();
    try {
      repo.commit('add key', { 'a.env': `AWS_ACCESS_KEY_ID=${keys.keyId()}\n` });
      expect((await runCli(['history', repo.root, '--ref', 'main'])).code).toBe(1);
      const { code, stdout, stderr } = await runCli(['history', repo.root, '--ref', 'mian']);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr).toMatch(/^keysweep: [^\n]*mian[^\n]*\n$/);
    } finally {
      repo.remove();
    }
  });
});
