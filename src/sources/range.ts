import type { Commit } from '../git/objects';
import { CorruptObjectError } from '../git/odb';
import type { Repository } from '../git/repo';
import { MissingObjectError, type Trees } from '../git/trees';
import { blobsUpTo, withoutMoved } from './moved';
import type { Source, SourceItem } from './source';

/**
 * The commit-range source, for pull requests and pushes: every commit reachable from `head` and not from
 * `base` (all of them when `base` is null), oldest first, each judged against its parents. A secret
 * added in one commit and removed in a later one is still reported, at the commit that added it (the
 * scan keeps the first occurrence). A merge commit is judged against all its parents, so only what its
 * own resolution adds is new; a secret a commit moves is not new either (sources/moved.ts). Commits are
 * scanned one by one, not as the net diff, because a secret that was pushed has leaked.
 */
export interface RangeOptions {
  readonly maxFileSize: number;
}

export interface RangeSource extends Source {
  /** The commits in the range, oldest first (after items() has run). */
  readonly commits: readonly Commit[];
}

export function rangeSource(
  repo: Repository,
  trees: Trees,
  base: string | null,
  head: string,
  options: RangeOptions,
): RangeSource {
  const commits: Commit[] = [];
  const submodules = new Set<string>();
  let shallow = false;
  return {
    commits,
    items: async function* (): AsyncGenerator<SourceItem> {
      // No base: every commit HEAD reaches is new (a first push, a branch pushed with its root commit).
      const excluded = await ancestors(trees, repo, base ? [base] : [], new Set());
      const included = await ancestors(trees, repo, [head], excluded.commits);
      shallow = excluded.shallow || included.shallow;
      yield* brokenItems([...excluded.broken, ...included.broken]);
      commits.push(...oldestFirst([...included.commits.values()]));
      for (const commit of commits) {
        try {
          yield* commitItems(trees, commit, options, submodules);
        } catch (error) {
          const { what, problem } = brokenObject(`commit ${commit.sha}`, error);
          yield {
            kind: 'skip',
            path: `(${what})`,
            reason: 'unreadable',
            detail: `cannot diff it: ${problem}`,
          };
        }
      }
    },
    finish: (findings, context) =>
      withoutMoved(
        findings,
        {
          changeOf: (finding) => (finding.provenance.kind === 'commit' ? finding.provenance.commit.sha : ''),
          replaced: (sha) =>
            replacedBy(
              trees,
              commits.find((commit) => commit.sha === sha),
            ),
          read: blobsUpTo(trees.objects, options.maxFileSize),
        },
        context,
      ),
    stats: () => ({ commits: commits.length, shallow, submodules: [...submodules].sort() }),
  };
}

/**
 * The blobs a commit deletes or rewrites, against its first parent (see sources/moved.ts). The commit's
 * diff was read once already, when its files were scanned: its trees are read again from the cache.
 */
async function replacedBy(trees: Trees, commit: Commit | undefined): Promise<string[]> {
  const [parent] = commit?.parents ?? [];
  if (!commit || !parent) return [];
  try {
    const { changed, removed } = await trees.diff((await trees.commit(parent)).tree, commit.tree);
    return [...removed, ...changed.flatMap((blob) => (blob.oldOid ? [blob.oldOid] : []))];
  } catch {
    // A parent missing from a shallow clone, or a damaged tree (reported already, as the commit's files
    // were read): nothing is known to have moved, and the findings stay.
    return [];
  }
}

/** A commit or tree that could not be read: the walk goes on without it and the scan reports it. */
export interface BrokenObject {
  readonly what: string;
  readonly problem: string;
}

/**
 * Every commit reachable from `tips` and not in `stop`. The walk ends at the commits the `shallow` file
 * lists (their parents are absent by design); any other commit that is missing or corrupt is recorded in
 * `broken` and the walk goes on with the rest, so one bad object never hides the rest of the history.
 */
