// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// Runs one command as a child process and reports its wall time and peak resident set size (RSS).
// Used as a module by run.js; also usable by hand:  node bench/measure-child.js <cmd> [args...]
//
// Peak RSS has to come from outside the measured process (process.memoryUsage() would miss native memory
// and would need code inside keysweep). Two methods, best first:
//   time: GNU /usr/bin/time -f %M, which reads the kernel's rusage ru_maxrss at exit: exact, no sampling.
//   proc: poll VmHWM ("high water mark") in /proc/<pid>/status every 20 ms; VmHWM itself is exact, but the last
//         sample may come up to 20 ms before exit, so a late spike can be missed (a lower bound).
// KEYSWEEP_BENCH_RSS=proc forces the second method, e.g. to compare the two.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const TIME = '/usr/bin/time';
const POLL_MS = 20;
const MAX_CAPTURE = 4 * 1024 * 1024; // keep at most 4 MiB of a child's stdout/stderr in memory

let detected;
/** Returns 'time', 'proc' or 'none'; probes once whether /usr/bin/time is GNU time (busybox lacks -f/-o). */
function rssMethod() {
  if (detected) return detected;
  const forced = process.env.KEYSWEEP_BENCH_RSS;
  if (forced === 'time' || forced === 'proc' || forced === 'none') {
    detected = forced;
    return detected;
  }
  detected = fs.existsSync('/proc/self/status') ? 'proc' : 'none';
  if (fs.existsSync(TIME)) {
    const out = path.join(os.tmpdir(), `keysweep-bench-time-probe-${process.pid}`);
    const res = spawnSync(TIME, ['-f', '%M', '-o', out, process.execPath, '-e', '0'], { stdio: 'ignore' });
    try {
      if (res.status === 0 && /^\d+\s*$/.test(fs.readFileSync(out, 'utf8'))) detected = 'time';
    } catch {
      // probe output missing: not GNU time
    } finally {
      fs.rmSync(out, { force: true });
    }
  }
  return detected;
}

const describeMethod = (m) =>
  ({
    time: `${TIME} -f %M (kernel ru_maxrss of the child)`,
    proc: `/proc/<pid>/status VmHWM polled every ${POLL_MS} ms`,
    none: 'unavailable on this OS',
  })[m];

function capture(stream) {
  const parts = [];
  let size = 0;
  stream.on('data', (b) => {
    if (size < MAX_CAPTURE) parts.push(b);
    size += b.length;
  });
  return () => Buffer.concat(parts).toString('utf8');
}

/** Child pids of `pid` (Linux /proc; empty elsewhere or once the process is gone). */
function childPids(pid) {
  try {
    const tasks = fs.readdirSync(`/proc/${pid}/task`);
    return tasks.flatMap((t) =>
      fs
        .readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** SIGKILLs `pid` and its descendants (deepest first), so a timed-out child under /usr/bin/time or a pipeline dies. */
function killTree(pid) {
  for (const c of childPids(pid)) killTree(c);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Spawns `cmd args` and resolves { code, signal, timedOut, wallMs, peakRssKb, method, stdout, stderr } once it
 * exits. Never rejects for a non-zero exit: the caller decides which codes are success. With `timeoutMs`, the
 * child (and its descendants) is killed after that long and the result has `timedOut: true`.
 */
function measure(cmd, args, { cwd, env, timeoutMs } = {}) {
  const method = rssMethod();
  return new Promise((resolve, reject) => {
    let child;
    let timeOut;
    if (method === 'time') {
      // -o keeps time's report out of the child's stderr, which we want to show verbatim on failure.
      timeOut = path.join(os.tmpdir(), `keysweep-bench-time-${process.pid}-${Date.now()}`);
      child = spawn(TIME, ['-f', '%M', '-o', timeOut, cmd, ...args], {
        cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } else {
      child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    }
    let timedOut = false;
    const killer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killTree(child.pid);
        }, timeoutMs)
      : null;
    const t0 = process.hrtime.bigint();
    const stdout = capture(child.stdout);
    const stderr = capture(child.stderr);
    let peakKb = null;
    let timer;
    if (method === 'proc') {
      const sample = () => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) peakKb = Math.max(peakKb ?? 0, Number(m[1]));
        } catch {
          // the process exited between samples
        }
      };
      sample();
      timer = setInterval(sample, POLL_MS);
    }
    child.on('error', (err) => {
      clearInterval(timer);
      clearTimeout(killer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      clearInterval(timer);
      clearTimeout(killer);
      if (method === 'time') {
        // GNU time writes "Command exited with non-zero status N" or "Command terminated by signal N" before
        // the number; it exits 128+N when the child was killed by a signal.
        let report = '';
        try {
          report = fs.readFileSync(timeOut, 'utf8');
        } catch {
          // time itself failed to run the command; keep peak unknown
        }
        fs.rmSync(timeOut, { force: true });
        const nums = report.trim().split('\n').pop();
        if (/^\d+$/.test(nums ?? '')) peakKb = Number(nums);
        const sig = /terminated by signal (\d+)/.exec(report);
        if (sig) {
          signal = `signal ${sig[1]}`;
          code = null;
        }
      }
      resolve({
        code,
        signal,
        timedOut,
        wallMs,
        peakRssKb: peakKb,
        method,
        stdout: stdout(),
        stderr: stderr(),
      });
    });
  });
}

module.exports = { measure, rssMethod, describeMethod };

if (require.main === module) {
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd) {
    console.error('usage: node bench/measure-child.js <cmd> [args...]');
    process.exit(2);
  }
  measure(cmd, args).then((r) => {
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    const rss = r.peakRssKb == null ? 'n/a' : `${(r.peakRssKb / 1024).toFixed(1)} MB`;
    console.error(
      `measure-child: wall ${(r.wallMs / 1000).toFixed(3)} s, peak RSS ${rss} (${describeMethod(r.method)})`,
    );
    process.exitCode = r.code ?? 2;
  });
}
