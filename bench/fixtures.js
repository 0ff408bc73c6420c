// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// Shared by the generators of the benchmark inputs (history repo, staged repo, single-line file):
// the cache directory and its marker files, git run with an isolated configuration, and a streaming writer
// for `git fast-import`. The working tree (generate-tree.js) predates this file and keeps its own cache code.
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const { once } = require('node:events');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const MB = 1024 * 1024;

/** The cache directory: $KEYSWEEP_BENCH_DIR, default $TMPDIR/keysweep-bench (the same as the tree's). */
const benchDir = () => process.env.KEYSWEEP_BENCH_DIR || path.join(os.tmpdir(), 'keysweep-bench');

/** KEYSWEEP_BENCH_MB (default 100): the tree size, and the scale (MB / 100) of the history and single line. */
function benchMb() {
  const mb = Number(process.env.KEYSWEEP_BENCH_MB || 100);
  if (!(mb > 0))
    throw new Error(`KEYSWEEP_BENCH_MB must be a positive number, got "${process.env.KEYSWEEP_BENCH_MB}"`);
  return mb;
}

// git without the user's or the system's configuration (hooks path, autocrlf, signing, diff drivers ...) and
// without repository variables inherited from a calling git hook, so generated repos are the same everywhere
// and baseline timings don't depend on someone's ~/.gitconfig.
const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull, LC_ALL: 'C' };
for (const v of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR'])
  delete GIT_ENV[v];

/** Runs git synchronously in `cwd`; returns stdout; throws with git's stderr on failure. */
function git(args, { cwd, input } = {}) {
  try {
    return execFileSync('git', args, {
      cwd,
      env: GIT_ENV,
      input,
      encoding: 'utf8',
      maxBuffer: 256 * MB,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (err) {
    throw new Error(`git ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

/** The git object id of a blob with this (ASCII) text, as `git hash-object` would compute it. */
const blobId = (text) =>
  crypto
    .createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0`)
    .update(text)
    .digest('hex');

/** `data` command of a fast-import stream (byte count, then the bytes). */
const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;

/**
 * A running `git fast-import` in `repo`, fed through its stdin with backpressure. Output is batched into
 * ~1 MB writes. `end()` closes the stream, waits for git and returns the marks (mark number -> object id).
 */
class FastImport {
  constructor(repo) {
    this.marksFile = path.join(repo, '.git', 'bench-marks');
    this.child = spawn('git', ['fast-import', '--quiet', `--export-marks=${this.marksFile}`], {
      cwd: repo,
      env: GIT_ENV,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    this.stderr = '';
    this.child.stderr.on('data', (b) => {
      this.stderr += b;
    });
    this.child.stdin.on('error', () => {}); // EPIPE when git dies; reported by end() with git's stderr
    this.closed = once(this.child, 'close');
    this.pending = [];
    this.pendingBytes = 0;
    this.write('feature done\n');
  }

  write(text) {
    this.pending.push(text);
    this.pendingBytes += text.length;
    return this.pendingBytes >= MB ? this.flush() : undefined;
  }

  async flush() {
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.child.stdin.write(text)) await Promise.race([once(this.child.stdin, 'drain'), this.closed]);
    if (this.child.exitCode !== null) await this.end();
  }

  async end() {
    if (!this.ended) {
      this.ended = true;
      this.pending.push('done\n');
      this.child.stdin.end(this.pending.join(''));
    }
    const [code, signal] = await this.closed;
    if (code !== 0)
      throw new Error(`git fast-import failed (${signal ?? `exit ${code}`}): ${this.stderr.trim()}`);
    const marks = new Map();
    for (const line of fs.readFileSync(this.marksFile, 'utf8').split('\n')) {
      const m = /^:(\d+) ([0-9a-f]{40})$/.exec(line);
      if (m) marks.set(Number(m[1]), m[2]);
    }
    fs.rmSync(this.marksFile, { force: true });
    return marks;
  }
}

/** Counts of the repository's objects by type, and the blobs' total size, from one cat-file pass. */
function objectStats(repo) {
  const stats = { commits: 0, trees: 0, blobs: 0, tags: 0, blobBytes: 0 };
  const out = git(['cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectsize)'], {
    cwd: repo,
  });
  for (const line of out.split('\n')) {
    const [type, size] = line.split(' ');
    if (type === 'blob') {
      stats.blobs++;
      stats.blobBytes += Number(size);
    } else if (type) stats[`${type}s`]++;
  }
  const packDir = path.join(repo, '.git', 'objects', 'pack');
  const packs = fs.readdirSync(packDir).filter((f) => f.endsWith('.pack'));
  stats.packs = packs.length;
  stats.packBytes = packs.reduce((s, f) => s + fs.statSync(path.join(packDir, f)).size, 0);
  return stats;
}

/**
 * Returns { root, manifest, reused } for the cached input `name` (a directory in benchDir(), with its marker
 * `name.json` beside it, outside the input so the planted key ids it lists are never scanned). The cache is
 * reused while every field of `params` matches the marker; otherwise `build(tmpDir)` (sync or async) writes
 * the input into a sibling temporary directory and returns the manifest. The directory is renamed into
 * place and the marker written last, so an interrupted run never leaves a half-built input that looks valid.
 */
async function ensureCached(name, params, build, { log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const dir = benchDir();
  const root = path.join(dir, name);
  const markerFile = path.join(dir, `${name}.json`);
  if (fs.existsSync(root)) {
    try {
      const m = JSON.parse(fs.readFileSync(markerFile, 'utf8'));
      if (Object.entries(params).every(([k, v]) => m[k] === v)) return { root, manifest: m, reused: true };
    } catch {
      // missing or corrupt marker: rebuild below
    }
  }
  const t0 = process.hrtime.bigint();
  const tmp = `${root}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  let manifest;
  try {
    manifest = { ...(await build(tmp, log)), ...params }; // params last: reuse compares them
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  fs.rmSync(markerFile, { force: true });
  fs.rmSync(root, { recursive: true, force: true });
  fs.renameSync(tmp, root);
  fs.writeFileSync(markerFile, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`${name}: built in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`);
  return { root, manifest, reused: false };
}

module.exports = { MB, benchDir, benchMb, GIT_ENV, git, blobId, data, FastImport, objectStats, ensureCached };
