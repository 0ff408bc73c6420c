// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// `npm run bench`: times keysweep on the inputs our issues are about (a generated working tree, the project's
// own node_modules, a generated git history, a pre-commit staged change, one huge single-line file) against
// baselines measured in the same run, so the ratios stay meaningful on any machine. See bench/README.md.
// KEYSWEEP_BENCH_CASES=tree,modules,many,history,staged,line picks cases (default: all, in that order).
// Exits non-zero only when a measured tool fails to run (bad exit code, crash, missing build or input);
// slowness and missed targets are never errors.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { KEY_ID_SOURCE } = require('./baseline-node');
const { benchDir, GIT_ENV, MB } = require('./fixtures');
const { measure, rssMethod, describeMethod } = require('./measure-child');

const REPO = path.resolve(__dirname, '..');
// KEYSWEEP_BENCH_CLI points at another build (e.g. a main branch checkout) to compare two versions.
const CLI = path.resolve(process.env.KEYSWEEP_BENCH_CLI || path.join(REPO, 'lib', 'cli', 'main.js'));
// Fixed run counts when set; otherwise 3 timed runs, fewer when a warm-up shows a case is slow, so the whole
// bench stays within a few minutes on a 2-core machine even if keysweep takes tens of seconds per scan; and
// 10 for a run under a second (staged, node -e 0, a cache replay), whose best of 3 still moved by ±40 ms
// between bench runs on a shared 2-core VM.
const RUNS = process.env.KEYSWEEP_BENCH_RUNS ? Number(process.env.KEYSWEEP_BENCH_RUNS) : null;
const runsAfterWarmup = (warmMs) =>
  RUNS ?? (warmMs < 1_000 ? 10 : warmMs < 15_000 ? 3 : warmMs < 50_000 ? 1 : 0);
// A run that takes longer than this is killed and reported as timed out (slowness, not a failure).
const TIMEOUT_S = Number(process.env.KEYSWEEP_BENCH_TIMEOUT || 180);

const ALL_CASES = ['tree', 'modules', 'many', 'history', 'staged', 'line'];
const ALIASES = { worktree: 'tree', node_modules: 'modules', 'single-line': 'line' };
const TARGETS = { nodeLoop: 1.2, ripgrep: 3, catfile: 1.2, incremental: 0.1, stagedMs: 250, rssMb: 300 };

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not in this PATH entry
    }
  }
  return null;
}

const firstLine = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', env: GIT_ENV }).split('\n')[0].trim();
  } catch {
    return null;
  }
};

