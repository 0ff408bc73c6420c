// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// Generates (once, then caches) the many-files input: a directory of 100,000 small code-like files (100
// directories of 1,000; 100 to 1,000 bytes each), with one AWS key id planted. The load case of the
// reliability issue: what a walk of that many entries costs in time and, above all, peak memory.
// Usage: node bench/generate-many.js [--force]    env: KEYSWEEP_BENCH_DIR
const fs = require('node:fs');
const path = require('node:path');
const { FakeKeys } = require('../lib/devtools/fake-keys.js');
const { generateFile, makeRand } = require('./content');
const { benchDir, ensureCached, MB } = require('./fixtures');
const { EXT } = require('./generate-tree');

// Bump when the output of this file (or of content.js) changes, so the cached tree is rebuilt.
const GENERATOR_VERSION = 1;
const SEED = 0x6d616e79; // "many"
const DIRS = 100;
const PER_DIR = 1000;
const NAME = `many-v${GENERATOR_VERSION}`;
const PARAMS = { generatorVersion: GENERATOR_VERSION, seed: SEED, files: DIRS * PER_DIR };

function generate(root, log) {
  const r = makeRand(SEED);
  const keys = new FakeKeys(SEED ^ 0x5eed);
  const plantDir = r.int(DIRS);
  const plantFile = r.int(PER_DIR);
  let bytes = 0;
  let planted;
  for (let d = 0; d < DIRS; d++) {
    const dir = path.join(root, `pkg${String(d).padStart(3, '0')}`);
    fs.mkdirSync(dir);
    for (let f = 0; f < PER_DIR; f++) {
      const lang = r.pick(['js', 'py', 'go', 'java']);
      const file = generateFile(r, lang, 100 + r.int(900));
      let text = file.head + file.chunks.join(file.sep) + file.tail;
      const name = `m${String(f).padStart(4, '0')}${EXT[lang]}`;
      if (d === plantDir && f === plantFile) {
        const keyId = keys.keyId();
        const line = text.split('\n').length;
        text += `AWS_ACCESS_KEY_ID = "${keyId}"\n`;
        planted = { path: `${path.basename(dir)}/${name}`, line, column: 22, keyId };
      }
      fs.writeFileSync(path.join(dir, name), text);
      bytes += text.length;
    }
    if (d % 20 === 19) log(`  many: ${(d + 1) * PER_DIR} files ...`);
  }
  return { files: DIRS * PER_DIR, bytes, planted: [planted] };
}

/** Returns { root, manifest, reused }, writing the tree unless an identical one is cached. */
function ensureMany({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  return ensureCached(
    NAME,
    PARAMS,
    (tmp, say) => {
      say(`generating ${DIRS * PER_DIR} small files in ${tmp} ...`);
      return generate(tmp, say);
    },
    { log },
  );
}

module.exports = { ensureMany, GENERATOR_VERSION };

if (require.main === module) {
  if (process.argv.includes('--force')) fs.rmSync(path.join(benchDir(), `${NAME}.json`), { force: true });
  ensureMany().then(
    ({ root, manifest: m, reused }) => {
      console.log(
        `${reused ? 'reused' : 'created'} ${root}: ${m.files} files, ${(m.bytes / MB).toFixed(1)} MB`,
      );
      for (const p of m.planted) console.log(`  planted ${p.keyId} at ${p.path}:${p.line}:${p.column}`);
    },
    (err) => {
      console.error(err.stack ?? err);
      process.exitCode = 1;
    },
  );
}
