import type { ScanCache } from '../engine/scan-cache';
import type { Commit } from '../git/objects';
import { isBlobMode, isSubmoduleMode, isTreeMode, parseTagTarget } from '../git/objects';
import { headCommit, listAllRefs, type Ref, type Repository } from '../git/repo';
import type { Trees } from '../git/trees';
import type { Finding, HistoryFacts } from '../types';
import { ancestors, type BrokenObject, brokenItems, brokenObject, oldestFirst } from './range';
import type { Source, SourceItem } from './source';

/**
 * The history source, for one-off sweeps: every commit reachable from every ref (or the `--ref`s named),
 * oldest first, and each unique blob scanned exactly once, attributed to the first commit and path that
 * introduced it (as Nosey Parker does). A subtree already walked holds only blobs already seen, so it is
 * not entered again: the walk reads each distinct tree once. After the scan, `finish` answers for each
 * secret how many commits hold it, whether HEAD still does, and which refs reach it — by one more pass
 * over the distinct trees, looking only for the few blobs that had findings.
 */
export interface HistoryOptions {
  readonly maxFileSize: number;
  /** Narrow to these refs (full names, or short names of branches, tags and remotes). */
  readonly refs?: readonly string[];
  /** Also scan blobs that no ref reaches (dangling objects), labelled unreachable. */
  readonly allObjects?: { allObjectIds(): Promise<string[]> };
  /** Blobs an earlier sweep found clean: yielded as such, not read again. */
  readonly cache?: ScanCache;
}

const MAX_REFS = 10;

export function historySource(repo: Repository, trees: Trees, options: HistoryOptions): Source {
  let ordered: Commit[] = [];
  const tips = new Map<string, string[]>();
  const seenBlobs = new Set<string>();
  const submodules = new Set<string>();
  let shallow = false;
  let commitsDone = 0;
  return {
    async *items(): AsyncGenerator<SourceItem> {
      const refs = await selectRefs(repo, options.refs);
      const broken: BrokenObject[] = [];
      for (const ref of refs) {
        try {
          const commit = await peel(trees, ref.oid);
          if (commit) tips.set(commit, [...(tips.get(commit) ?? []), ref.name]);
        } catch (error) {
          broken.push(brokenObject(`${ref.name} -> ${ref.oid}`, error));
        }
      }
      const walked = await ancestors(trees, repo, [...tips.keys()], new Set());
      shallow = walked.shallow;
      yield* brokenItems([...broken, ...walked.broken]);
      ordered = oldestFirst([...walked.commits.values()]);
      const seenTrees = new Set<string>();
      for (const commit of ordered) {
        commitsDone++;
        const fresh: { path: string; oid: string }[] = [];
        const damaged: BrokenObject[] = [];
        await newBlobs(trees, commit.tree, '', { seenTrees, seenBlobs, submodules, fresh, damaged });
        yield* brokenItems(damaged);
        for (const blob of fresh) {
          const provenance = {
            kind: 'history',
            path: blob.path,
            blob: blob.oid,
            ...placeholderFacts(commit),
          } as const;
          const clean = options.cache?.get(blob.oid, blob.path);
          yield clean
            ? { kind: 'cached', provenance, clean }
            : await blobItem(trees, blob.oid, blob.path, options.maxFileSize, provenance);
        }
      }
      if (options.allObjects)
        yield* unreachableItems(trees, options.allObjects, seenBlobs, options.maxFileSize);
    },
    finish: async (findings) => attachFacts(findings, trees, ordered, tips, await headCommit(repo)),
    stats: () => ({ commits: commitsDone, shallow, submodules: [...submodules].sort() }),
  };
}

async function selectRefs(repo: Repository, wanted: readonly string[] | undefined): Promise<Ref[]> {
  const all = await listAllRefs(repo);
  if (!wanted || wanted.length === 0) return all;
  const prefixes = ['', 'refs/', 'refs/heads/', 'refs/tags/', 'refs/remotes/'];
  return all.filter((ref) => wanted.some((name) => prefixes.some((prefix) => ref.name === prefix + name)));
}