const int = (n) => n.toLocaleString('en-US');
const mb = (bytes) => (bytes / MB).toFixed(1);
const describeExit = (r) => (r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`);

/**
 * One warm-up (fills the page cache) then N timed runs. Returns { wallMs (best), peakRssKb (max over the
 * timed runs), runs, last }, or { failure } on the first bad run, or { timedOut } when a run took too long.
 */
async function bench(cmd, args, { cwd, ok }) {
  const timeoutMs = TIMEOUT_S * 1000;
  const warm = await measure(cmd, args, { cwd, timeoutMs });
  if (warm.timedOut) return { timedOut: warm };
  if (!ok(warm)) return { failure: warm };
  const n = runsAfterWarmup(warm.wallMs);
  const runs = n > 0 ? [] : [warm]; // a very slow case reports its warm-up rather than blow the time budget
  for (let i = 0; i < n; i++) {
    const r = await measure(cmd, args, { cwd, timeoutMs });
    if (r.timedOut) return { timedOut: r };
    if (!ok(r)) return { failure: r };
    runs.push(r);
  }
  const wallMs = Math.min(...runs.map((r) => r.wallMs));
  const rss = runs.map((r) => r.peakRssKb).filter((x) => x != null);
  return { wallMs, peakRssKb: rss.length ? Math.max(...rss) : null, runs: n, last: runs[runs.length - 1] };
}

/** A planted key counts as found if a finding shows its id, or is on its line in its blob (git) or file. */
function missingPlanted(findings, planted) {
  return planted.filter(
    (p) =>
      !findings.some((f) => {
        const s = JSON.stringify(f);
        if (s.includes(p.keyId)) return true;
        const line = f?.location?.line ?? f?.line ?? f?.startLine;
        if (line !== p.line) return false;
        return p.blob ? f.blob === p.blob : f.file === p.path || s.includes(p.path);
      }),
  );
}

/** The state of one bench run: groups of rows for the table, notes, warnings, target checks. */
class Report {
  constructor() {
    this.groups = [];
    this.notes = [];
    this.warnings = [];
    this.targets = [];
    this.failed = false;
  }

  warn(message) {
    this.warnings.push(message);
  }

  /** Measures one row of `group`; returns the bench result (or null for a row that could not run). */
  async row(group, name, cmd, args, { cwd, ok = (r) => r.code === 0 } = {}) {
    process.stderr.write(`  ${group.label}: ${name} ...\n`);
    const res = await bench(cmd, args, { cwd, ok });
    group.rows.push({ name, res });
    if (res.failure) {
      this.failed = true;
      const f = res.failure;
      this.warn(
        `${group.label}: ${name} failed (${describeExit(f)}); stderr:\n${f.stderr.trimEnd() || '(empty)'}${f.stdout ? `\nstdout:\n${f.stdout.slice(0, 2000)}` : ''}`,
      );
    } else if (res.timedOut) this.warn(`${group.label}: ${name} timed out after ${TIMEOUT_S} s (killed)`);
    return res.failure || res.timedOut ? null : res;
  }

  /** keysweep in `group`: runs it with --format json --output <tmp> and returns { res, json } or null. */
  async keysweep(group, name, args, { cwd, main = true }) {
    const out = path.join(os.tmpdir(), `keysweep-bench-${group.key}-${process.pid}.json`);
    if (!fs.existsSync(CLI)) {
      this.failed = true;
      group.rows.push({ name, note: `${path.relative(REPO, CLI)} not found (run npm run build)` });
      return null;
    }
    const res = await this.row(
      group,
      name,
      process.execPath,
      [CLI, ...args, '--format', 'json', '--output', out],
      {
        cwd,
        ok: (r) => r.code === 0 || r.code === 1, // 1: findings at or above --fail-on
      },
    );
    if (main) group.keysweep = res;
    if (!res) return null;
    try {
      return { res, json: JSON.parse(fs.readFileSync(out, 'utf8')) };
    } catch (err) {
      this.warn(`${group.label}: could not read keysweep's JSON output ${out}: ${err.message}`);
      return null;
    } finally {
      fs.rmSync(out, { force: true });
    }
  }

  /** Reports planted keys keysweep missed, and the findings line. */
  checkPlanted(group, json, planted) {
    const missing = missingPlanted(json.findings, planted);
    this.notes.push(
      `${group.label}: keysweep findings: ${json.findings.length} (planted key ids found: ${planted.length - missing.length}/${planted.length})`,
    );
    for (const p of missing)
      this.warn(
        `${group.label}: keysweep missed planted key ${p.keyId} at ${p.path}:${p.line}${p.blob ? ` (blob ${p.blob})` : ''}`,
      );
  }

  target(label, ok, measured) {
    this.targets.push({ label, measured, status: ok == null ? 'not measured' : ok ? 'met' : 'MISSED' });
  }
}

/** Rows shared by the directory cases: the Node regex loop and ripgrep over `dir`; returns their results. */
async function directoryBaselines(report, group, dir, tools) {
  const node = await report.row(group, 'node regex loop', process.execPath, [
    path.join(__dirname, 'baseline-node.js'),
    dir,
  ]);
  let rg = null;
  if (tools.rg) {
    // --no-unicode: ASCII \b and classes, exactly the semantics of the JS regex (no u flag). With Unicode
    // word boundaries ripgrep leaves its fast DFA on non-ASCII text and gets several times slower.
    rg = await report.row(
      group,
      tools.rgVersion,
      tools.rg,
      ['-c', '--no-ignore', '--hidden', '--no-unicode', '-e', KEY_ID_SOURCE, dir],
      { ok: (r) => r.code === 0 || r.code === 1 }, // 1: no match
    );
  } else group.rows.push({ name: 'ripgrep', note: 'not installed (apt-get install ripgrep)' });
  group.baselines = [
    { label: 'node loop', res: node },
    { label: 'ripgrep', res: rg },
  ];
  const counts = {
    node: node ? JSON.parse(node.last.stdout).matches : null,
    rg: rg ? rg.last.stdout.split('\n').reduce((sum, l) => sum + (Number(l.split(':').pop()) || 0), 0) : null,
  };
  return counts;
}

// ---------------------------------------------------------------------------------------------------------
// The cases. Each prepares its input, adds a group of rows and its checks and targets to the report.

