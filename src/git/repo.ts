import fs, { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { KeysweepError } from '../errors';
import { relativeInside } from '../util/path-inside';
import { readRegularFileSync } from '../util/read-regular-file';
import { type Index, type IndexEntry, readIndexFile } from './index-file';
import { readAllRefs, resolveRef } from './refs';

/**
 * isomorphic-git costs ~25 ms to load; `staged`, run on every commit, never needs it. (A `require`, not an
 * `import()`: a module holding an `import()` could not be compiled from the code cache; util/code-cache.ts.)
 */
const isomorphicGit = async () => (require('isomorphic-git') as typeof import('isomorphic-git')).default;

/**
 * The repository as found on disk: finding it, HEAD and the refs (read directly: git/refs.ts), the
 * index (git/index-file.ts), and revisions as users write them. It is the only module that talks to
 * isomorphic-git, for revision names, abbreviated ids, commits and config, loaded only when one of
 * those is needed. Object contents are read through `git/odb` (our pack reader), which is much faster
 * for bulk reads. Handles ordinary checkouts, bare
 * repositories, linked worktrees (a `.git` file pointing at `.git/worktrees/<name>`, whose objects and
 * refs live in the common directory) and shallow clones. Nothing here runs git or any hook or filter.
 */
export interface Repository {
  /** The working tree, or null for a bare repository. */
  readonly worktree: string | null;
  /** Per-worktree git directory: HEAD and the index. */
  readonly gitdir: string;
  /** Shared git directory: objects and refs (equal to gitdir except in linked worktrees). */
  readonly commondir: string;
  /** Commits listed in `shallow`: their parents are absent from this clone. */
  readonly shallowCommits: ReadonlySet<string>;
}

export async function openRepository(target: string, cwd: string): Promise<Repository> {
  const shown = path.relative(cwd, target) || '.';
  if (!existsSync(target)) throw new KeysweepError('E_GIT', `${shown}: no such file or directory`);
  if (isGitDir(target)) return describe(null, target);
  const worktree = findWorktreeRoot(target);
  if (worktree === undefined)
    throw new KeysweepError('E_GIT', `${shown}: not a git repository`, {
      hint: 'run it inside a repository, or name one',
    });
  const dotGit = path.join(worktree, '.git');
  if (statSync(dotGit).isFile()) {
    const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readRegularFileSync(dotGit, 'utf8'))?.[1];
    if (!pointer) throw new KeysweepError('E_GIT', `${shown}: .git file does not name a git directory`);
    return describe(worktree, path.resolve(worktree, pointer));
  }
  return describe(worktree, dotGit);
}

