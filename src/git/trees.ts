import {
  type Commit,
  isBlobMode,
  isSubmoduleMode,
  isTreeMode,
  parseCommit,
  parseTree,
  type TreeEntry,
} from './objects';
import type { GitObject, TOO_LARGE } from './odb';

/**
 * Reading commits and trees through an object reader, with the three tree operations the git sources
 * need: the blob at a path, a recursive diff that skips identical subtrees (so a commit touching one file
 * in a 10,000-file tree reads a handful of trees), and exact-rename detection (a blob that moved keeps its
 * id, and moving a secret introduces nothing new). Parsed trees are cached by id, bounded by count.
 */
export interface ObjectReader {
  read(oid: string): Promise<GitObject | undefined>;
  readSync(oid: string): GitObject | undefined;
  /** `readSync` of the raw id at bytes `at..at+20` of `bytes`. */
  readSyncAt(bytes: Uint8Array, at: number): GitObject | undefined;
  info(oid: string): Promise<{ type: string; size: number } | undefined>;
  readUpTo(oid: string, maxSize: number): GitObject | undefined | typeof TOO_LARGE;
}

export class MissingObjectError extends Error {
  constructor(
    readonly oid: string,
    what: string,
  ) {
    super(`${what} ${oid.slice(0, 12)} is missing from the repository`);
    this.name = 'MissingObjectError';
  }
}

export interface ChangedBlob {
  readonly path: string;
  readonly oid: string;
  /** The blob at the same path before the change, if there was one. */
  readonly oldOid?: string;
}

const TREE_CACHE_ENTRIES = 4096;

export class Trees {
  private readonly cache = new Map<string, TreeEntry[]>();

  constructor(readonly objects: ObjectReader) {}

  async commit(oid: string): Promise<Commit> {
    return this.commitSync(oid);
  }

  /** `commit`, for a loop over thousands of them (see ObjectStore.readSync). */
  commitSync(oid: string): Commit {
    const object = this.objects.readSync(oid);
    if (object?.type !== 'commit') throw new MissingObjectError(oid, 'commit');
    return parseCommit(oid, object.data);
  }

  async entries(oid: string): Promise<TreeEntry[]> {
    const cached = this.cache.get(oid);
    if (cached) return cached;
    const object = await this.objects.read(oid);
    if (object?.type !== 'tree') throw new MissingObjectError(oid, 'tree');
    const entries = parseTree(object.data);
    if (this.cache.size >= TREE_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(oid, entries);
    return entries;
  }

  /** The blob id at `path` in a tree, or undefined. */
  async blobAt(treeOid: string, path: string): Promise<string | undefined> {
    let tree = treeOid;
    const parts = path.split('/');
    for (const [i, part] of parts.entries()) {
      const entry = (await this.entries(tree)).find((candidate) => candidate.name === part);
      if (!entry) return undefined;
      if (i === parts.length - 1) return isBlobMode(entry.mode) ? entry.oid : undefined;
      if (!isTreeMode(entry.mode)) return undefined;
      tree = entry.oid;
    }
    return undefined;
  }

  /**
   * Blobs added or changed from `oldTree` (null: an empty tree) to `newTree`, minus exact renames, plus
   * the submodule paths met on the way, and the blobs of the paths `newTree` no longer has as files.
   * Identical subtrees are not entered.
   */
  async diff(
    oldTree: string | null,
    newTree: string,
  ): Promise<{ changed: ChangedBlob[]; submodules: string[]; removed: string[] }> {
    const changed: ChangedBlob[] = [];
    const removed = new Set<string>();
    const submodules: string[] = [];
    const walk = async (before: string | null, after: string | null, prefix: string): Promise<void> => {
      if (before === after) return;
      const old = new Map((before ? await this.entries(before) : []).map((entry) => [entry.name, entry]));
      const seen = new Set<string>();
      for (const entry of after ? await this.entries(after) : []) {
        seen.add(entry.name);
        const path = prefix + entry.name;
        const previous = old.get(entry.name);
        if (isTreeMode(entry.mode)) {
          await walk(previous && isTreeMode(previous.mode) ? previous.oid : null, entry.oid, `${path}/`);
          if (previous && isBlobMode(previous.mode)) removed.add(previous.oid);
        } else if (isSubmoduleMode(entry.mode)) {
          submodules.push(path);
        } else if (isBlobMode(entry.mode) && previous?.oid !== entry.oid) {
          const oldOid = previous && isBlobMode(previous.mode) ? previous.oid : undefined;
          changed.push({ path, oid: entry.oid, ...(oldOid ? { oldOid } : {}) });
          if (previous && isTreeMode(previous.mode)) await walk(previous.oid, null, `${path}/`);
        }
      }
      for (const [name, entry] of old) {
        if (seen.has(name)) continue;
        if (isBlobMode(entry.mode)) removed.add(entry.oid);
        else if (isTreeMode(entry.mode)) await this.collectBlobs(entry.oid, removed);
      }
    };
    await walk(oldTree, newTree, '');
    return {
      changed: changed.filter((blob) => blob.oldOid !== undefined || !removed.has(blob.oid)),
      submodules,
      removed: [...removed],
    };
  }

  private async collectBlobs(tree: string, into: Set<string>): Promise<void> {
    for (const entry of await this.entries(tree)) {
      if (isBlobMode(entry.mode)) into.add(entry.oid);
      else if (isTreeMode(entry.mode)) await this.collectBlobs(entry.oid, into);
    }
  }
}
