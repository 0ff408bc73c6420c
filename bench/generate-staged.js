// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// Generates (once, then caches) the pre-commit input for `keysweep staged`: a repository of 10,000 small
// code-like files in one commit (written with `git fast-import`, fixed identity and date, then checked out),
// with 10 of them then edited and `git add`ed. One of the 10 gets an AWS credential, which keysweep must
// report; it is listed in the marker beside the repo (staged-vN.json).
// Usage: node bench/generate-staged.js [--force]    env: KEYSWEEP_BENCH_DIR
const fs = require('node:fs');
const path = require('node:path');
const { FakeKeys } = require('../lib/devtools/fake-keys.js');
const { generateChunk, generateFile, makeRand } = require('./content');
const { benchDir, data, ensureCached, FastImport, git } = require('./fixtures');
const { DIRS, EXT, PLANT, logUniform, pickLang } = require('./generate-tree');

// Bump when the output of this file (or of content.js) changes, so cached repositories are rebuilt.
const GENERATOR_VERSION = 1;
const SEED = 0x73746167; // "stag"
const FILES = 10000;
const STAGED = 10;
const PLANT_AT = 3; // which of the staged files gets the credential
const NAME = `staged-v${GENERATOR_VERSION}`;
const PARAMS = { generatorVersion: GENERATOR_VERSION, seed: SEED, files: FILES, staged: STAGED };

const textOf = (f) => f.head + f.chunks.join(f.sep) + f.tail;

async function generate(repo, log) {
  const r = makeRand(SEED);
  const keys = new FakeKeys(SEED ^ 0x5eed);
  git(['init', '-q', '-b', 'main', repo]);
  const files = new Map();
  const dirs = {};
  while (files.size < FILES) {
    let lang = pickLang(r);
    if (lang === 'minjs') lang = 'js'; // no bundles: every file is small source
    dirs[lang] ??= [];
    if (dirs[lang].length === 0 || r.chance(1 / 12)) dirs[lang].push(DIRS[lang](r));
    const rel = `${r.pick(dirs[lang])}/${lang === 'java' ? r.pascal() : r.snake()}${EXT[lang]}`;
    if (!files.has(rel)) files.set(rel, { lang, ...generateFile(r, lang, logUniform(r, 300, 8 * 1024)) });
  }
  log(`  staged: writing ${files.size} files in one commit ...`);
  const fi = new FastImport(repo);
  let mark = 0;
  const ops = [];
  for (const [rel, f] of files) {
    await fi.write(`blob\nmark :${++mark}\n${data(textOf(f))}`);
    ops.push(`M 100644 :${mark} ${rel}\n`);
  }
  const ident = 'Avery Quinn <avery.quinn@example.com> 1704067200 +0000';
  await fi.write(
    `commit refs/heads/main\nmark :${++mark}\nauthor ${ident}\ncommitter ${ident}\n${data('Import\n')}${ops.join('')}\n`,
  );
  await fi.end();
  git(['reset', '-q', '--hard', 'main'], { cwd: repo }); // working tree and index, as after a clone

  // Ten edits, staged: new code inserted into each file, a credential into one of them.
  const paths = [...files.keys()];
  const staged = [];
  const planted = [];
  while (staged.length < STAGED) {
    const rel = r.pick(paths);
    const f = files.get(rel);
    if (staged.includes(rel) || (staged.length === PLANT_AT && !PLANT[f.lang])) continue;
    const chunks = f.chunks.slice();
    const at = 1 + r.int(chunks.length);
    if (staged.length === PLANT_AT) {
      const keyId = keys.keyId();
      chunks.splice(at, 0, PLANT[f.lang](keyId, keys.secret()));
      const text = textOf({ ...f, chunks });
      planted.push({ path: rel, line: text.slice(0, text.indexOf(keyId)).split('\n').length, keyId });
    } else chunks.splice(at, 0, generateChunk(r, f.lang));
    fs.writeFileSync(path.join(repo, rel), textOf({ ...f, chunks }));
    staged.push(rel);
  }
  git(['add', '--', ...staged], { cwd: repo });
  const bytes = [...files.values()].reduce((s, f) => s + textOf(f).length, 0);
  return {
    files: files.size,
    bytes,
    head: git(['rev-parse', 'HEAD'], { cwd: repo }).trim(),
    stagedPaths: staged,
    planted,
  };
}

/** Returns { root, manifest, reused }, building the repository unless an identical one is cached. */
function ensureStaged({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  return ensureCached(
    NAME,
    PARAMS,
    (tmp, say) => {
      say(`generating the staged-change repository (${FILES} files, ${STAGED} staged) in ${tmp} ...`);
      return generate(tmp, say);
    },
    { log },
  );
}

module.exports = { ensureStaged, GENERATOR_VERSION };

if (require.main === module) {
  if (process.argv.includes('--force')) fs.rmSync(path.join(benchDir(), `${NAME}.json`), { force: true });
  ensureStaged().then(
    ({ root, manifest: m, reused }) => {
      console.log(
        `${reused ? 'reused' : 'created'} ${root}: ${m.files} files, ${m.stagedPaths.length} staged`,
      );
      for (const p of m.planted) console.log(`  planted ${p.keyId} at ${p.path}:${p.line}`);
    },
    (err) => {
      console.error(err.stack ?? err);
      process.exitCode = 1;
    },
  );
}
