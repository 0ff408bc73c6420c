// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// Generates (once, then caches) a deterministic working tree of realistic source for `npm run bench`.
// Usage: node bench/generate-tree.js [--force]    env: KEYSWEEP_BENCH_DIR, KEYSWEEP_BENCH_MB
// The tree lives outside the repo (default $TMPDIR/keysweep-bench/tree-v1) so it never gets committed, linted or
// picked up by jest, and it is not a git repo and has no .gitignore, so every scanner reads every file.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { makeRand, generateFile, B32, B64 } = require('./content');

// Bump when the output of content.js or this file changes, so cached trees from older versions are rebuilt.
const GENERATOR_VERSION = 1;
const SEED = 0x6b657973; // "keys"
const PLANT_COUNT = 10;
const KB = 1024;
const MB = 1024 * 1024;
const MAX_FILE = 2 * MB;

const EXT = {
  js: '.js',
  ts: '.ts',
  py: '.py',
  go: '.go',
  java: '.java',
  json: '.json',
  yaml: '.yaml',
  md: '.md',
  minjs: '.min.js',
};
// Relative file counts: roughly a polyglot monorepo, heavier on JS/TS.
const WEIGHTS = { ts: 22, js: 18, py: 16, go: 12, java: 10, json: 8, yaml: 6, md: 6, minjs: 1 };
const DIRS = {
  js: (r) => `packages/${r.word()}-${r.word()}/lib/${r.word()}`,
  ts: (r) => `packages/${r.word()}-${r.word()}/src/${r.word()}`,
  py: (r) => `python/${r.word()}/${r.word()}`,
  go: (r) => `services/${r.word()}/internal/${r.word()}`,
  java: (r) => `java/src/main/java/com/example/${r.word()}/${r.word()}`,
  json: (r) => `packages/${r.word()}-${r.word()}`,
  yaml: (r) => `deploy/${r.word()}/${r.word()}`,
  md: (r) => `docs/${r.word()}/${r.word()}`,
  minjs: (r) => `web/${r.word()}/static/js`,
};

// Planted credentials, one snippet shape per language. The key id and secret are drawn from the PRNG at
// generation time, so no credential-shaped literal exists in this repo for keysweep's own self-scan to trip on.
const PLANT = {
  py: (k, s) => `aws_access_key_id = "${k}"\naws_secret_access_key = "${s}"\n`,
  js: (k, s) => `const aws_access_key_id = '${k}';\nconst aws_secret_access_key = '${s}';\n`,
  ts: (k, s) => `export const aws_access_key_id = '${k}';\nexport const aws_secret_access_key = '${s}';\n`,
  go: (k, s) => `var aws_access_key_id = "${k}"\nvar aws_secret_access_key = "${s}"\n`,
  java: (k, s) =>
    `    static final String aws_access_key_id = "${k}";\n    static final String aws_secret_access_key = "${s}";\n`,
  md: (k, s) => `\`\`\`ini\n[default]\naws_access_key_id = ${k}\naws_secret_access_key = ${s}\n\`\`\`\n`,
  yaml: (k, s) =>
    `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-credentials\ndata:\n  credentials: |\n    [default]\n    aws_access_key_id = ${k}\n    aws_secret_access_key = ${s}\n`,
};

function options() {
  const dir = process.env.KEYSWEEP_BENCH_DIR || path.join(os.tmpdir(), 'keysweep-bench');
  const mb = Number(process.env.KEYSWEEP_BENCH_MB || 100);
  if (!(mb > 0))
    throw new Error(`KEYSWEEP_BENCH_MB must be a positive number, got "${process.env.KEYSWEEP_BENCH_MB}"`);
  const name = `tree-v${GENERATOR_VERSION}`;
  return { mb, root: path.join(dir, name), markerFile: path.join(dir, `${name}.json`) };
}

/** Log-uniform size between lo and hi, so small files dominate the count and large files dominate the bytes. */
const logUniform = (r, lo, hi) =>
  Math.round(Math.exp(Math.log(lo) + r.rng() * (Math.log(hi) - Math.log(lo))));
function pickSize(r, lang) {
  if (lang === 'minjs') return logUniform(r, 100 * KB, MAX_FILE - 8 * KB);
  const u = r.rng();
  if (u < 0.9) return logUniform(r, KB, 32 * KB);
  if (u < 0.99) return logUniform(r, 32 * KB, 256 * KB);
  return logUniform(r, 256 * KB, MAX_FILE - 8 * KB); // headroom: a file may overshoot its target by one chunk
}
function pickLang(r) {
  const total = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
  let x = r.rng() * total;
  for (const [lang, w] of Object.entries(WEIGHTS)) {
    x -= w;
    if (x < 0) return lang;
  }
  return 'ts';
}