async function caseTree(report, tools) {
  const { ensureTree } = require('./generate-tree');
  const { root, manifest, reused } = ensureTree();
  const group = newGroup(
    report,
    'tree',
    'working tree',
    `${mb(manifest.bytes)} MB, ${int(manifest.files)} files (${reused ? 'cached' : 'generated'}) at ${root}`,
    manifest.bytes,
  );
  // cwd is the tree, so paths in findings are relative to it and no repo config is picked up.
  const ks = await report.keysweep(group, 'keysweep scan', ['scan', root], { cwd: root });
  const counts = await directoryBaselines(report, group, root, tools);
  const planted = manifest.planted;
  if (counts.node != null && counts.node !== planted.length)
    report.warn(`working tree: node regex loop counted ${counts.node} key ids, ${planted.length} planted`);
  if (counts.rg != null && counts.rg !== planted.length)
    report.warn(`working tree: ripgrep counted ${counts.rg} key ids, ${planted.length} planted`);
  if (ks) {
    report.checkPlanted(group, ks.json, planted);
    const { stats } = ks.json;
    // Skipped files would inflate MB/s (it always divides the whole tree), so flag them when stats say so.
    if (typeof stats?.files === 'number' && stats.files !== manifest.files)
      report.warn(
        `working tree: keysweep scanned ${stats.files} of ${manifest.files} files: ${JSON.stringify(stats.skipped)}`,
      );
  }
  const [node, rg] = group.baselines.map((b) => b.res);
  const r = (base) => (group.keysweep && base ? group.keysweep.wallMs / base.wallMs : null);
  const fmt = (x) => (x == null ? 'n/a' : `${x.toFixed(2)}x`);
  report.target(
    `working tree: keysweep <= ${TARGETS.nodeLoop}x node regex loop`,
    r(node) == null ? null : r(node) <= TARGETS.nodeLoop,
    fmt(r(node)),
  );
  report.target(
    `working tree: keysweep <= ${TARGETS.ripgrep}x ripgrep`,
    r(rg) == null ? null : r(rg) <= TARGETS.ripgrep,
    fmt(r(rg)),
  );
}

/** Regular files under `dir` (symlinks are not followed, as by every tool here), and their total size. */
function walkSize(dir) {
  let files = 0;
  let bytes = 0;
  for (const d of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!d.isFile()) continue;
    files++;
    bytes += fs.statSync(path.join(d.parentPath ?? d.path, d.name)).size;
  }
  return { files, bytes };
}

async function caseModules(report, tools) {
  const dir = path.join(REPO, 'node_modules');
  if (!fs.existsSync(dir)) {
    const group = newGroup(report, 'modules', 'node_modules', `${dir} not found (run npm install)`, 0);
    group.rows.push({ name: 'keysweep scan', note: 'skipped: no node_modules' });
    report.warn('node_modules: not found, case skipped (run npm install)');
    return;
  }
  const { files, bytes } = walkSize(dir);
  const small = bytes < 100 * MB ? '; smaller than the 100 MB aimed for' : '';
  const group = newGroup(
    report,
    'modules',
    'node_modules',
    `${mb(bytes)} MB, ${int(files)} files: this project's installed dependencies${small}`,
    bytes,
  );
  if (fs.existsSync(path.join(dir, '.keysweep.yaml')))
    report.warn('node_modules: holds a .keysweep.yaml, which keysweep applies and the baselines do not');
  // cwd and root are node_modules itself: its (absent) .keysweep.yaml is the only config keysweep looks for,
  // and --no-gitignore turns off the repository's ignore rules (which list node_modules/).
  const ks = await report.keysweep(group, 'keysweep scan', ['scan', dir, '--no-gitignore'], { cwd: dir });
  // The baselines read every file; keysweep skips those over --max-file-size (10 MiB by default), which
  // here are a few large binaries and most of the bytes. This row reads them too, for a like-for-like
  // comparison (binary files are still read whole and then skipped as binary).
  await report.keysweep(
    group,
    'keysweep, every file',
    ['scan', dir, '--no-gitignore', '--max-file-size', '4GB'],
    { cwd: dir, main: false },
  );
  const counts = await directoryBaselines(report, group, dir, tools);
  if (ks) {
    const { stats, findings } = ks.json;
    const sk = Object.entries(stats?.skipped ?? {})
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    report.notes.push(
      `node_modules: keysweep scanned ${int(stats?.files ?? 0)} files, ${mb(stats?.bytes ?? 0)} MB (skipped: ${sk || 'none'}); findings: ${findings.length}; key ids counted by the node loop: ${counts.node ?? 'n/a'}, by ripgrep: ${counts.rg ?? 'n/a'}`,
    );
  }
}

