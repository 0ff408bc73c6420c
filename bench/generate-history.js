// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// Generates (once, then caches) a deterministic git repository with a long history, for `keysweep history`.
// Usage: node bench/generate-history.js [--force]    env: KEYSWEEP_BENCH_DIR, KEYSWEEP_BENCH_MB
//
// The history is written as one `git fast-import` stream (no working tree is touched while it is built), then
// repacked into a single pack like a fresh clone. At the default size it has >= 5,000 commits and >= 20,000
// unique blobs holding >= 100 MB (uncompressed) of code-like content from content.js. Commits modify, add,
// delete and rename files; feature branches fork and merge back; a release branch and an experiment branch
// stay unmerged; annotated and lightweight tags mark releases. Authors, committers and dates are fixed, so
// the same seed always gives the same commit ids. Ten AWS credentials are planted in commits that a later
// commit deletes or changes; they are listed in the marker file beside the repo (history-vN.json).
const fs = require('node:fs');
const path = require('node:path');
const { FakeKeys } = require('../lib/devtools/fake-keys.js');
const { generateChunk, generateFile, makeRand } = require('./content');
const { benchMb, blobId, data, ensureCached, FastImport, git, MB, objectStats } = require('./fixtures');
const { DIRS, EXT, PLANT, logUniform } = require('./generate-tree');

// Bump when the output of this file (or of content.js) changes, so cached repositories are rebuilt.
const GENERATOR_VERSION = 1;
const SEED = 0x68697374; // "hist"
const KB = 1024;
// At KEYSWEEP_BENCH_MB=100. Commits are generated until all three minimums are reached.
const MIN_COMMITS = 5000;
const MIN_BLOBS = 20000;
const INITIAL_FILES = 400;
const FEATURES = 12; // feature branches over the whole history; the last two keep their refs after merging
const START = 1577836800; // 2020-01-01T00:00:00Z

const WEIGHTS = { ts: 22, js: 18, py: 16, go: 12, java: 10, json: 4, yaml: 6, md: 6 };
const AUTHORS = [
  ['Avery Quinn', 'avery.quinn@example.com', '+0000'],
  ['Blake Moreno', 'blake@example.com', '-0500'],
  ['Casey Lindqvist', 'casey.lindqvist@example.org', '+0100'],
  ['Devon Okafor', 'devon.okafor@example.com', '+0100'],
  ['Emery Tanaka', 'emery@example.net', '+0900'],
  ['Finley Rossi', 'finley.rossi@example.com', '+0200'],
  ['Harper Novak', 'harper.novak@example.com', '-0800'],
  ['Jordan Silva', 'jordan.silva@example.org', '-0300'],
];
const VERBS = [
  'Fix',
  'Add',
  'Update',
  'Refactor',
  'Remove',
  'Rename',
  'Document',
  'Handle',
  'Tidy',
  'Speed up',
];

// Planted credentials: when (fraction of MIN_COMMITS), on which branch, how they enter and how they leave.
//   edit: a credentials snippet inserted into an existing file; new: a new file holding it;
//   leave: 'chunk' deletes the snippet, 'env' replaces it with an environment lookup, 'file' deletes the
//   file, 'rename' renames the file and later deletes the snippet. Removals happen on `removeOn`, `wait`
//   commits of that branch later (a key from a feature branch: on main's first commit after the merge).
const PLANS = [
  { at: 0.04, branch: 'main', enter: 'edit', leave: 'chunk', removeOn: 'main', wait: 12 },
  { at: 0.12, branch: 'main', enter: 'new', leave: 'file', removeOn: 'main', wait: 30 },
  { at: 0.2, branch: 'main', enter: 'edit', leave: 'rename', removeOn: 'main', wait: 8 },
  { at: 0.3, branch: 'feature', enter: 'new', leave: 'chunk', removeOn: 'main', wait: 0 },
  { at: 0.38, branch: 'main', enter: 'edit', leave: 'env', removeOn: 'main', wait: 20 },
  { at: 0.55, branch: 'release', enter: 'edit', leave: 'chunk', removeOn: 'release', wait: 15 },
  { at: 0.62, branch: 'main', enter: 'new', leave: 'file', removeOn: 'main', wait: 25 },
  { at: 0.7, branch: 'main', enter: 'edit', leave: 'file', removeOn: 'main', wait: 18 },
  { at: 0.82, branch: 'experiment', enter: 'edit', leave: 'chunk', removeOn: 'experiment', wait: 12 },
  { at: 0.88, branch: 'main', enter: 'edit', leave: 'env', removeOn: 'main', wait: 10 },
];
const ENV_LOOKUP = {
  py: 'aws_session = boto3.Session(profile_name=os.environ.get("AWS_PROFILE"))\n',
  js: 'const awsProfile = process.env.AWS_PROFILE; // credentials come from the environment\n',
  ts: "export const awsProfile = process.env.AWS_PROFILE ?? 'default';\n",
  go: 'var awsProfile = os.Getenv("AWS_PROFILE")\n',
  java: '    static final String AWS_PROFILE = System.getenv("AWS_PROFILE");\n',
  md: 'Credentials come from your AWS profile (`AWS_PROFILE`); never paste keys here.\n',
  yaml: '---\n# credentials come from the pod identity, not from this manifest\n',
};

