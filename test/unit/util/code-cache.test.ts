import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RECORD_ENV, writeManifest } from '../../../src/util/code-cache';
import { TempTree } from '../../support/temp-tree';

/**
 * The code cache hooks Node's CommonJS loader, so each case runs in a child process (never in jest's
 * own) on the built util/code-cache.js (`npm test` builds lib/ first), with a small package of its own:
 * <root>/lib/mod.js requiring <root>/lib/dep.js, the cache in <root>/lib/code-cache/.
 */
const CODE_CACHE_JS = path.resolve(__dirname, '..', '..', '..', 'lib', 'util', 'code-cache.js');
const LIB = path.resolve(__dirname, '..', '..', '..', 'lib');

const MODULE = `const dep = require('./dep');
exports.value = dep.x + 1;
exports.resolved = require.resolve('./dep');
exports.paths = Array.isArray(require.resolve.paths('anything'));
exports.cached = require.cache[require.resolve('./dep')] !== undefined;
exports.names = [__filename, __dirname].map((name) => require('node:path').basename(name));
exports.self = module.exports === exports && this === exports;
exports.stack = new Error('where').stack.split('\\n')[1].includes('mod.js');
`;

function makePackage(): TempTree {
  const tree = new TempTree();
  tree.write('lib/mod.js', MODULE);
  tree.write('lib/dep.js', 'exports.x = 41;\n');
  return tree;
}

/** Loads <root>/lib/mod.js in a child process, with the code cache of <root>/lib/code-cache/. */
function load(tree: TempTree, options: { record?: boolean; nodeFlags?: string[]; hook?: boolean } = {}) {
  const dir = tree.path('lib/code-cache');
  const script = `
    const cache = require(${JSON.stringify(CODE_CACHE_JS)});
    if (${options.hook !== false}) cache.useCodeCache(${JSON.stringify(dir)});
    const mod = require(${JSON.stringify(tree.path('lib/mod.js'))});
    process.stdout.write(JSON.stringify({ mod, use: cache.codeCacheUse }));`;
  const child = spawnSync(process.execPath, [...(options.nodeFlags ?? []), '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, [RECORD_ENV]: options.record ? '1' : '' },
  });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as {
    mod: Record<string, unknown>;
    use: { hits: number; rejected: number };
  };
}

/** Records the package's cache and writes its manifest, as the build does. */
function record(tree: TempTree): void {
  load(tree, { record: true });
  expect(writeManifest(tree.path('lib/code-cache'))).toBe(2);
}

describe('code cache', () => {
  it("compiles modules from a cache made for their exact sources, and they work as Node's own", () => {
    const tree = makePackage();
    try {
      const plain = load(tree, { hook: false });
      expect(plain.mod).toEqual({
        value: 42,
        resolved: tree.path('lib/dep.js'),
        paths: true,
        cached: true,
        names: ['mod.js', 'lib'],
        self: true,
        stack: true,
      });
      record(tree);
      const cached = load(tree);
      expect(cached.mod).toEqual(plain.mod);
      expect(cached.use).toEqual({ hits: 2, rejected: 0 });
    } finally {
      tree.remove();
    }
  });

  it('compiles a module whose source changed as usual, even when its length did not', () => {
    const tree = makePackage();
    try {
      record(tree);
      tree.write('lib/dep.js', 'exports.x = 51;\n'); // V8 alone would take the stale cache: same length
      const { mod, use } = load(tree);
      expect(mod.value).toBe(52);
      expect(use).toEqual({ hits: 1, rejected: 0 });
    } finally {
      tree.remove();
    }
  });

  it('compiles as usual when V8 refuses the data (other flags, damage), or without a sound manifest', () => {
    const tree = makePackage();
    try {
      expect(load(tree).use).toEqual({ hits: 0, rejected: 0 }); // no manifest: Node's own path
      record(tree);
      expect(load(tree, { nodeFlags: ['--no-opt'] })).toMatchObject({
        mod: { value: 42 },
        use: { hits: 0, rejected: 2 },
      });
      const dir = tree.path('lib/code-cache');
      for (const file of readdirSync(dir).filter((name) => name.endsWith('.v8')))
        writeFileSync(path.join(dir, file), Buffer.alloc(readFileSync(path.join(dir, file)).length, 7));
      expect(load(tree)).toMatchObject({ mod: { value: 42 }, use: { hits: 0, rejected: 2 } });
      for (const damaged of ['not json', 'null', '{"modules":null}', '{"modules":{"lib/dep.js":7}}']) {
        writeFileSync(path.join(dir, 'manifest.json'), damaged);
        expect(load(tree)).toMatchObject({ mod: { value: 42 }, use: { hits: 0, rejected: 0 } });
      }
    } finally {
      tree.remove();
    }
  });

  it('leaves a module that may import() dynamically to Node', () => {
    const tree = makePackage();
    try {
      tree.write('lib/dep.js', "exports.x = 41;\nexports.later = () => import('node:os');\n");
      load(tree, { record: true });
      expect(existsSync(tree.path(`lib/code-cache/${encodeURIComponent('lib/dep.js')}.v8`))).toBe(false);
      expect(writeManifest(tree.path('lib/code-cache'))).toBe(1);
      expect(load(tree)).toMatchObject({ mod: { value: 42 }, use: { hits: 1, rejected: 0 } });
    } finally {
      tree.remove();
    }
  });

  /** What loading `bundle` in a fresh process (or a worker thread of one) took from the code cache. */
  function loadBundle(bundle: string, inWorker: boolean): unknown {
    const load = `
      const cache = require(${JSON.stringify(CODE_CACHE_JS)});
      cache.useCodeCache();
      const before = Object.keys(require.cache).length;
      require(${JSON.stringify(path.join(LIB, 'bundle', bundle))});
      const use = { ...cache.codeCacheUse, loaded: Object.keys(require.cache).length - before };`;
    // a worker thread's module needs a parent port and a setup (no rules: nothing is scanned)
    const script = inWorker
      ? `const { Worker } = require('node:worker_threads');
         const worker = new Worker(${JSON.stringify(`${load}\nrequire('node:worker_threads').parentPort.postMessage(use);`)},
           { eval: true, workerData: { ruleSet: { rules: [] }, allowPaths: [], allowSecrets: [] } });
         worker.once('message', (use) => { process.stdout.write(JSON.stringify(use)); worker.terminate(); });`
      : `${load}\nprocess.stdout.write(JSON.stringify(use));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout);
  }

  it.each([
    ['run.js', false, 'the CLI, with yargs, fast-glob and the engine'],
    ['scan-worker-thread.js', true, 'a scan worker thread'],
  ])(
    "serves the build's bundle %s from the build's cache, as one file (in a worker thread: %s; %s)",
    (bundle, inWorker) => {
      expect(loadBundle(bundle, inWorker)).toEqual({ hits: 1, rejected: 0, loaded: 1 });
    },
  );
});