/** The commit a ref points at, through any chain of annotated tags; undefined for tags of trees or blobs. */
async function peel(trees: Trees, oid: string): Promise<string | undefined> {
  let current = oid;
  for (let depth = 0; depth < 16; depth++) {
    const object = await trees.objects.read(current);
    if (!object) return undefined;
    if (object.type === 'commit') return current;
    if (object.type !== 'tag') return undefined;
    current = parseTagTarget(object.data).oid;
  }
  return undefined;
}

interface WalkState {
  readonly seenTrees: Set<string>;
  readonly seenBlobs: Set<string>;
  readonly submodules: Set<string>;
  /** Blobs met for the first time in this commit, with the path they were met at. */
  readonly fresh: { path: string; oid: string }[];
  /** Trees that could not be read: their blobs are not reached through this commit. */
  readonly damaged: BrokenObject[];
}

async function newBlobs(trees: Trees, tree: string, prefix: string, state: WalkState): Promise<void> {
  if (state.seenTrees.has(tree)) return;
  state.seenTrees.add(tree);
  let entries: Awaited<ReturnType<Trees['entries']>>;
  try {
    entries = await trees.entries(tree);
  } catch (error) {
    state.damaged.push(brokenObject(`tree ${tree} at ${prefix || '/'}`, error));
    return;
  }
  for (const entry of entries) {
    const path = prefix + entry.name;
    if (isTreeMode(entry.mode)) await newBlobs(trees, entry.oid, `${path}/`, state);
    else if (isSubmoduleMode(entry.mode)) state.submodules.add(path);
    else if (isBlobMode(entry.mode) && !state.seenBlobs.has(entry.oid)) {
      state.seenBlobs.add(entry.oid);
      state.fresh.push({ path, oid: entry.oid });
    }
  }
}

async function blobItem(
  trees: Trees,
  oid: string,
  path: string,
  maxFileSize: number,
  provenance: Extract<SourceItem, { kind: 'file' }>['provenance'],
): Promise<SourceItem> {
  try {
    const info = await trees.objects.info(oid);
    if (info && info.size > maxFileSize) return { kind: 'skip', path, reason: 'tooLarge' };
    const object = await trees.objects.read(oid);
    if (!object)
      return { kind: 'skip', path, reason: 'unreadable', detail: `blob ${oid.slice(0, 12)} is missing` };
    return { kind: 'file', provenance, bytes: object.data };
  } catch (error) {
    return { kind: 'skip', path, reason: 'unreadable', detail: (error as Error).message };
  }
}

async function* unreachableItems(
  trees: Trees,
  store: NonNullable<HistoryOptions['allObjects']>,
  seenBlobs: ReadonlySet<string>,
  maxFileSize: number,
): AsyncGenerator<SourceItem> {
  for (const oid of await store.allObjectIds()) {
    if (seenBlobs.has(oid)) continue;
    const info = await trees.objects.info(oid).catch(() => undefined);
    if (info?.type !== 'blob') continue;
    const path = `(unreachable)/${oid}`;
    const facts: HistoryFacts = {
      commit: null,
      commits: 0,
      presentAtHead: false,
      refs: [],
      refsTruncated: false,
      unreachable: true,
    };
    yield await blobItem(trees, oid, path, maxFileSize, { kind: 'history', path, blob: oid, ...facts });
  }
}

function placeholderFacts(commit: Commit): HistoryFacts {
  return {
    commit: commit.info,
    commits: 0,
    presentAtHead: false,
    refs: [],
    refsTruncated: false,
    unreachable: false,
  };
}

