// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// `npm run bench`: times keysweep on a generated ~100 MB tree against two baselines measured in the same run
// (a plain Node regex loop and ripgrep), so the ratios stay meaningful on any machine. See bench/README.md.
// Exits non-zero only when keysweep itself fails (exit 2, crash, missing build); slowness is never an error.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { KEY_ID_SOURCE } = require('./baseline-node');
const { ensureTree } = require('./generate-tree');
const { measure, rssMethod, describeMethod } = require('./measure-child');

const REPO = path.resolve(__dirname, '..');
// KEYSWEEP_BENCH_CLI points at another build (e.g. a main branch checkout) to compare two versions.
const CLI = path.resolve(process.env.KEYSWEEP_BENCH_CLI || path.join(REPO, 'lib', 'cli', 'main.js'));
const MB = 1024 * 1024;
// Fixed run counts when set; otherwise 3 timed runs, fewer when a warm-up shows a case is slow, so the whole
// bench stays within ~3 minutes on a 2-core machine even if keysweep takes tens of seconds per scan.
const RUNS = process.env.KEYSWEEP_BENCH_RUNS ? Number(process.env.KEYSWEEP_BENCH_RUNS) : null;
const runsAfterWarmup = (warmMs) => RUNS ?? (warmMs < 15_000 ? 3 : warmMs < 50_000 ? 1 : 0);

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

/**
 * One warm-up (fills the page cache, JIT-free for later runs of the same binary) then N timed runs.
 * Returns { wallMs (best), peakRssKb (max over timed runs), runs, last } or { failure } on the first bad run.
 */
async function bench(cmd, args, { cwd, ok }) {
  const warm = await measure(cmd, args, { cwd });
  if (!ok(warm)) return { failure: warm };
  const n = runsAfterWarmup(warm.wallMs);
  const runs = n > 0 ? [] : [warm]; // a very slow case reports its warm-up rather than blow the time budget
  for (let i = 0; i < n; i++) {
    const r = await measure(cmd, args, { cwd });
    if (!ok(r)) return { failure: r };
    runs.push(r);
  }
  const wallMs = Math.min(...runs.map((r) => r.wallMs));
  const rss = runs.map((r) => r.peakRssKb).filter((x) => x != null);
  return { wallMs, peakRssKb: rss.length ? Math.max(...rss) : null, runs: n, last: runs[runs.length - 1] };
}

