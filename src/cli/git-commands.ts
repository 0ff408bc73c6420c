import path from 'node:path';
import { configFile } from '../config/load';
import type { ScannedFile } from '../engine/scan';
import { ScanCache } from '../engine/scan-cache';
import { UsageError } from '../errors';
import { ObjectStore } from '../git/odb';
import { commitInProgress, openRepository, type Repository, resolveRevision } from '../git/repo';
import { Trees } from '../git/trees';
import type { Provenance } from '../types';
import { startProgress } from './progress';
import { baselineFile, parallelFor, type ReportArgs, scanAndReport, setupFor } from './report-run';
import type { Io } from './run';
import { VERSION } from './version';

// Each command loads only its own source (and a range its CommitFiles): a `staged` run in a pre-commit
// hook need not load the history sweep's modules, nor a `history --cache` replay the staged area's.
const stagedModule = () => require('../sources/staged') as typeof import('../sources/staged');
const rangeModule = () => require('../sources/range') as typeof import('../sources/range');
const historyModule = () => require('../sources/history') as typeof import('../sources/history');
const commitFilesModule = () => require('../git/commit-files') as typeof import('../git/commit-files');

/**
 * The git commands: `staged` (pre-commit), `range BASE..HEAD` (pull requests and pushes) and `history`
 * (one-off sweeps). Each opens the repository, reads objects through our own object store, and hands a
 * source to the shared scan-and-report step. The config is the one at the working tree's root.
 */
export interface StagedArgs extends ReportArgs {
  path?: string;
  all: boolean;
}

export interface RangeArgs extends StagedArgs {
  range?: string | undefined;
  sinceCommit?: string;
  trustHeadConfig?: boolean;
}

export interface HistoryArgs extends ReportArgs {
  path?: string;
  ref: string[];
  allObjects: boolean;
  quiet: boolean;
  cache?: string;
  jobs?: string;
}

export async function stagedCommand(args: StagedArgs, io: Io): Promise<number> {
  return withRepository(args.path, io, undefined, async (repo, trees) => {
    const setup = setupFor(rootOf(repo), args, io);
    const source = stagedModule().stagedSource(repo, trees, {
      maxFileSize: setup.maxFileSize,
      committing: commitInProgress(repo, io.env, io.cwd),
    });
    return (await scanAndReport(source, setup, args, io, { all: args.all, partial: true })).code;
  });
}

export async function rangeCommand(args: RangeArgs, io: Io): Promise<number> {
  // With --since-commit, or under pre-commit's pre-push, there is no BASE..HEAD to give, so a single
  // positional without `..` is the repository.
  const rangeFromElsewhere = args.sinceCommit || io.env.PRE_COMMIT_REMOTE_NAME;
  if (rangeFromElsewhere && args.range && !args.range.includes('..') && !args.path)
    args = { ...args, path: args.range, range: undefined };
  const [base, head] = parseRange(args, io.env);
  return withRepository(args.path, io, undefined, async (repo, trees) => {
    const from = base === null ? null : await resolveRevision(repo, base);
    const to = await resolveRevision(repo, head);
    const setup = await rangeSetup(repo, trees, from, args, io);
    const source = rangeModule().rangeSource(repo, trees, from, to, { maxFileSize: setup.maxFileSize });
    const { code, result } = await scanAndReport(source, setup, args, io, { all: args.all, partial: true });
    if (source.commits.length === 0)
      io.stderr.write(`keysweep: ${base ?? ''}..${head} holds no commits: nothing to scan\n`);
    if (result.stats.shallow)
      io.stderr.write('keysweep: this is a shallow clone: commits before its boundary were not scanned\n');
    return code;
  });
}

/**
 * A history of this many objects or more starts its workers before it reads the commits (see
 * HistoryOptions.loadsAhead): it has blobs enough for them (a few hundred start them anyway), and a
 * worker takes ~80 ms of the other core to start. Smaller ones start them only if their blobs call for it.
 */
const LOADS_AHEAD_OBJECTS = 5000;

/**
 * With workers reading the blobs, this thread's object store caches little more than trees. Reading the
 * bench history's 79,000 trees in walk order took about as long with 8 as with 16 MiB (4: ~10% longer),
 * and a sweep's peak RSS was ~12 MB lower (median of eight runs 288 -> 276 MB).
 */
const TREE_CACHE_BYTES = 8 * 1024 * 1024;

