import path from 'node:path';
import { UsageError } from '../errors';
import { ObjectStore } from '../git/odb';
import { openRepository, type Repository, resolveRevision } from '../git/repo';
import { Trees } from '../git/trees';
import { historySource } from '../sources/history';
import { rangeSource } from '../sources/range';
import { stagedSource } from '../sources/staged';
import { startProgress } from './progress';
import { type ReportArgs, scanAndReport, setupFor } from './report-run';
import type { Io } from './run';

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
}

export interface HistoryArgs extends ReportArgs {
  path?: string;
  ref: string[];
  allObjects: boolean;
  quiet: boolean;
}

export async function stagedCommand(args: StagedArgs, io: Io): Promise<number> {
  return withRepository(args.path, io, async (repo, trees) => {
    const setup = setupFor(rootOf(repo), args, io);
    const source = stagedSource(repo, trees, { maxFileSize: setup.maxFileSize });
    return (await scanAndReport(source, setup, args, io, { all: args.all })).code;
  });
}

export async function rangeCommand(args: RangeArgs, io: Io): Promise<number> {
  // With --since-commit, or under pre-commit's pre-push, there is no BASE..HEAD to give, so a single
  // positional without `..` is the repository.
  const rangeFromElsewhere = args.sinceCommit || io.env.PRE_COMMIT_REMOTE_NAME;
  if (rangeFromElsewhere && args.range && !args.range.includes('..') && !args.path)
    args = { ...args, path: args.range, range: undefined };
  const [base, head] = parseRange(args, io.env);
  return withRepository(args.path, io, async (repo, trees) => {
    const setup = setupFor(rootOf(repo), args, io);
    const from = base === null ? null : await resolveRevision(repo, base);
    const to = await resolveRevision(repo, head);
    const source = rangeSource(repo, trees, from, to, { maxFileSize: setup.maxFileSize });
    const { code, result } = await scanAndReport(source, setup, args, io, { all: args.all });
    if (source.commits.length === 0)
      io.stderr.write(`keysweep: ${base ?? ''}..${head} holds no commits: nothing to scan\n`);
    if (result.stats.shallow)
      io.stderr.write('keysweep: this is a shallow clone: commits before its boundary were not scanned\n');
    return code;
  });
}

export async function historyCommand(args: HistoryArgs, io: Io): Promise<number> {
  return withRepository(args.path, io, async (repo, trees, store) => {
    const setup = setupFor(rootOf(repo), args, io);
    const source = historySource(repo, trees, {
      maxFileSize: setup.maxFileSize,
      refs: args.ref,
      ...(args.allObjects ? { allObjects: store } : {}),
    });
    const progress = args.quiet ? undefined : startProgress(io);
    try {
      const { code, result } = await scanAndReport(source, setup, args, io, {
        ...(progress ? { onProgress: progress.update } : {}),
      });
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
  body: (repo: Repository, trees: Trees, store: ObjectStore) => Promise<number>,
): Promise<number> {
  const repo = await openRepository(path.resolve(io.cwd, target ?? '.'), io.cwd);
  const store = await ObjectStore.open(repo.commondir);
  try {
    return await body(repo, new Trees(store), store);
  } finally {
    await store.close();
  }
}

function rootOf(repo: Repository): string {
  return repo.worktree ?? repo.gitdir;
}
