import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';

/**
 * Start-up: V8's code cache for the modules keysweep loads (its own and its dependencies'). Compiling
 * them is much of a short run: a `--cache` replay of the bench history or a `staged` hook spends ~20 ms
 * of ~100 parsing and compiling JavaScript, and so does each worker thread as it starts. The cache
 * holds what V8 compiled for each module during a few representative commands run at build time
 * (devtools/code-cache.ts, part of `npm run build`), beside the compiled modules in lib/code-cache/.
 * It is never written by a scan.
 *
 * A module is compiled from the cache only when the manifest lists it with the hash of its exact source
 * (V8 itself checks only the source's length, so an edited module could otherwise run stale code); V8
 * rejects data made by another V8 version or with other flags, and the module is then compiled as
 * usual. Modules without an entry take Node's own path.
 */
export const CODE_CACHE_DIR = path.join(__dirname, '..', 'code-cache');
const MANIFEST = 'manifest.json';
/** Set by devtools/code-cache.ts: compile every module with V8 and write what it compiled at exit. */
export const RECORD_ENV = 'KEYSWEEP_CODE_CACHE_RECORD';

interface Manifest {
  /** By module path relative to the package root (lib/'s parent): the cache file and the source's hash. */
  readonly modules: Record<string, { readonly file: string; readonly hash: string }>;
}

/** How many modules came from the cache and how many V8 refused it for (for tests and benchmarks). */
export const codeCacheUse = { hits: 0, rejected: 0 };

interface CompilingModule {
  exports: unknown;
  require(id: string): unknown;
}
/** Node 22 passes a third argument (the module's format); it is passed on as it came. */
type Compile = (this: CompilingModule, content: string, filename: string, ...rest: unknown[]) => unknown;

let installed = false;

/** Compiles the package's modules from the build's code cache from now on (a no-op without one). */
export function useCodeCache(dir = CODE_CACHE_DIR): void {
  if (installed) return;
  const recording = process.env[RECORD_ENV] === '1';
  const manifest = recording ? undefined : readManifest(dir);
  if (!recording && manifest === undefined) return;
  installed = true;
  const root = path.dirname(path.dirname(dir)); // dir is <root>/lib/code-cache
  const prototype = Module.prototype as unknown as { _compile: Compile };
  const original = prototype._compile;
  const recorded = new Map<string, Script>();
  prototype._compile = function (this: CompilingModule, content: string, filename: string, ...rest) {
    const own = () => original.call(this, content, filename, ...rest);
    // (a module that Node says is not CommonJS needs Node's own compilation)
    if (mayImportDynamically(content) || (rest[0] !== undefined && rest[0] !== 'commonjs')) return own();
    const name = path.relative(root, filename);
    let cachedData: Buffer | undefined;
    if (!recording) {
      const entry = manifest?.modules[name];
      if (entry === undefined || entry.hash !== sourceHash(content)) return own();
      try {
        cachedData = readFileSync(path.join(dir, entry.file));
      } catch {
        return own();
      }
    }
    const script = new Script(wrapped(content), { filename, cachedData });
    if (cachedData !== undefined) {
      if (script.cachedDataRejected) codeCacheUse.rejected++;
      else codeCacheUse.hits++;
    }
    if (recording) recorded.set(name, script);
    const run = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return run.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
  if (recording) process.once('exit', () => writeRecorded(dir, recorded));
}

/**
 * Whether a module's source may `import()` dynamically: a Script compiled here has no way to resolve one,
 * so such a module is compiled by Node itself, without the cache (devtools/bundle-cli.ts fails the build
 * of a bundle that would be).
 */
export function mayImportDynamically(content: string): boolean {
  return content.includes('import(');
}

/** A module's source as Node runs it: inside the CommonJS wrapper, a leading `#!` line commented out. */
function wrapped(content: string): string {
  const source = content.startsWith('#!') ? `//${content}` : content;
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

/** The program's main module, which every module's `require.main` is. */
const mainModule = require.main;

/** The `require` Node gives a module (see makeRequireFunction in Node's CommonJS loader). */
function requireFor(module: CompilingModule): NodeJS.Require {
  const statics = Module as unknown as {
    _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
    _resolveLookupPaths(request: string, parent: unknown): string[] | null;
    _extensions: NodeJS.RequireExtensions;
    _cache: NodeJS.Dict<NodeJS.Module>;
  };
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) =>
    statics._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => statics._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = mainModule; // (the same as process.mainModule, which is deprecated)
  require.extensions = statics._extensions;
  require.cache = statics._cache;
  return require;
}

function readManifest(dir: string): Manifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')) as Partial<Manifest> | null;
    // (a damaged manifest is no cache, never a failure to start)
    return typeof manifest?.modules === 'object' && manifest.modules !== null
      ? (manifest as Manifest)
      : undefined;
  } catch {
    return undefined; // no cache (running from src/, or before the first build): compile as usual
  }
}

/**
 * The SHA-1 of a module's source: ~1 ms for the CLI's bundle (800 KB), where a 32-bit FNV-1a loop in
 * JavaScript, still cold when it runs, took ~3.4. (node:crypto is loaded by every scan anyway.)
 */
export function sourceHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** The name of a module's cache file: its path relative to the package root, encoded. */
function cacheFileName(name: string): string {
  return `${encodeURIComponent(name)}.v8`;
}

/**
 * Writes each recorded module's cache, unless a larger one is there already (another recorded command
 * compiled more of that module), so the several commands the build runs add up.
 */
function writeRecorded(dir: string, recorded: ReadonlyMap<string, Script>): void {
  mkdirSync(dir, { recursive: true });
  const { threadId } = require('node:worker_threads') as typeof import('node:worker_threads');
  for (const [name, script] of recorded) {
    const file = path.join(dir, cacheFileName(name));
    const data = script.createCachedData();
    if (existsSync(file) && readFileSync(file).length >= data.length) continue;
    // (the main thread and a worker may write the same module's file as they exit)
    const temporary = `${file}.${process.pid}.${threadId}.tmp`;
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  }
}

/**
 * Writes the manifest of the recorded cache files in `dir`, each with the hash of its module's source
 * as it is now (read the way Node reads it: UTF-8, a byte-order mark dropped). Returns how many.
 */
export function writeManifest(dir: string): number {
  const root = path.dirname(path.dirname(dir));
  const modules: Record<string, { file: string; hash: string }> = {};
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.v8'))) {
    const name = decodeURIComponent(file.slice(0, -'.v8'.length));
    const text = readFileSync(path.join(root, name), 'utf8');
    modules[name] = { file, hash: sourceHash(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) };
  }
  writeFileSync(path.join(dir, MANIFEST), JSON.stringify({ modules }));
  return Object.keys(modules).length;
}