async function caseMany(report, tools) {
  const { ensureMany } = require('./generate-many');
  const { root, manifest: m, reused } = await ensureMany();
  const group = newGroup(
    report,
    'many',
    'many files',
    `${int(m.files)} small files, ${mb(m.bytes)} MB (${reused ? 'cached' : 'generated'}) at ${root}`,
    m.bytes,
  );
  const ks = await report.keysweep(group, 'keysweep scan', ['scan', root], { cwd: root });
  const counts = await directoryBaselines(report, group, root, tools);
  if (counts.node != null && counts.node !== m.planted.length)
    report.warn(`many files: node regex loop counted ${counts.node} key ids, ${m.planted.length} planted`);
  if (ks) {
    report.checkPlanted(group, ks.json, m.planted);
    if (ks.json.stats?.files !== m.files)
      report.warn(`many files: keysweep scanned ${ks.json.stats?.files} of ${m.files} files`);
  }
}

async function caseHistory(report, tools) {
  if (!tools.git) return missingGit(report, 'history');
  const { ensureHistory } = require('./generate-history');
  const { root, manifest: m, reused } = await ensureHistory();
  const branches = m.refs.filter((r) => r.startsWith('refs/heads/')).length;
  const tags = m.refs.filter((r) => r.startsWith('refs/tags/')).length;
  const group = newGroup(
    report,
    'history',
    'history',
    `${int(m.commits)} commits, ${int(m.blobs)} unique blobs, ${mb(m.blobBytes)} MB of blobs (one ${mb(m.packBytes)} MB pack), ${branches} branches, ${tags} tags (${reused ? 'cached' : 'generated'}) at ${root}`,
    m.blobBytes,
  );
  group.blobs = m.blobs;
  const ks = await report.keysweep(group, 'keysweep history', ['history', root, '--quiet'], {
    cwd: benchDir(),
  });
  const cat = await report.row(group, 'cat-file floor', process.execPath, [
    path.join(__dirname, 'baseline-catfile.js'),
    root,
  ]);
  const log = await report.row(group, 'git log -p', process.execPath, [
    path.join(__dirname, 'baseline-gitlog.js'),
    root,
  ]);
  group.baselines = [
    { label: 'cat-file', res: cat },
    { label: 'git log -p', res: log },
  ];
  // The incremental sweep: the warm-up run fills the cache, so every timed run is a second sweep with
  // nothing new; its report must equal the full sweep's.
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keysweep-bench-cache-'));
  let incremental = null;
  try {
    incremental = await report.keysweep(
      group,
      'history --cache, 2nd run',
      ['history', root, '--quiet', '--cache', cacheDir],
      { cwd: benchDir(), main: false },
    );
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  if (incremental && ks) {
    const same = (json) => JSON.stringify(json.findings);
    if (same(incremental.json) !== same(ks.json))
      report.warn('history: the --cache second run reported different findings from the full sweep');
  }
  const n = m.planted.length;
  if (cat) {
    const s = JSON.parse(cat.last.stdout);
    if (s.distinct !== n)
      report.warn(`history: cat-file floor saw ${s.distinct} distinct key ids, ${n} planted`);
    if (s.blobs !== m.blobs)
      report.warn(`history: cat-file floor read ${s.blobs} blobs, marker says ${m.blobs}`);
  }
  if (log) {
    const s = JSON.parse(log.last.stdout);
    if (s.distinct !== n)
      report.warn(`history: git log -p showed ${s.distinct} distinct key ids, ${n} planted`);
  }
  if (ks) {
    report.checkPlanted(group, ks.json, m.planted);
    const { stats } = ks.json;
    if (typeof stats?.files === 'number' && stats.files !== m.blobs)
      report.warn(
        `history: keysweep scanned ${stats.files} of ${m.blobs} blobs: ${JSON.stringify(stats.skipped)}`,
      );
    if (typeof stats?.commits === 'number' && stats.commits !== m.commits)
      report.warn(`history: keysweep walked ${stats.commits} of ${m.commits} commits`);
  }
  const k = group.keysweep;
  const rc = k && cat ? k.wallMs / cat.wallMs : null;
  const rl = k && log ? k.wallMs / log.wallMs : null;
  report.target(
    `history: keysweep <= ${TARGETS.catfile}x cat-file floor`,
    rc == null ? null : rc <= TARGETS.catfile,
    rc == null ? 'n/a' : `${rc.toFixed(2)}x`,
  );
  report.target(
    'history: keysweep faster than git log -p',
    rl == null ? null : rl < 1,
    rl == null ? 'n/a' : `${rl.toFixed(2)}x`,
  );
  const ri = k && incremental ? incremental.res.wallMs / k.wallMs : null;
  report.target(
    `history: --cache 2nd run < ${TARGETS.incremental * 100}% of the full sweep`,
    ri == null ? null : ri < TARGETS.incremental,
    ri == null ? 'n/a' : `${(ri * 100).toFixed(1)}%`,
  );
}

async function caseStaged(report, tools) {
  if (!tools.git) return missingGit(report, 'staged');
  const { ensureStaged } = require('./generate-staged');
  const { root, manifest: m, reused } = await ensureStaged();
  const group = newGroup(
    report,
    'staged',
    'staged',
    `${int(m.files)} files at HEAD, ${m.stagedPaths.length} edited and staged (${reused ? 'cached' : 'generated'}) at ${root}`,
    null,
  );
  const ks = await report.keysweep(group, 'keysweep staged', ['staged', root], { cwd: benchDir() });
  const node = await report.row(group, 'node -e 0', process.execPath, ['-e', '0']);
  group.baselines = [{ label: 'node -e 0', res: node }];
  if (ks) report.checkPlanted(group, ks.json, m.planted);
  const k = group.keysweep;
  report.target(
    `staged: keysweep < ${TARGETS.stagedMs} ms wall`,
    k ? k.wallMs < TARGETS.stagedMs : null,
    k ? `${Math.round(k.wallMs)} ms` : 'n/a',
  );
}

async function caseLine(report, tools) {
  const { ensureLine } = require('./generate-line');
  const { root, manifest: m, reused } = await ensureLine();
  const group = newGroup(
    report,
    'line',
    'single line',
    `${m.file}: ${mb(m.bytes)} MB on one line, the key at its end (${reused ? 'cached' : 'generated'}) at ${root}`,
    m.bytes,
  );
  const limit = `${Math.max(64, Math.ceil(m.bytes / 1e6) + 1)}MB`;
  const ks = await report.keysweep(group, 'keysweep scan', ['scan', root, '--max-file-size', limit], {
    cwd: root,
  });
  const counts = await directoryBaselines(report, group, root, tools);
  if (counts.node != null && counts.node !== 1)
    report.warn(`single line: node regex loop counted ${counts.node} key ids, 1 planted`);
  if (counts.rg != null && counts.rg !== 1)
    report.warn(`single line: ripgrep counted ${counts.rg} matching lines, 1 planted`);
  if (ks) report.checkPlanted(group, ks.json, m.planted);
}

function newGroup(report, key, label, detail, bytes) {
  const group = { key, label, detail, bytes, blobs: null, rows: [], baselines: [], keysweep: null };
  report.groups.push(group);
  return group;
}

function missingGit(report, key) {
  const group = newGroup(report, key, key, 'git not found on PATH', null);
  group.rows.push({ name: `keysweep ${key}`, note: 'not run: the input is built with git' });
  report.failed = true;
  report.warn(`${key}: git is needed to build the input (or leave the case out with KEYSWEEP_BENCH_CASES)`);
}

// ---------------------------------------------------------------------------------------------------------

function selectedCases() {
  const raw = process.env.KEYSWEEP_BENCH_CASES;
  if (!raw) return ALL_CASES;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => ALIASES[s] ?? s);
  const unknown = names.filter((s) => !ALL_CASES.includes(s));
  if (unknown.length)
    throw new Error(
      `KEYSWEEP_BENCH_CASES: unknown case ${unknown.join(', ')} (known: ${ALL_CASES.join(', ')})`,
    );
  return ALL_CASES.filter((c) => names.includes(c));
}