export async function ancestors(
  trees: Trees,
  repo: Repository,
  tips: readonly string[],
  stop: ReadonlyMap<string, Commit> | ReadonlySet<string>,
): Promise<{ commits: Map<string, Commit>; shallow: boolean; broken: BrokenObject[] }> {
  const commits = new Map<string, Commit>();
  const broken: BrokenObject[] = [];
  const tried = new Set<string>();
  let shallow = false;
  const queue = tips.filter((tip) => !stop.has(tip));
  while (queue.length > 0) {
    const sha = queue.pop() as string;
    if (tried.has(sha) || stop.has(sha)) continue;
    tried.add(sha);
    let commit: Commit;
    try {
      commit = trees.commitSync(sha);
    } catch (error) {
      broken.push(brokenObject(`commit ${sha}`, error));
      continue;
    }
    commits.set(sha, commit);
    if (repo.shallowCommits.has(sha)) {
      shallow = true;
      continue;
    }
    queue.push(...commit.parents);
  }
  return { commits, shallow, broken };
}

export function brokenObject(what: string, error: unknown): BrokenObject {
  if (error instanceof MissingObjectError) return { what, problem: 'missing from the repository' };
  if (error instanceof CorruptObjectError) return { what, problem: error.message };
  throw error;
}

/** Broken objects as the scan counts them: skipped as unreadable, one warning each. */
export function brokenItems(broken: readonly BrokenObject[]): SourceItem[] {
  return broken.map(({ what, problem }) => ({
    kind: 'skip',
    path: `(${what})`,
    reason: 'unreadable',
    detail: problem,
  }));
}

/** Parents before children (Kahn), ties broken by commit time then id, so the order is deterministic. */
export function oldestFirst(commits: readonly Commit[]): Commit[] {
  const bySha = new Map(commits.map((commit) => [commit.sha, commit]));
  const waiting = new Map(
    commits.map((commit) => [commit.sha, commit.parents.filter((p) => bySha.has(p)).length]),
  );
  const children = new Map<string, string[]>();
  for (const commit of commits) {
    for (const parent of commit.parents)
      if (bySha.has(parent)) children.set(parent, [...(children.get(parent) ?? []), commit.sha]);
  }
  const ready = commits.filter((commit) => waiting.get(commit.sha) === 0);
  const ordered: Commit[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => b.time - a.time || (a.sha < b.sha ? 1 : -1));
    const next = ready.pop() as Commit;
    ordered.push(next);
    for (const child of children.get(next.sha) ?? []) {
      const left = (waiting.get(child) ?? 1) - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(bySha.get(child) as Commit);
    }
  }
  return ordered;
}

async function* commitItems(
  trees: Trees,
  commit: Commit,
  options: RangeOptions,
  submodules: Set<string>,
): AsyncGenerator<SourceItem> {
  const parents: Commit[] = [];
  for (const parent of commit.parents) {
    try {
      parents.push(await trees.commit(parent));
    } catch (error) {
      if (!(error instanceof MissingObjectError)) throw error;
    }
  }
  const [first, ...others] = parents;
  const { changed, submodules: seen } = await trees.diff(first?.tree ?? null, commit.tree);
  for (const path of seen) submodules.add(path);
  for (const blob of changed) {
    const versions = [blob.oldOid];
    for (const other of others) versions.push(await trees.blobAt(other.tree, blob.path));
    if (versions.includes(blob.oid)) continue; // a merge taking one side's file unchanged adds nothing
    const info = await trees.objects.info(blob.oid);
    if (info && info.size > options.maxFileSize) {
      yield { kind: 'skip', path: blob.path, reason: 'tooLarge' };
      continue;
    }
    const object = await trees.objects.read(blob.oid);
    if (!object) {
      yield {
        kind: 'skip',
        path: blob.path,
        reason: 'unreadable',
        detail: `blob ${blob.oid.slice(0, 12)} is missing`,
      };
      continue;
    }
    const before: Buffer[] = [];
    for (const oid of versions) {
      const previous = oid ? await trees.objects.read(oid) : undefined;
      if (previous) before.push(previous.data);
    }
    yield {
      kind: 'file',
      provenance: { kind: 'commit', path: blob.path, blob: blob.oid, commit: commit.info },
      bytes: object.data,
      before,
    };
  }
}