const describeExit = (r) => (r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`);

/** A planted key counts as found if a finding shows its id (--no-redact) or sits at its path and line. */
function missingPlanted(findings, planted) {
  return planted.filter(
    (p) =>
      !findings.some((f) => {
        const s = JSON.stringify(f);
        const line = f?.location?.line ?? f?.line ?? f?.startLine;
        return s.includes(p.keyId) || (s.includes(p.path) && line === p.line);
      }),
  );
}

async function main() {
  const { root, manifest, reused } = ensureTree();
  const treeMb = manifest.bytes / MB;
  const planted = manifest.planted;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const method = rssMethod();
  console.log(
    `machine:  ${os.availableParallelism()} cores, ${cpu}, Node ${process.version}, ${os.platform()} ${os.arch()}`,
  );
  console.log(
    `tree:     ${root} (${reused ? 'cached' : 'generated'}): ${manifest.files} files, ${treeMb.toFixed(1)} MB`,
  );
  console.log(`peak RSS: ${describeMethod(method)}`);
  console.log(
    'timing:   best wall time of the timed runs after 1 warm-up (files are then in the page cache)\n',
  );

  const rows = [];
  const warnings = [];
  let failed = false;

  // Baseline A: Node regex loop, as a child so startup and RSS are counted as for keysweep.
  const nodeRes = await bench(process.execPath, [path.join(__dirname, 'baseline-node.js'), root], {
    ok: (r) => r.code === 0,
  });
  rows.push({ name: 'node regex loop', res: nodeRes });
  if (nodeRes.failure)
    warnings.push(`node regex loop failed (${describeExit(nodeRes.failure)}): ${nodeRes.failure.stderr}`);
  else {
    const { matches } = JSON.parse(nodeRes.last.stdout);
    if (matches !== planted.length)
      warnings.push(`node regex loop counted ${matches} key ids, ${planted.length} planted`);
  }

  // Baseline B: ripgrep with the same regex; exit 1 only means "no match".
  const rg = which('rg');
  let rgRes = null;
  if (rg) {
    const version = execFileSync(rg, ['--version'], { encoding: 'utf8' }).split('\n')[0];
    rgRes = await bench(rg, ['-c', '--no-ignore', '--hidden', '-e', KEY_ID_SOURCE, root], {
      ok: (r) => r.code === 0 || r.code === 1,
    });
    rows.push({ name: version, res: rgRes });
    if (rgRes.failure)
      warnings.push(`ripgrep failed (${describeExit(rgRes.failure)}): ${rgRes.failure.stderr}`);
    else {
      const count = rgRes.last.stdout
        .split('\n')
        .reduce((sum, l) => sum + (Number(l.split(':').pop()) || 0), 0);
      if (count !== planted.length)
        warnings.push(`ripgrep counted ${count} key ids, ${planted.length} planted`);
    }
  } else rows.push({ name: 'ripgrep', note: 'not installed (apt-get install ripgrep)' });

  // keysweep itself. cwd is the tree, so paths in findings are relative to it and no repo config is picked up.
  const out = path.join(os.tmpdir(), `keysweep-bench-findings-${process.pid}.json`);
  let findingsLine = null;
  if (!fs.existsSync(CLI)) {
    failed = true;
    rows.unshift({ name: 'keysweep', note: `${path.relative(REPO, CLI)} not found (run npm run build)` });
  } else {
    const ks = await bench(process.execPath, [CLI, 'scan', root, '--format', 'json', '--output', out], {
      cwd: root,
      ok: (r) => r.code === 0 || r.code === 1,
    });
    rows.unshift({ name: 'keysweep', res: ks });
    if (ks.failure) {
      failed = true;
      const f = ks.failure;
      console.error(
        `keysweep failed (${describeExit(f)}); stderr:\n${f.stderr || '(empty)'}${f.stdout ? `\nstdout:\n${f.stdout}` : ''}`,
      );
    } else {
      try {
        const { findings, stats } = JSON.parse(fs.readFileSync(out, 'utf8'));
        const missing = missingPlanted(findings, planted);
        // Skipped files would inflate MB/s (it always divides the whole tree), so flag them when stats say so.
        if (typeof stats?.files === 'number' && stats.files !== manifest.files)
          warnings.push(
            `keysweep scanned ${stats.files} of ${manifest.files} files: ${JSON.stringify(stats.skipped)}`,
          );
        findingsLine = `keysweep findings: ${findings.length} (planted key ids found: ${planted.length - missing.length}/${planted.length})`;
        for (const p of missing)
          warnings.push(`keysweep missed planted key ${p.keyId} at ${p.path}:${p.line}`);
      } catch (err) {
        warnings.push(`could not read keysweep's JSON output ${out}: ${err.message}`);
      }
    }
  }
  fs.rmSync(out, { force: true });

  printTable(rows, treeMb, nodeRes, rgRes);
  if (findingsLine) console.log(`\n${findingsLine}`);
  for (const w of warnings) console.log(`WARNING: ${w.trimEnd()}`);
  if (failed) process.exitCode = 1;
}

function printTable(rows, treeMb, nodeRes, rgRes) {
  const ratio = (res, base) => (base && !base.failure ? `${(res.wallMs / base.wallMs).toFixed(2)}x` : 'n/a');
  const header = ['case', 'wall s', 'MB/s', 'peak RSS MB', 'vs node loop', 'vs ripgrep', 'runs'];
  const lines = rows.map(({ name, res, note }) => {
    if (note) return [name, note];
    if (res.failure) return [name, `FAILED (${describeExit(res.failure)})`];
    const rss = res.peakRssKb == null ? 'n/a' : (res.peakRssKb / 1024).toFixed(1);
    const runs = res.runs > 0 ? `best of ${res.runs}` : 'warm-up only';
    const s = res.wallMs / 1000;
    return [name, s.toFixed(3), (treeMb / s).toFixed(1), rss, ratio(res, nodeRes), ratio(res, rgRes), runs];
  });
  // Rows with a note span the remaining columns, so only full rows set the column widths.
  const widths = header.map((h, i) =>
    Math.max(h.length, ...lines.filter((l) => l.length === header.length).map((l) => l[i].length)),
  );
  widths[0] = Math.max(widths[0], ...lines.map((l) => l[0].length));
  const fmt = (cells) =>
    cells.length === header.length
      ? cells
          .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
          .join('  ')
      : `${cells[0].padEnd(widths[0])}  ${cells[1]}`;
  console.log(fmt(header).trimEnd());
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l).trimEnd());
  console.log(
    '\nratios are wall-time multiples: 2.00x = twice as slow as that baseline, 0.50x = twice as fast',
  );
}

main().catch((err) => {
  console.error(err.stack ?? err);
  process.exitCode = 1;
});