/** Fills in commits, presentAtHead and refs for every finding from a reachable blob. */
async function attachFacts(
  findings: readonly Finding[],
  trees: Trees,
  ordered: readonly Commit[],
  tips: ReadonlyMap<string, string[]>,
  head: string | null,
): Promise<Finding[]> {
  const fingerprintsByBlob = new Map<string, Set<string>>();
  for (const finding of findings) {
    if (finding.provenance.kind !== 'history' || finding.provenance.unreachable) continue;
    const set = fingerprintsByBlob.get(finding.provenance.blob) ?? new Set<string>();
    set.add(finding.fingerprint);
    fingerprintsByBlob.set(finding.provenance.blob, set);
  }
  if (fingerprintsByBlob.size === 0) return [...findings];

  const memo = new Map<string, readonly string[]>();
  const commitsHolding = new Map<string, number>();
  const refsHolding = new Map<string, Set<string>>();
  const truncated = new Set<string>();
  const reachedBy = refsReaching(ordered, tips);
  let atHead = new Set<string>();
  for (const commit of ordered) {
    const fingerprints = new Set<string>();
    for (const blob of await targetBlobs(trees, commit.tree, fingerprintsByBlob, memo)) {
      for (const fingerprint of fingerprintsByBlob.get(blob) ?? []) fingerprints.add(fingerprint);
    }
    if (commit.sha === head) atHead = fingerprints;
    const refs = reachedBy.get(commit.sha);
    for (const fingerprint of fingerprints) {
      commitsHolding.set(fingerprint, (commitsHolding.get(fingerprint) ?? 0) + 1);
      const names = refsHolding.get(fingerprint) ?? new Set<string>();
      for (const name of refs?.names ?? []) names.add(name);
      if (refs?.truncated) truncated.add(fingerprint);
      refsHolding.set(fingerprint, names);
    }
  }
  return findings.map((finding) => {
    if (finding.provenance.kind !== 'history' || finding.provenance.unreachable) return finding;
    const refs = [...(refsHolding.get(finding.fingerprint) ?? [])].sort();
    return {
      ...finding,
      provenance: {
        ...finding.provenance,
        commits: commitsHolding.get(finding.fingerprint) ?? 0,
        presentAtHead: atHead.has(finding.fingerprint),
        refs: refs.slice(0, MAX_REFS),
        refsTruncated: refs.length > MAX_REFS || truncated.has(finding.fingerprint),
      },
    };
  });
}

/** The blobs with findings inside a tree, memoised per tree id (each distinct tree is read once). */
async function targetBlobs(
  trees: Trees,
  tree: string,
  targets: ReadonlyMap<string, unknown>,
  memo: Map<string, readonly string[]>,
): Promise<readonly string[]> {
  const known = memo.get(tree);
  if (known) return known;
  const found = new Set<string>();
  // A damaged tree was reported during the walk; here it simply holds nothing we can count.
  const entries = await trees.entries(tree).catch(() => []);
  for (const entry of entries) {
    if (isTreeMode(entry.mode))
      for (const blob of await targetBlobs(trees, entry.oid, targets, memo)) found.add(blob);
    else if (isBlobMode(entry.mode) && targets.has(entry.oid)) found.add(entry.oid);
  }
  const result = [...found];
  memo.set(tree, result);
  return result;
}

/** For each commit, the refs it is reachable from (at most MAX_REFS names, and whether more exist). */
function refsReaching(
  ordered: readonly Commit[],
  tips: ReadonlyMap<string, string[]>,
): Map<string, { names: string[]; truncated: boolean }> {
  const reached = new Map<string, { names: string[]; truncated: boolean }>();
  for (const [sha, names] of tips)
    reached.set(sha, { names: [...names].sort().slice(0, MAX_REFS), truncated: names.length > MAX_REFS });
  for (let i = ordered.length - 1; i >= 0; i--) {
    const commit = ordered[i] as Commit;
    const own = reached.get(commit.sha);
    if (!own) continue;
    for (const parent of commit.parents) {
      const into = reached.get(parent) ?? { names: [], truncated: false };
      for (const name of own.names) {
        if (into.names.includes(name)) continue;
        if (into.names.length < MAX_REFS) into.names.push(name);
        else into.truncated = true;
      }
      into.truncated ||= own.truncated;
      reached.set(parent, into);
    }
  }
  return reached;
}
