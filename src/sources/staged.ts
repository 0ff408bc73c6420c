import { headCommit, type Repository, readIndex } from '../git/repo';
import type { Trees } from '../git/trees';
import type { Source, SourceItem } from './source';

/**
 * The staged source, for pre-commit hooks: what `git commit` would record, read from the index (never the
 * working tree, so a partially staged file is judged by its staged bytes). Each staged file that differs
 * from HEAD is scanned with HEAD's version as `before`, so only secrets the commit introduces are
 * reported; a file staged under a new name with unchanged content (a rename) introduces nothing. Works in
 * a repository with no commit yet: then everything staged is new.
 */
export interface StagedOptions {
  readonly maxFileSize: number;
}

export function stagedSource(repo: Repository, trees: Trees, options: StagedOptions): Source {
  const submodules: string[] = [];
  return {
    items: () => stagedItems(repo, trees, options, submodules),
    stats: () => ({ submodules }),
  };
}

async function* stagedItems(
  repo: Repository,
  trees: Trees,
  options: StagedOptions,
  submodules: string[],
): AsyncGenerator<SourceItem> {
  const head = await headCommit(repo);
  const headTree = head ? (await trees.commit(head)).tree : null;
  // HEAD's files by path, read once: one pass over HEAD's trees instead of a lookup per staged file
  const headFiles = headTree ? await filesOf(trees, headTree) : new Map<string, string>();
  const headBlobs = new Set(headFiles.values());
  for (const entry of await readIndex(repo)) {
    if ((entry.mode & 0o170000) === 0o160000) {
      submodules.push(entry.path);
      continue;
    }
    const before = headFiles.get(entry.path);
    if (before === entry.oid) continue;
    if (!before && headBlobs.has(entry.oid)) continue; // moved or copied unchanged: nothing new
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
    const previous = before ? await trees.objects.read(before) : undefined;
    if (!blob) continue;
    yield {
      kind: 'file',
      provenance: { kind: 'staged', path: entry.path, blob: entry.oid },
      bytes: blob.data,
      before: previous ? [previous.data] : [],
    };
  }
}

async function filesOf(trees: Trees, tree: string): Promise<Map<string, string>> {
  const { changed } = await trees.diff(null, tree);
  return new Map(changed.map((blob) => [blob.path, blob.oid]));
}