function options() {
  const mb = benchMb();
  const scale = mb / 100;
  return {
    name: `history-v${GENERATOR_VERSION}`,
    params: { generatorVersion: GENERATOR_VERSION, seed: SEED, targetMb: mb },
    minCommits: Math.max(60, Math.round(MIN_COMMITS * scale)),
    minBlobs: Math.max(200, Math.round(MIN_BLOBS * scale)),
    minBytes: mb * MB,
  };
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

/** File versions are immutable: an edit makes a new object, so branches can share the unchanged ones. */
const textOf = (f) => f.head + f.chunks.join(f.sep) + f.tail;

/** The history model: branches as path -> file maps, and the fast-import stream that records them. */
class History {
  constructor(fi, opts) {
    this.fi = fi;
    this.opts = opts;
    this.r = makeRand(SEED);
    this.keys = new FakeKeys(SEED ^ 0x5eed); // separate stream, as in the tree
    this.mark = 0;
    this.time = START;
    this.commits = 0;
    this.blobIds = new Map(); // blob id -> mark
    this.blobBytes = 0;
    this.branches = new Map();
    this.plantChunks = new Set(); // snippets still in some branch: random edits leave them alone
    this.planted = [];
    this.deleteRefs = [];
    this.tags = [];
    this.names = new Set(); // feature branch names, never reused
  }

  branch(name, from) {
    const b = {
      name,
      ref: `refs/heads/${name}`,
      files: new Map(from ? from.files : []),
      base: from ? new Map(from.files) : null, // the fork point, for the merge
      tip: from ? from.tip : null,
      count: 0,
      paths: null, // cached [...files.keys()], invalidated when paths come and go
    };
    this.branches.set(name, b);
    return b;
  }

  paths(b) {
    b.paths ??= [...b.files.keys()];
    return b.paths;
  }

  newPath(b, lang) {
    const r = this.r;
    for (;;) {
      const rel = `${DIRS[lang](r)}/${lang === 'java' ? r.pascal() : r.snake()}${EXT[lang]}`;
      if (!b.files.has(rel)) return rel;
    }
  }

  newFile(lang) {
    const r = this.r;
    const size = r.chance(0.95) ? logUniform(r, 400, 10 * KB) : logUniform(r, 10 * KB, 64 * KB);
    return { lang, ...generateFile(r, lang, size), mark: 0 };
  }

  /** A changed copy of `f`: a few chunks replaced, inserted or deleted (never chunk 0, never a planted one). */
  edit(f) {
    const r = this.r;
    const chunks = f.chunks.slice();
    for (let i = r.range(1, 3); i > 0; i--) {
      const k = r.int(10);
      if (chunks.length < 3 || k >= 8) chunks.splice(1 + r.int(chunks.length), 0, generateChunk(r, f.lang));
      else {
        const at = 1 + r.int(chunks.length - 1);
        if (this.plantChunks.has(chunks[at])) continue;
        if (k === 5 || k === 6) chunks.splice(at, 1);
        else chunks[at] = generateChunk(r, f.lang);
      }
    }
    return { ...f, chunks, mark: 0 };
  }

  holdsPlant(f) {
    return f.chunks.some((c) => this.plantChunks.has(c));
  }

  /** A random existing path of `b` whose file content.js can edit (not a planted credentials file). */
  pickPath(b, ok = () => true) {
    const paths = this.paths(b);
    for (let tries = 0; tries < 20; tries++) {
      // A fifth of the edits go to the oldest files, which stay "hot" as in real repos.
      const p = this.r.chance(0.2)
        ? paths[this.r.int(Math.min(60, paths.length))]
        : paths[this.r.int(paths.length)];
      const f = b.files.get(p);
      if (f.lang in WEIGHTS && ok(f)) return p;
    }
    return null;
  }

  /** Random work for one commit: a map path -> new file version, or null for a deletion. */
  randomChanges(b) {
    const r = this.r;
    const changes = new Map();
    const u = r.rng();
    const n = u < 0.3 ? 1 : u < 0.55 ? 2 : u < 0.85 ? r.range(3, 6) : r.range(7, 14);
    for (let i = 0; i < n; i++) {
      const k = r.int(100);
      if (k < 76) {
        const p = this.pickPath(b);
        if (p) changes.set(p, this.edit(changes.get(p) ?? b.files.get(p)));
      } else if (k < 89) {
        const lang = pickLang(r);
        changes.set(this.newPath(b, lang), this.newFile(lang));
      } else if (k < 95) {
        const p = this.pickPath(b, (f) => !this.holdsPlant(f));
        if (p && b.files.size > 50) changes.set(p, null);
      } else {
        const p = this.pickPath(b);
        if (p && !changes.has(p)) {
          const f = b.files.get(p);
          changes.set(p, null);
          changes.set(this.renamed(b, p), r.chance(0.5) ? this.edit(f) : f);
        }
      }
    }
    return changes;
  }

  renamed(b, p) {
    const r = this.r;
    const ext = p.endsWith('.min.js') ? '.min.js' : path.posix.extname(p);
    for (;;) {
      const dir = r.chance(0.6) ? path.posix.dirname(p) : DIRS[b.files.get(p).lang](r);
      const to = `${dir}/${r.snake()}${ext}`;
      if (!b.files.has(to)) return to;
    }
  }

  /** Writes the blob of `f` (once per distinct content) and sets f.mark. */
  async blob(f) {
    if (f.mark) return;
    const text = textOf(f);
    const id = blobId(text);
    const known = this.blobIds.get(id);
    if (known) {
      f.mark = known;
      return;
    }
    f.mark = ++this.mark;
    this.blobIds.set(id, f.mark);
    this.blobBytes += text.length;
    await this.fi.write(`blob\nmark :${f.mark}\n${data(text)}`);
  }

  /** Records one commit on `b` with these changes (path -> file or null); returns its mark. */
  async commit(b, changes, { message, merge } = {}) {
    const r = this.r;
    for (const f of changes.values()) if (f) await this.blob(f);
    this.time += r.range(300, 20000);
    const [name, email, tz] = r.pick(AUTHORS);
    const ident = `${name} <${email}> ${this.time} ${tz}`;
    const msg =
      message ??
      `${r.pick(VERBS)} ${r.words(r.range(2, 6)).join(' ')}\n${r.chance(0.5) ? `\n${r.sentence()} ${r.sentence()}\n` : ''}`;
    const ops = [];
    for (const [p, f] of changes) {
      if (f) {
        if (!b.files.has(p)) b.paths = null;
        b.files.set(p, f);
      } else if (b.files.delete(p)) {
        b.paths = null;
        ops.unshift(`D ${p}\n`); // deletions first, so a path can be deleted and another one written
        continue;
      }
      if (f) ops.push(`M 100644 :${f.mark} ${p}\n`);
    }
    const mark = ++this.mark;
    const parents = `${b.tip ? `from :${b.tip}\n` : ''}${merge ? `merge :${merge}\n` : ''}`;
    await this.fi.write(
      `commit ${b.ref}\nmark :${mark}\nauthor ${ident}\ncommitter ${ident}\n${data(msg)}${parents}${ops.join('')}\n`,
    );
    b.tip = mark;
    b.count++;
    this.commits++;
    return mark;
  }

  async tag(name, b, annotated = true) {
    if (annotated) {
      const [who, email, tz] = AUTHORS[0];
      await this.fi.write(
        `tag ${name}\nfrom :${b.tip}\ntagger ${who} <${email}> ${this.time + 60} ${tz}\n${data(`Release ${name}\n`)}`,
      );
    } else await this.fi.write(`reset refs/tags/${name}\nfrom :${b.tip}\n\n`);
    this.tags.push(name);
  }

  /** Merges feature `f` into main: the feature's changes since the fork win unless main changed the path too. */
  async merge(main, f) {
    const changes = new Map();
    for (const p of new Set([...f.files.keys(), ...f.base.keys()])) {
      const ours = f.files.get(p);
      if (ours !== f.base.get(p) && main.files.get(p) === f.base.get(p)) changes.set(p, ours ?? null);
    }
    return this.commit(main, changes, { message: `Merge branch '${f.name}'\n`, merge: f.tip });
  }

  /** Plants a credential on branch `b` as part of `changes`; returns false if no suitable file exists. */
  plant(plan, b, changes) {
    const r = this.r;
    const keyId = this.keys.keyId();
    const secret = this.keys.secret();
    let p;
    let f;
    if (plan.enter === 'new') {
      const lang = r.pick(['py', 'ts', 'yaml']);
      p = this.newPath(b, lang);
      f = this.newFile(lang);
    } else {
      p = this.pickPath(b, (x) => x.lang in PLANT && !this.holdsPlant(x));
      if (!p || changes.has(p)) return false;
      f = b.files.get(p);
    }
    const snippet = PLANT[f.lang](keyId, secret);
    const chunks = f.chunks.slice();
    chunks.splice(1 + r.int(chunks.length), 0, snippet);
    f = { ...f, chunks, mark: 0 };
    changes.set(p, f);
    this.plantChunks.add(snippet);
    const text = textOf(f);
    const line = text.slice(0, text.indexOf(keyId)).split('\n').length;
    this.planted.push({ ...plan, keyId, snippet, path: p, line, blob: blobId(text), file: f });
    return true;
  }

  /** Takes planted credential `p` out of branch `b` as part of `changes`; false while `b` doesn't hold it. */
  unplant(p, b, changes, stage) {
    const at = this.paths(b).find((x) => b.files.get(x).chunks.includes(p.snippet));
    if (!at || changes.has(at)) return false;
    const f = b.files.get(at);
    if (p.leave === 'rename' && stage === 0) {
      changes.set(at, null);
      changes.set(this.renamed(b, at), f);
      p.renamedTo = true;
      return true;
    }
    if (p.leave === 'file') changes.set(at, null);
    else {
      const chunks = f.chunks.map((c) => (c === p.snippet && p.leave === 'env' ? ENV_LOOKUP[f.lang] : c));
      changes.set(at, { ...f, chunks: chunks.filter((c) => c !== p.snippet), mark: 0 });
    }
    p.removedPath = at;
    return true;
  }
}

async function generate(repo, log, opts) {
  git(['init', '-q', '-b', 'main', repo]);
  const fi = new FastImport(repo);
  const h = new History(fi, opts);
  const r = h.r;
  const T = opts.minCommits;
  const main = h.branch('main');

  // The initial import.
  const first = new Map();
  for (let i = 0; i < Math.max(20, Math.round((INITIAL_FILES * T) / MIN_COMMITS)); i++) {
    const lang = pickLang(r);
    first.set(h.newPath(main, lang), h.newFile(lang));
  }
  await h.commit(main, first, { message: 'Initial import\n' });

  let feature = null;
  let features = 0;
  let release = null;
  let experiment = null;
  let nextTag = 1;
  const plans = PLANS.map((p) => ({ ...p, state: 'waiting', since: 0 }));
  let lastLog = 0;
  // The release and experiment branches live on until the key planted on them has been taken out again.
  const pending = (kind) => plans.some((p) => p.removeOn === kind && p.state !== 'removed');
  const done = () =>
    h.commits >= T &&
    h.blobIds.size >= opts.minBlobs &&
    h.blobBytes >= opts.minBytes &&
    !feature &&
    plans.every((p) => p.state === 'removed');

  while (!done()) {
    const n = h.commits;
    // Branch events, by position in the history.
    if (!feature && features < FEATURES && n >= (T * (features + 0.5)) / (FEATURES + 0.5)) {
      let name;
      do name = `feature/${r.word()}-${r.word()}`;
      while (h.names.has(name));
      h.names.add(name);
      feature = h.branch(name, main);
      feature.left = r.range(15, 60);
      features++;
    }
    if (nextTag <= 9 && n >= (T * nextTag) / 10) {
      const name = nextTag === 5 ? 'v1.0.0' : `v0.${nextTag}.0`;
      await h.tag(name, main);
      if (nextTag === 3) await h.tag('v0.3.0-rc.1', main, false);
      if (nextTag === 5) release = h.branch('release/1.x', main);
      nextTag++;
    }
    if (release && !release.closed && n >= 0.75 * T && !pending('release')) release.closed = true;
    if (!experiment && n >= 0.8 * T) {
      experiment = h.branch(`experiment/${r.word()}-${r.word()}`, main);
      experiment.left = 40;
    }

    // Which branch this commit goes to.
    let b = main;
    const u = r.rng();
    if (feature && u < 0.35) b = feature;
    else if (release && !release.closed && u >= 0.35 && u < 0.4) b = release;
    else if (experiment && (experiment.left > 0 || pending('experiment')) && u >= 0.4 && u < 0.7)
      b = experiment;

    const changes = h.randomChanges(b);
    const kind = b === main ? 'main' : b === feature ? 'feature' : b === release ? 'release' : 'experiment';
    for (const p of plans) {
      if (p.state === 'waiting' && p.branch === kind && n >= p.at * T && h.plant(p, b, changes)) {
        p.state = 'planted';
        p.since = b.count;
        p.record = h.planted[h.planted.length - 1];
        p.record.branch = b.name;
      } else if (p.state !== 'waiting' && p.state !== 'removed' && p.removeOn === kind) {
        // Commits on the removing branch since the last step (a key from another branch: once it is merged).
        const count = b === main && p.branch !== 'main' ? p.wait : b.count - p.since;
        const stage = p.state === 'planted' && p.leave === 'rename' ? 0 : 1;
        if (count >= p.wait && h.unplant(p.record, b, changes, stage)) {
          p.state = p.record.renamedTo && p.state === 'planted' ? 'renamed' : 'removed';
          p.since = b.count;
          p.pendingMark = true;
        }
      }
    }
    const mark = await h.commit(b, changes);
    for (const p of plans) {
      if (p.record && !p.record.commit) p.record.commit = mark;
      if (p.pendingMark) {
        if (p.state === 'removed') p.record.removedIn = mark;
        p.pendingMark = false;
      }
    }

    if (b === feature && --feature.left <= 0) {
      await h.merge(main, feature);
      if (features <= FEATURES - 2) h.deleteRefs.push(feature.ref);
      h.branches.delete(feature.name);
      feature = null;
    }
    if (b === experiment) experiment.left--;
    if (release && b === release && release.count % 8 === 0)
      await h.tag(`v1.0.${release.count / 8}`, release);

    if (h.commits - lastLog >= 500) {
      lastLog = h.commits;
      log(
        `  history: ${h.commits} commits, ${h.blobIds.size} blobs, ${(h.blobBytes / MB).toFixed(1)} MB of blobs`,
      );
    }
  }
  log(`  history: ${h.commits} commits written; git fast-import is finishing ...`);
  const marks = await fi.end();
  for (const ref of h.deleteRefs) git(['update-ref', '-d', ref], { cwd: repo });

  log('  history: git repack -adq (one pack, as in a fresh clone) ...');
  git(['repack', '-adq'], { cwd: repo });
  git(['pack-refs', '--all'], { cwd: repo });
  git(['reset', '-q', '--hard', 'main'], { cwd: repo }); // a working tree, like a clone's checkout

  const stats = objectStats(repo);
  const refs = git(['for-each-ref', '--format=%(refname)'], { cwd: repo }).trim().split('\n');
  const planted = h.planted.map((p) => ({
    keyId: p.keyId,
    path: p.path,
    line: p.line,
    blob: p.blob,
    commit: marks.get(p.commit),
    branch: p.branch,
    enter: p.enter,
    leave: p.leave,
    removedIn: p.removedIn ? marks.get(p.removedIn) : null,
    removedPath: p.removedPath ?? null,
  }));
  const notRemoved = planted.filter((p) => !p.removedIn);
  if (notRemoved.length)
    log(`  history: WARNING: ${notRemoved.length} planted keys were never removed (generator bug)`);
  return { ...stats, head: marks.get(main.tip), refs, planted };
}

/** Returns { root, manifest, reused }, building the repository unless an identical one is cached. */
async function ensureHistory({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const opts = options();
  return ensureCached(
    opts.name,
    opts.params,
    async (tmp, say) => {
      say(
        `generating benchmark history (>= ${opts.minCommits} commits, >= ${opts.minBlobs} blobs, >= ${opts.minBytes / MB} MB) in ${tmp} ...`,
      );
      return generate(tmp, say, opts);
    },
    { log },
  );
}

module.exports = { ensureHistory, GENERATOR_VERSION };

if (require.main === module) {
  if (process.argv.includes('--force')) {
    const { name } = options();
    fs.rmSync(path.join(require('./fixtures').benchDir(), `${name}.json`), { force: true });
  }
  ensureHistory().then(
    ({ root, manifest: m, reused }) => {
      console.log(
        `${reused ? 'reused' : 'created'} ${root}: ${m.commits} commits, ${m.blobs} blobs (${(m.blobBytes / MB).toFixed(1)} MB), ${m.trees} trees, pack ${(m.packBytes / MB).toFixed(1)} MB`,
      );
      console.log(`refs: ${m.refs.join(' ')}`);
      console.log(`${m.planted.length} planted key ids:`);
      for (const p of m.planted)
        console.log(
          `  ${p.keyId}  ${p.path}:${p.line}  blob ${p.blob.slice(0, 10)} commit ${p.commit?.slice(0, 10)} (${p.branch}, ${p.enter}/${p.leave}, removed in ${p.removedIn?.slice(0, 10)})`,
        );
    },
    (err) => {
      console.error(err.stack ?? err);
      process.exitCode = 1;
    },
  );
}