async function main() {
  const cases = selectedCases();
  const rg = which('rg');
  const tools = {
    rg,
    rgVersion: rg ? firstLine(rg, ['--version']) : null,
    git: firstLine('git', ['--version']),
  };
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os.loadavg()[0];
  console.log(
    `machine:  ${os.availableParallelism()} cores, ${cpu}, Node ${process.version}, ${tools.git ?? 'git not found'}, ${tools.rgVersion ?? 'ripgrep not installed'}, ${os.platform()} ${os.arch()}`,
  );
  console.log(
    `load:     ${load.toFixed(2)} (1-minute load average at start${load > os.availableParallelism() / 2 ? '; other work may be running, so expect noisy numbers' : ''})`,
  );
  console.log(`peak RSS: ${describeMethod(rssMethod())}`);
  console.log(
    `timing:   best wall time of the timed runs after 1 warm-up (inputs are then in the page cache); timeout ${TIMEOUT_S} s per run`,
  );
  console.log(`cases:    ${cases.join(', ')}\n`);

  const report = new Report();
  const run = {
    tree: caseTree,
    modules: caseModules,
    many: caseMany,
    history: caseHistory,
    staged: caseStaged,
    line: caseLine,
  };
  for (const c of cases) await run[c](report, tools);

  for (const g of report.groups) {
    const k = g.keysweep;
    report.target(
      `${g.label}: keysweep peak RSS < ${TARGETS.rssMb} MB`,
      k?.peakRssKb == null ? null : k.peakRssKb / 1024 < TARGETS.rssMb,
      k?.peakRssKb == null ? 'n/a' : `${(k.peakRssKb / 1024).toFixed(1)} MB`,
    );
  }

  console.log('');
  printTable(report.groups);
  if (report.notes.length) console.log('');
  for (const n of report.notes) console.log(n);
  printTargets(report.targets);
  for (const w of report.warnings) console.log(`WARNING: ${w.trimEnd()}`);
  if (report.failed) process.exitCode = 1;
}

