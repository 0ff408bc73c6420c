import { isBlobMode, isTreeMode } from '../git/objects';
import { type CommitInProgress, headCommit, type IndexEntry, type Repository, readIndex } from '../git/repo';
import type { Trees } from '../git/trees';
import { blobsUpTo, withoutMoved } from './moved';
import { brokenObject } from './range';
import type { Source, SourceItem } from './source';

/**
 * The staged source, for pre-commit hooks: what `git commit` would record, read from the index (never the
 * working tree, so a partially staged file is judged by its staged bytes). Each staged file that differs
 * from HEAD is scanned with HEAD's version as `before`, so only secrets the commit introduces are
 * reported; a file staged under a new name with unchanged content (a rename) introduces nothing, nor does
 * a secret moved out of a file the change deletes or rewrites (sources/moved.ts). A merge being committed
 * is judged against every parent, as `range` judges a merge commit: a file as one side has it adds
 * nothing, and a secret a side already held is not new. Works in a repository with no commit yet: then
 * everything staged is new.
 */
export interface StagedOptions {
  readonly maxFileSize: number;
  /** The index git is committing and the commits it merges; by default .git/index and none. */
  readonly committing?: CommitInProgress;
}

export function stagedSource(repo: Repository, trees: Trees, options: StagedOptions): Source {
  const compared: Compared = { submodules: [], headFiles: new Map(), kept: new Set() };
  return {
    items: () => stagedItems(repo, trees, options, compared),
    finish: (findings, context) =>
      withoutMoved(
        findings,
        {
          changeOf: () => 'index',
          replaced: async () => replacedBlobs(compared.headFiles, compared.kept),
          read: blobsUpTo(trees.objects, options.maxFileSize),
        },
        context,
      ),
    stats: () => ({ submodules: compared.submodules }),
  };
}

/** What stagedItems compared the index with, kept for `finish`, and the submodules it met. */
interface Compared {
  readonly submodules: string[];
  /** HEAD's files (by path) in the directories the index changes… */
  headFiles: ReadonlyMap<string, string>;
  /** …and those of them that the index holds as they are. */
  readonly kept: Set<string>;
}

async function* stagedItems(
  repo: Repository,
  trees: Trees,
  options: StagedOptions,
  compared: Compared,
): AsyncGenerator<SourceItem> {
  const head = await headCommit(repo);
  const headTree = head ? (await trees.commit(head)).tree : null;
  const index = await readIndex(repo, options.committing?.indexFile);
  // HEAD's files by path, but only below directories the index says differ from HEAD (git's cache-tree):
  // a 10-file change in a 10,000-file repository reads a handful of trees, not all of them.
  const unchanged: string[] = [];
  const headFiles = headTree
    ? await changedFiles(trees, headTree, '', index.cachedTrees, unchanged)
    : new Map<string, string>();
  compared.headFiles = headFiles;
  const mergedTrees: string[] = [];
  for (const oid of options.committing?.mergeHeads ?? []) {
    if (oid === head) continue; // a parent already
    try {
      mergedTrees.push((await trees.commit(oid)).tree);
    } catch (error) {
      // judged without that side: what it brings in is then reported as new, never the other way round
      const { what, problem } = brokenObject(`merged commit ${oid}`, error);
      yield { kind: 'skip', path: `(${what})`, reason: 'unreadable', detail: problem };
    }
  }
  let headBlobs: Set<string> | undefined; // every blob of HEAD, read only if a file appears at a new path
  for (const { entry, before } of changedEntries(index.entries, headFiles, new Set(unchanged), compared)) {
    const versions = new Set(before ? [before] : []);
    for (const tree of mergedTrees) {
      const version = await trees.blobAt(tree, entry.path);
      if (version) versions.add(version);
    }
    if (versions.has(entry.oid)) continue; // a merge taking one side's file as it is adds nothing
    if (!before && headTree) {
      headBlobs ??= new Set((await changedFiles(trees, headTree, '', new Map(), [])).values());
      if (headBlobs.has(entry.oid)) continue; // moved or copied unchanged: nothing new
    }
    const info = await trees.objects.info(entry.oid);
    if (!info) {
      yield {
        kind: 'skip',
        path: entry.path,
        reason: 'unreadable',
        detail: `staged blob ${entry.oid.slice(0, 12)} is missing`,
      };
      continue;
    }
    if (info.size > options.maxFileSize) {
      yield { kind: 'skip', path: entry.path, reason: 'tooLarge' };
      continue;
    }
    const blob = await trees.objects.read(entry.oid);
    if (!blob) continue;
    const previous: Buffer[] = [];
    for (const oid of versions) {
      const version = await trees.objects.read(oid);
      if (version) previous.push(version.data);
    }
    yield {
      kind: 'file',
      provenance: { kind: 'staged', path: entry.path, blob: entry.oid },
      bytes: blob.data,
      before: previous,
    };
  }
}

/**
 * The index entries that differ from HEAD, each with HEAD's blob at its path (if any); submodules are
 * listed aside, and the files of `headFiles` that the index holds unchanged are noted in `kept`. A plain
 * loop over every entry (10,000 in the bench's repository), kept out of the async generator above: V8
 * compiled that generator's hot loop in the background, and the process then waited ~20 ms at exit for
 * the compile to finish.
 */
function changedEntries(
  entries: readonly IndexEntry[],
  headFiles: ReadonlyMap<string, string>,
  unchangedDirs: ReadonlySet<string>,
  { submodules, kept }: Pick<Compared, 'submodules' | 'kept'>,
): { entry: IndexEntry; before: string | undefined }[] {
  const inUnchanged = (path: string) => {
    if (unchangedDirs.has('')) return true;
    for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1))
      if (unchangedDirs.has(path.slice(0, slash))) return true;
    return false;
  };
  const changed: { entry: IndexEntry; before: string | undefined }[] = [];
  for (const entry of entries) {
    if ((entry.mode & 0o170000) === 0o160000) {
      submodules.push(entry.path);
      continue;
    }
    if (unchangedDirs.size > 0 && inUnchanged(entry.path)) continue;
    const before = headFiles.get(entry.path);
    if (before !== entry.oid) changed.push({ entry, before });
    else kept.add(entry.path);
  }
  return changed;
}

/**
 * HEAD's blobs that the index deletes or rewrites (see sources/moved.ts). Only HEAD's files in the
 * directories the index changes are known, and only they can be deleted or rewritten.
 */
function replacedBlobs(headFiles: ReadonlyMap<string, string>, kept: ReadonlySet<string>): string[] {
  return [...headFiles].flatMap(([path, oid]) => (kept.has(path) ? [] : [oid]));
}

/** HEAD's blobs by path, skipping directories whose cached tree (from the index) equals HEAD's. */
async function changedFiles(
  trees: Trees,
  tree: string,
  dir: string,
  cached: ReadonlyMap<string, string>,
  unchanged: string[],
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  if (cached.get(dir) === tree) {
    unchanged.push(dir);
    return files;
  }
  for (const entry of await trees.entries(tree)) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (isTreeMode(entry.mode))
      for (const [file, oid] of await changedFiles(trees, entry.oid, path, cached, unchanged))
        files.set(file, oid);
    else if (isBlobMode(entry.mode)) files.set(path, entry.oid);
  }
  return files;
}