/** The nearest directory at or above `dir` that holds a `.git` (directory or file), if any. */
export function findWorktreeRoot(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(path.join(current, '.git'))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

function isGitDir(dir: string): boolean {
  return (
    ['HEAD', 'objects', 'refs'].every((name) => existsSync(path.join(dir, name))) &&
    !existsSync(path.join(dir, '.git'))
  );
}

function describe(worktree: string | null, gitdir: string): Repository {
  const commonFile = path.join(gitdir, 'commondir');
  const commondir = existsSync(commonFile)
    ? path.resolve(gitdir, readRegularFileSync(commonFile, 'utf8').trim())
    : gitdir;
  const shallowFile = path.join(commondir, 'shallow');
  const shallowCommits = new Set(
    existsSync(shallowFile)
      ? readRegularFileSync(shallowFile, 'utf8')
          .split('\n')
          .filter((line) => /^[0-9a-f]{40}$/.test(line))
      : [],
  );
  return { worktree, gitdir, commondir, shallowCommits };
}

/** The commit HEAD points at, or null on an unborn branch (a repository with no commit yet). */
export async function headCommit(repo: Repository): Promise<string | null> {
  const head = readRegularFileSync(path.join(repo.gitdir, 'HEAD'), 'utf8').trim();
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = /^ref:\s*(\S+)/.exec(head)?.[1];
  if (!ref) return null;
  return resolveRef(repo.commondir, ref) ?? null;
}

/** What git is committing when a hook runs keysweep: the index it commits and the commits it merges. */
export interface CommitInProgress {
  readonly indexFile: string;
  /** The commits merged into HEAD: none outside a merge (see mergeHeads). */
  readonly mergeHeads: readonly string[];
}

/**
 * `git commit -a` or `git commit <paths>` commits a temporary index, not .git/index, and names it in
 * GIT_INDEX_FILE for its hooks (relative to their working directory, the top of the working tree). Only
 * an index inside this repository's git directory, where git writes every index it commits, is taken:
 * a variable inherited from a hook of another repository (a build that pre-commit runs on a hook's
 * first run, a hook that checks a second repository) names that repository's index.
 */
export function commitInProgress(repo: Repository, env: NodeJS.ProcessEnv, cwd: string): CommitInProgress {
  const named = env.GIT_INDEX_FILE ? path.resolve(cwd, env.GIT_INDEX_FILE) : undefined;
  // (git's variables are this repository's only if its index is: GITHEAD_<id> is read under that proof)
  const hook = named !== undefined && isInside(repo.gitdir, named);
  return {
    indexFile: hook ? named : path.join(repo.gitdir, 'index'),
    mergeHeads: mergeHeads(repo, hook ? env : {}),
  };
}

/** Whether `file` lies in `dir`, however either is spelt (git may name a path through symlinks or not). */
function isInside(dir: string, file: string): boolean {
  try {
    return relativeInside(fs.realpathSync(dir), fs.realpathSync(path.dirname(file))) !== undefined;
  } catch {
    return false;
  }
}

/**
 * A merge that stopped (conflicts, `git merge --no-commit`) lists the merged commits in MERGE_HEAD, and
 * the pre-commit hook runs when it is committed. A merge that goes through runs the pre-merge-commit hook
 * before MERGE_HEAD is written: there `git merge` has named each one in the environment as GITHEAD_<id>
 * (for merge strategies, since git 1.6), which hooks inherit, with GIT_INDEX_FILE. A MERGE_HEAD that
 * cannot be read or holds anything but commit ids is an error, as it is to git.
 */
function mergeHeads(repo: Repository, env: NodeJS.ProcessEnv): string[] {
  const file = path.join(repo.gitdir, 'MERGE_HEAD');
  let recorded = '';
  try {
    recorded = readRegularFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      throw new KeysweepError('E_GIT', `${file}: cannot read the merge in progress (${code})`);
  }
  const heads = new Set<string>();
  for (const [index, line] of recorded.split('\n').entries()) {
    const oid = line.trim();
    if (oid === '') continue;
    if (!/^[0-9a-f]{40}$/.test(oid))
      throw new KeysweepError('E_GIT', `${file}: line ${index + 1} is not a commit id`);
    heads.add(oid);
  }
  for (const name of Object.keys(env)) {
    const oid = /^GITHEAD_([0-9a-f]{40})$/.exec(name)?.[1];
    if (oid) heads.add(oid);
  }
  return [...heads];
}

/**
 * A revision as users write it: a ref (`main`, `origin/main`, `v1.0`, `refs/...`), `HEAD`, or a full or
 * abbreviated commit id, optionally followed by ancestry steps as git writes them (`HEAD~2`, `main^`,
 * `v1.0^2`: `~n` is the n-th first-parent ancestor, `^n` the n-th parent). Missing is an error that
 * says why that usually happens in CI.
 */
export async function resolveRevision(repo: Repository, revision: string): Promise<string> {
  const [, name = revision, steps = ''] = /^(.+?)((?:[~^]\d*)*)$/.exec(revision) ?? [];
  const oid = name === 'HEAD' ? await headCommit(repo) : await resolveName(repo, name);
  // A ref may name an annotated tag, and a full id resolves whether or not the object exists: read the
  // commit (isomorphic-git peels tags) so that what we return is a commit this clone really has.
  let commit = oid ? await readCommitOid(repo, oid) : undefined;
  for (const [, kind, count] of steps.matchAll(/([~^])(\d*)/g)) {
    const n = count === '' ? 1 : Number(count);
    if (kind === '^') commit = n === 0 ? commit : (await parentsOf(repo, commit))[n - 1];
    else for (let i = 0; i < n && commit; i++) commit = (await parentsOf(repo, commit))[0];
  }
  // an ancestor a commit records need not be in this clone (past a shallow boundary): read it to know
  if (commit && steps !== '') commit = await readCommitOid(repo, commit);
  if (commit) return commit;
  // a clone cannot be missing history it never had: no hint about fetching for a repository with no commit
  if (oid === null && (await headCommit(repo)) === null && readAllRefs(repo.commondir).size === 0)
    throw new KeysweepError('E_GIT', `${revision}: not found: this repository has no commits yet`);
  throw new KeysweepError('E_GIT', `commit ${revision.slice(0, 12)} not found`, {
    hint: 'shallow clone? use fetch-depth: 0 on actions/checkout',
  });
}

async function readCommitOid(repo: Repository, oid: string): Promise<string | undefined> {
  const git = await isomorphicGit();
  const commit = await git.readCommit({ fs, gitdir: repo.commondir, oid }).catch(() => undefined);
  return commit?.oid;
}

/** The parents `commit` records (absent from a shallow clone past its boundary); none if it is missing. */
async function parentsOf(repo: Repository, commit: string | undefined): Promise<string[]> {
  if (!commit) return [];
  const git = await isomorphicGit();
  const read = await git.readCommit({ fs, gitdir: repo.commondir, oid: commit }).catch(() => undefined);
  return read?.commit.parent ?? [];
}

async function resolveName(repo: Repository, revision: string): Promise<string | null> {
  const git = await isomorphicGit();
  try {
    return await git.resolveRef({ fs, gitdir: repo.commondir, ref: revision });
  } catch {
    if (!/^[0-9a-f]{4,40}$/i.test(revision)) return null;
    return git.expandOid({ fs, gitdir: repo.commondir, oid: revision.toLowerCase() }).catch(() => null);
  }
}

export interface Ref {
  readonly name: string;
  /** What the ref points at: a commit, or an annotated tag object (peeled by the caller). */
  readonly oid: string;
}

/** Every ref — branches, tags, remote-tracking refs, notes, stash — plus HEAD, sorted by name. */
export async function listAllRefs(repo: Repository): Promise<Ref[]> {
  const refs: Ref[] = [...readAllRefs(repo.commondir)].map(([name, oid]) => ({ name, oid }));
  const head = await headCommit(repo);
  if (head) refs.push({ name: 'HEAD', oid: head });
  return refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export type { IndexEntry };

/** The index (staging area): every staged path with its blob id. */
export async function readIndex(repo: Repository, file = path.join(repo.gitdir, 'index')): Promise<Index> {
  if (!repo.worktree) throw new KeysweepError('E_GIT', `${repo.gitdir}: a bare repository has no index`);
  let data: Buffer;
  try {
    data = readRegularFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], cachedTrees: new Map() }; // nothing staged yet
    throw new KeysweepError(
      'E_GIT',
      `${file}: cannot read the index (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  return readIndexFile(data, file);
}

/** A value of the repository's own config (`.git/config`); global and system config are not read. */
export async function configValue(repo: Repository, key: string): Promise<string | undefined> {
  const git = await isomorphicGit();
  const value = await git.getConfig({ fs, gitdir: repo.commondir, path: key }).catch(() => undefined);
  return typeof value === 'string' ? value : undefined;
}

/**
 * A value of the config git reads before a repository's own: the system file, then the global ones (the
 * last that sets it wins, as in git), with the file that sets it. isomorphic-git's parser reads only a
 * `<gitdir>/config`, so each file is handed to it as that; `[include]`s are not followed, and a file that
 * cannot be read (or is not a regular file) counts as absent.
 */
export async function userConfigValue(
  key: string,
  env: NodeJS.ProcessEnv,
): Promise<{ value: string; file: string } | undefined> {
  const git = await isomorphicGit();
  let found: { value: string; file: string } | undefined;
  for (const file of userConfigFiles(env)) {
    let text: string;
    try {
      text = readRegularFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const dir = path.dirname(file);
    const asConfig = path.join(dir, 'config');
    const promises = {
      ...fs.promises,
      readFile: (target: string, options?: unknown) =>
        target === asConfig ? Promise.resolve(text) : fs.promises.readFile(target, options as undefined),
    };
    const value = await git.getConfig({ fs: { promises }, gitdir: dir, path: key }).catch(() => undefined);
    if (typeof value === 'string') found = { value, file };
  }
  return found;
}

/** The system and global config files, in the order git reads them (see git-config(1), FILES). */
function userConfigFiles(env: NodeJS.ProcessEnv): string[] {
  const files: string[] = [];
  if (!isTrue(env.GIT_CONFIG_NOSYSTEM)) files.push(env.GIT_CONFIG_SYSTEM || '/etc/gitconfig');
  if (env.GIT_CONFIG_GLOBAL) files.push(env.GIT_CONFIG_GLOBAL);
  else {
    const home = env.HOME;
    const xdg = env.XDG_CONFIG_HOME || (home ? path.join(home, '.config') : undefined);
    if (xdg) files.push(path.join(xdg, 'git', 'config'));
    if (home) files.push(path.join(home, '.gitconfig'));
  }
  return files;
}

/** A boolean environment variable as git reads one. */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/** The parents of a commit (an annotated tag is peeled); none for a root commit. */
export async function commitParents(repo: Repository, revision: string): Promise<string[]> {
  return parentsOf(repo, await resolveRevision(repo, revision)); // resolved: a commit this clone has
}