export async function historyCommand(args: HistoryArgs, io: Io): Promise<number> {
  const parallel = parallelFor(args.jobs);
  const cacheBytes = parallel.jobs > 1 ? TREE_CACHE_BYTES : undefined;
  return withRepository(args.path, io, cacheBytes, async (repo, trees, store) => {
    const setup = setupFor(rootOf(repo), args, io);
    const cache = args.cache ? openCache(path.resolve(io.cwd, args.cache), setup) : undefined;
    const source = historyModule().historySource(repo, trees, {
      maxFileSize: setup.maxFileSize,
      loadsAhead: store.packedObjects >= LOADS_AHEAD_OBJECTS,
      refs: args.ref,
      ...(args.allObjects ? { allObjects: store } : {}),
      ...(cache ? { cache } : {}),
    });
    const progress = args.quiet ? undefined : startProgress(io);
    try {
      const { code, result } = await scanAndReport(source, setup, args, io, {
        parallel,
        ...(progress ? { onProgress: progress.update } : {}),
        ...(cache ? { onScanned: (provenance, outcome) => rememberClean(cache, provenance, outcome) } : {}),
      });
      if (cache && !io.signal?.aborted) saveCache(cache, io);
      if (result.stats.shallow)
        io.stderr.write('keysweep: this is a shallow clone: history before its boundary is absent\n');
      return code;
    } finally {
      progress?.stop();
    }
  });
}

/**
 * BASE..HEAD from the arguments, or, with neither a range nor --since-commit, from the pre-commit
 * framework's pre-push environment: PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF, or no base at all when it
 * pushes a branch with its root commit (it then sets only the remote's name). A null base means every
 * commit HEAD reaches.
 */
/**
 * A pull request must not be able to switch off the checks it is judged by, so in a range the config and
 * the baseline come from BASE (files outside the working tree, from disk). --trust-head-config reads the
 * working tree's instead; so does a range with no base.
 */
async function rangeSetup(repo: Repository, trees: Trees, base: string | null, args: RangeArgs, io: Io) {
  const root = rootOf(repo);
  if (args.trustHeadConfig || base === null || !repo.worktree) return setupFor(root, args, io);
  const files = await commitFilesModule().CommitFiles.at(trees, repo.worktree, base);
  await files.load(configFile(root, io.cwd, args.config));
  const setup = setupFor(root, args, io, files.read);
  await files.load(baselineFile(args, setup, io));
  return setup;
}

function openCache(dir: string, setup: ReturnType<typeof setupFor>): ScanCache {
  return ScanCache.open(dir, {
    version: VERSION,
    ruleSet: setup.ruleSet,
    settings: {
      allowPaths: setup.config.allowPaths,
      allowSecrets: setup.config.allowSecrets,
      maxFileSize: setup.maxFileSize,
    },
  });
}

function rememberClean(cache: ScanCache, provenance: Provenance, outcome: ScannedFile): void {
  if (provenance.kind !== 'history' || provenance.unreachable || outcome.findings > 0) return;
  const suppressed =
    Object.keys(outcome.suppressed).length > 0 ? { suppressed: { ...outcome.suppressed } } : {};
  cache.remember(
    provenance.blob,
    provenance.path,
    outcome.binary ? { bytes: -1 } : { bytes: outcome.bytes, ...suppressed },
  );
}

function saveCache(cache: ScanCache, io: Io): void {
  try {
    cache.save();
  } catch (error) {
    // the report is complete either way: only the next sweep will be slower
    io.stderr.write(
      `keysweep: ${cache.file}: cannot write the cache (${(error as NodeJS.ErrnoException).code})\n`,
    );
  }
}

function parseRange(args: RangeArgs, env: NodeJS.ProcessEnv): [string | null, string] {
  if (args.sinceCommit) {
    if (args.range) throw new UsageError('give either BASE..HEAD or --since-commit, not both');
    return [args.sinceCommit, 'HEAD'];
  }
  if (args.range === undefined) {
    if (env.PRE_COMMIT_FROM_REF && env.PRE_COMMIT_TO_REF)
      return [env.PRE_COMMIT_FROM_REF, env.PRE_COMMIT_TO_REF];
    if (env.PRE_COMMIT_REMOTE_NAME) return [null, env.PRE_COMMIT_TO_REF || 'HEAD'];
  }
  const match = /^(.+?)\.\.(.+)$/.exec(args.range ?? '');
  if (!match || match[0].includes('...')) {
    throw new UsageError(
      `range: "${args.range ?? ''}" is not BASE..HEAD`,
      'e.g. keysweep range origin/main..HEAD',
    );
  }
  return [match[1] as string, match[2] as string];
}

async function withRepository(
  target: string | undefined,
  io: Io,
  cacheBytes: number | undefined,
  body: (repo: Repository, trees: Trees, store: ObjectStore) => Promise<number>,
): Promise<number> {
  const repo = await openRepository(path.resolve(io.cwd, target ?? '.'), io.cwd);
  const store = await ObjectStore.open(repo.commondir, cacheBytes ? { cacheBytes } : {});
  try {
    return await body(repo, new Trees(store), store);
  } finally {
    await store.close();
  }
}

function rootOf(repo: Repository): string {
  return repo.worktree ?? repo.gitdir;
}
