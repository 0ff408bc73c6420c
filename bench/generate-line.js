// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// Generates (once, then caches) the single-line input: a directory holding one minified-JS-like bundle of
// 50 MiB (scaled by KEYSWEEP_BENCH_MB / 100) on one line, with an AWS credential at the very end of that line.
// A worst case for line-oriented work (line index, "same line" context checks, per-line regexes).
// The key id and its position are written to the marker beside the directory (line-vN.json).
// Usage: node bench/generate-line.js [--force]    env: KEYSWEEP_BENCH_DIR, KEYSWEEP_BENCH_MB
const fs = require('node:fs');
const path = require('node:path');
const { FakeKeys } = require('../lib/devtools/fake-keys.js');
const { generateChunk, makeRand } = require('./content');
const { benchDir, benchMb, ensureCached, MB } = require('./fixtures');

// Bump when the output of this file (or of content.js) changes, so the cached file is rebuilt.
const GENERATOR_VERSION = 1;
const SEED = 0x6c696e65; // "line"
const FILE = 'bundle.min.js';

function options() {
  const mb = benchMb();
  return {
    name: `line-v${GENERATOR_VERSION}`,
    params: { generatorVersion: GENERATOR_VERSION, seed: SEED, targetMb: mb },
    bytes: Math.round((50 * MB * mb) / 100),
  };
}

function generate(dir, bytes) {
  const r = makeRand(SEED);
  const keys = new FakeKeys(SEED ^ 0x5eed);
  const fd = fs.openSync(path.join(dir, FILE), 'w');
  let text = `/*! ${r.word()} v${r.int(9)}.${r.int(9)}.${r.int(9)} | MIT */!function(){"use strict";`;
  let size = 0;
  const keyId = keys.keyId();
  const tail = `var aws_access_key_id="${keyId}",aws_secret_access_key="${keys.secret()}";}();\n`;
  while (size + text.length + tail.length < bytes) {
    text += generateChunk(r, 'minjs');
    if (text.length >= 1 << 20) {
      size += fs.writeSync(fd, text);
      text = '';
    }
  }
  text += tail;
  const column = size + text.indexOf(keyId) + 1;
  size += fs.writeSync(fd, text);
  fs.closeSync(fd);
  return { files: 1, bytes: size, file: FILE, planted: [{ path: FILE, line: 1, column, keyId }] };
}

/** Returns { root, manifest, reused }, writing the file unless an identical one is cached. */
function ensureLine({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const { name, params, bytes } = options();
  return ensureCached(
    name,
    params,
    (tmp, say) => {
      say(`generating a ${(bytes / MB).toFixed(0)} MB single-line file in ${tmp} ...`);
      return generate(tmp, bytes);
    },
    { log },
  );
}

module.exports = { ensureLine, GENERATOR_VERSION };

if (require.main === module) {
  if (process.argv.includes('--force'))
    fs.rmSync(path.join(benchDir(), `${options().name}.json`), { force: true });
  ensureLine().then(
    ({ root, manifest: m, reused }) => {
      console.log(`${reused ? 'reused' : 'created'} ${root}: ${m.file}, ${(m.bytes / MB).toFixed(1)} MB`);
      for (const p of m.planted) console.log(`  planted ${p.keyId} at ${p.path}:${p.line}:${p.column}`);
    },
    (err) => {
      console.error(err.stack ?? err);
      process.exitCode = 1;
    },
  );
}