/** Writes the tree into `dest`; returns the manifest stored in the marker file. */
function generate(dest, mb) {
  const r = makeRand(SEED);
  const keys = makeRand(SEED ^ 0x5eed); // separate stream: planting never shifts the rest of the tree
  const target = mb * MB;
  const pools = {};
  const used = new Set();
  const planted = [];
  let bytes = 0;
  let files = 0;
  while (bytes < target) {
    const lang = pickLang(r);
    // ~12 files per directory on average: new directories appear as the tree grows, like a real repo.
    pools[lang] ??= [];
    if (pools[lang].length === 0 || r.chance(1 / 12)) pools[lang].push(DIRS[lang](r));
    const dir = r.pick(pools[lang]);
    let rel = `${dir}/${lang === 'java' ? r.pascal() : r.snake()}${EXT[lang]}`;
    for (let i = 2; used.has(rel); i++) rel = `${dir}/${r.snake()}_${i}${EXT[lang]}`;
    used.add(rel);

    const f = generateFile(r, lang, pickSize(r, lang));
    // Spread the planted keys through the tree: plant #i in the first eligible file past i/PLANT_COUNT of it.
    let keyId = null;
    if (PLANT[lang] && planted.length < PLANT_COUNT && bytes >= (planted.length * target) / PLANT_COUNT) {
      keyId = `AKIA${keys.pick('QRSTUVWXYZ234567')}${keys.chars(B32, 15)}`;
      f.chunks.splice(Math.floor(f.chunks.length / 2), 0, PLANT[lang](keyId, keys.chars(B64, 40)));
    }
    const text = f.head + f.chunks.join(f.sep) + f.tail;
    if (keyId) {
      const line = text.slice(0, text.indexOf(keyId)).split('\n').length;
      planted.push({ path: rel, line, keyId, lang });
    }
    fs.mkdirSync(path.join(dest, dir), { recursive: true });
    fs.writeFileSync(path.join(dest, rel), text);
    bytes += text.length; // ASCII only, so length === bytes
    files++;
  }
  return { generatorVersion: GENERATOR_VERSION, seed: SEED, targetMb: mb, bytes, files, planted };
}

/**
 * Returns { root, manifest }, generating the tree unless a marker with the same version, seed and size exists.
 * The tree is built in a sibling directory and renamed into place, and the marker is written last, so an
 * interrupted run never leaves a half tree that looks valid. The marker sits beside the tree, not inside it,
 * because it lists the planted key ids and must not add matches of its own.
 */
function ensureTree({ force = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const { mb, root, markerFile } = options();
  if (!force && fs.existsSync(root)) {
    try {
      const m = JSON.parse(fs.readFileSync(markerFile, 'utf8'));
      if (m.generatorVersion === GENERATOR_VERSION && m.seed === SEED && m.targetMb === mb) {
        return { root, manifest: m, reused: true };
      }
    } catch {
      // missing or corrupt marker: regenerate below
    }
  }
  log(`generating ${mb} MB benchmark tree in ${root} ...`);
  const t0 = process.hrtime.bigint();
  const tmp = `${root}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const manifest = generate(tmp, mb);
  fs.rmSync(markerFile, { force: true });
  fs.rmSync(root, { recursive: true, force: true });
  fs.renameSync(tmp, root);
  fs.writeFileSync(markerFile, `${JSON.stringify(manifest, null, 2)}\n`);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  log(`generated ${manifest.files} files, ${(manifest.bytes / MB).toFixed(1)} MB in ${secs.toFixed(1)} s`);
  return { root, manifest, reused: false };
}

module.exports = { ensureTree, GENERATOR_VERSION, DIRS, EXT, PLANT, pickLang, logUniform };

if (require.main === module) {
  const { root, manifest, reused } = ensureTree({ force: process.argv.includes('--force') });
  const mbs = (manifest.bytes / MB).toFixed(1);
  console.log(`${reused ? 'reused' : 'created'} ${root}: ${manifest.files} files, ${mbs} MB`);
  console.log(`${manifest.planted.length} planted key ids:`);
  for (const p of manifest.planted) console.log(`  ${p.path}:${p.line}  ${p.keyId}`);
}