function printTable(groups) {
  const header = [
    'case',
    'wall s',
    'MB/s',
    'blobs/s',
    'peak RSS MB',
    'vs baseline 1',
    'vs baseline 2',
    'runs',
  ];
  const ratio = (res, base) =>
    base?.res
      ? `${(res.wallMs / base.res.wallMs).toFixed(2)}x ${base.label}`
      : base
        ? `n/a ${base.label}`
        : '';
  const lines = []; // { group } for a group heading, or an array of cells
  for (const g of groups) {
    lines.push({ group: g });
    for (const { name, res, note } of g.rows) {
      const label = `  ${name}`;
      if (note) lines.push([label, note]);
      else if (res.failure) lines.push([label, `FAILED (${describeExit(res.failure)})`]);
      else if (res.timedOut) lines.push([label, `timed out after ${TIMEOUT_S} s (killed)`]);
      else {
        const s = res.wallMs / 1000;
        lines.push([
          label,
          s.toFixed(3),
          g.bytes ? (g.bytes / MB / s).toFixed(1) : '-',
          g.blobs ? int(Math.round(g.blobs / s)) : '-',
          res.peakRssKb == null ? 'n/a' : (res.peakRssKb / 1024).toFixed(1),
          ratio(res, g.baselines[0]),
          ratio(res, g.baselines[1]),
          res.runs > 0 ? `best of ${res.runs}` : 'warm-up only',
        ]);
      }
    }
  }
  // Rows with a note span the remaining columns, so only full rows set the column widths.
  const full = lines.filter((l) => Array.isArray(l) && l.length === header.length);
  const widths = header.map((h, i) => Math.max(h.length, ...full.map((l) => l[i].length)));
  widths[0] = Math.max(widths[0], ...lines.filter(Array.isArray).map((l) => l[0].length));
  const left = new Set([0, 5, 6, 7]);
  const fmt = (cells) =>
    cells.length === header.length
      ? cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
      : `${cells[0].padEnd(widths[0])}  ${cells[1]}`;
  console.log(fmt(header).trimEnd());
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) {
    if (Array.isArray(l)) console.log(fmt(l).trimEnd());
    else console.log(`${l.group.label}: ${l.group.detail}`);
  }
  console.log(
    '\nratios are wall-time multiples of that baseline (same group): 2.00x = twice as slow, 0.50x = twice as fast',
  );
}

function printTargets(targets) {
  if (!targets.length) return;
  console.log('\ntargets (a missed target is reported, never an error):');
  const w = Math.max(...targets.map((t) => t.label.length));
  const m = Math.max(...targets.map((t) => t.measured.length));
  for (const t of targets) console.log(`  ${t.label.padEnd(w)}  ${t.measured.padStart(m)}  ${t.status}`);
}

main().catch((err) => {
  console.error(err.message?.startsWith('KEYSWEEP_BENCH_') ? err.message : (err.stack ?? err));
  process.exitCode = 1;
});
