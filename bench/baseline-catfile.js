// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// History baseline (a), the floor: every object of the repository, streamed by
// `git cat-file --batch-all-objects --batch --unordered` (git's own pack reader, delta resolution and
// inflate, in C) into this Node process, which parses the batch format and runs the bench's key-id regex
// over every blob decoded as latin1, like baseline-node.js does over files. No tree walk, no commit
// order, no attribution: the least work any history scanner in Node can do.
// Usage: node bench/baseline-catfile.js <repo>
//   -> prints {"objects":N,"blobs":N,"blobBytes":N,"matches":N,"distinct":N}
const { spawn } = require('node:child_process');
const { KEY_ID_SOURCE } = require('./baseline-node');
const { GIT_ENV } = require('./fixtures');

/**
 * Parses `git cat-file --batch` output ("<oid> <type> <size>\n<size bytes>\n" per object) from a stream,
 * calling onObject(type, buffer) for each; resolves when the stream ends. Chunks are copied only when an
 * object spans them.
 */
function parseBatch(stream, onObject) {
  let parts = []; // unconsumed chunks
  let have = 0; // their total length
  let need = -1; // body bytes wanted (+1 for the trailing LF) once a header has been read; -1: header
  let type = '';
  const take = (n) => {
    const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, have);
    parts = buf.length > n ? [buf.subarray(n)] : [];
    have = buf.length - n;
    return buf.subarray(0, n);
  };
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk) => {
      parts.push(chunk);
      have += chunk.length;
      for (;;) {
        if (need < 0) {
          const head = parts.length === 1 ? parts[0] : Buffer.concat(parts, have);
          parts = [head];
          const nl = head.indexOf(10);
          if (nl < 0) return;
          const line = head.toString('latin1', 0, nl);
          take(nl + 1);
          const [, t, size] = line.split(' ');
          if (t === undefined || size === undefined) {
            reject(new Error(`unexpected cat-file line: ${line}`));
            return;
          }
          type = t;
          need = Number(size) + 1;
        }
        if (have < need) return;
        const body = take(need);
        onObject(type, body.subarray(0, need - 1));
        need = -1;
      }
    });
    stream.on('end', () =>
      have === 0 && need < 0 ? resolve() : reject(new Error('cat-file output ended mid-object')),
    );
    stream.on('error', reject);
  });
}

async function scan(repo) {
  const git = spawn('git', ['cat-file', '--batch-all-objects', '--batch', '--unordered'], {
    cwd: repo,
    env: GIT_ENV,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => git.on('close', resolve));
  const re = new RegExp(KEY_ID_SOURCE, 'g');
  const ids = new Set();
  const stats = { objects: 0, blobs: 0, blobBytes: 0, matches: 0, distinct: 0 };
  await parseBatch(git.stdout, (type, body) => {
    stats.objects++;
    if (type !== 'blob') return;
    stats.blobs++;
    stats.blobBytes += body.length;
    const text = body.toString('latin1');
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      stats.matches++;
      ids.add(m[1]);
    }
  });
  const code = await exited;
  if (code !== 0) throw new Error(`git cat-file exited with ${code}`);
  stats.distinct = ids.size;
  return stats;
}

module.exports = { parseBatch, scan };

if (require.main === module) {
  const repo = process.argv[2];
  if (!repo) {
    console.error('usage: node bench/baseline-catfile.js <repo>');
    process.exit(2);
  }
  scan(repo).then(
    (stats) => console.log(JSON.stringify(stats)),
    (err) => {
      console.error(err.message);
      process.exitCode = 1;
    },
  );
}
