import { createHash } from 'node:crypto';
import type { CleanTotals, PlaceFacts, ScanCache, SnapshotItem, SweepSnapshot } from '../engine/scan-cache';
import { KeysweepError } from '../errors';
import type { Commit } from '../git/objects';
import { parseTagTarget } from '../git/objects';
import { oidHexAt } from '../git/odb/types';
import { OidTable } from '../git/oid-table';
import { headCommit, listAllRefs, type Ref, type Repository } from '../git/repo';
import { MissingObjectError, type Trees } from '../git/trees';
import type { Finding, HistoryFacts } from '../types';
import { ancestors, type BrokenObject, brokenItems, brokenObject, oldestFirst } from './range';
import { readBlobItem } from './read-blob';
import type { LoadItem, Source, SourceItem } from './source';
import { TreeGraph } from './tree-graph';
import { EntryStack, NO_CHILD, TreePath, TreeReuse, wordsOf } from './tree-reuse';

/**
 * The history source, for one-off sweeps: every commit reachable from every ref (or the `--ref`s named),
 * oldest first, and each unique blob scanned exactly once, attributed to the first commit and path that
 * introduced it (as Nosey Parker does). A subtree already walked holds only blobs already seen, so it is
 * not entered again: the walk reads each distinct tree once. After the scan, `finish` answers for each
 * secret how many commits hold it, whether HEAD still does, and which refs reach it — from the tree
 * graph built during the walk (no tree is read twice), looking only for the few blobs that had findings.
 * Blobs are yielded as `load` items: the scan reads them, in this thread or in worker threads with
 * their own object stores.
 * With `--cache`, a sweep that starts from the same refs as the last complete one replays that sweep's
 * snapshot instead of walking (see engine/scan-cache.ts).
 */
export interface HistoryOptions {
  readonly maxFileSize: number;
  /** Narrow to these refs (full names, or short names of branches, tags and remotes). */
  readonly refs?: readonly string[];
  /** Also scan blobs that no ref reaches (dangling objects), labelled unreachable. */
  readonly allObjects?: { allObjectIds(): Promise<string[]> };
  /** Blobs an earlier sweep found clean: yielded as such, not read again. */
  readonly cache?: ScanCache;
  /**
   * The sweep will surely read enough blobs to want the scan's workers (a large repository): they are
   * started before the commits are read (Source.onLoadsAhead), unless a cached sweep is replayed.
   */
  readonly loadsAhead?: boolean;
}

const MAX_REFS = 10;

export function historySource(repo: Repository, trees: Trees, options: HistoryOptions): Source {
  let ordered: Commit[] = [];
  const tips = new Map<string, string[]>();
  const graph = new TreeGraph();
  const root = new TreePath();
  const stack = new EntryStack();
  const submodules = new Set<string>();
  let shallow = false;
  let commitsDone = 0;
  const loadItem = (oid: string, provenance: LoadItem['provenance']): LoadItem => ({
    kind: 'load',
    provenance,
    spec: { from: 'blob', gitdir: repo.commondir, oid, maxFileSize: options.maxFileSize },
  });
  const { cache } = options;
  // A snapshot of the sweep for the cache (see engine/scan-cache.ts); none with --all-objects, whose
  // unreachable blobs can change while the refs stay the same.
  let snapshotKey: string | undefined;
  let replay: SweepSnapshot | undefined;
  // Only a sweep that will be snapshotted records its items: kept to the end, the 20,000 load items of
  // the bench history were copied by every scavenge until promoted, and then marked, for nothing.
  const recorded: SnapshotItem[] = [];
  const record = (items: SourceItem[]): SourceItem[] => {
    if (snapshotKey === undefined) return items;
    for (const item of items) {
      if (item.kind === 'skip') recorded.push(item);
      else if (item.kind === 'load' && item.provenance.kind === 'history')
        recorded.push({ kind: 'load', provenance: item.provenance });
    }
    return items;
  };
  let announce: ((gitdir: string) => void) | undefined;
  return {
    busy: true,
    onLoadsAhead: (callback) => {
      announce = callback;
    },
    async *items(): AsyncGenerator<SourceItem> {
      const refs = await selectRefs(repo, options.refs);
      if (cache && !options.allObjects) {
        snapshotKey = historyKey(refs, await headCommit(repo));
        replay = cache.snapshot(snapshotKey);
      }
      if (replay) {
        commitsDone = replay.stats.commits;
        shallow = replay.stats.shallow;
        for (const name of replay.stats.submodules) submodules.add(name);
        yield* replayItems(replay, loadItem);
        return;
      }
      if (options.loadsAhead) announce?.(repo.commondir);
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
      yield* record(brokenItems([...broken, ...walked.broken]));
      ordered = oldestFirst([...walked.commits.values()]);
      for (const commit of ordered) {
        commitsDone++;
        const fresh: { path: string; oid: string }[] = [];
        const damaged: BrokenObject[] = [];
        newBlobs(trees, Buffer.from(commit.tree, 'hex'), 0, '', root, {
          graph,
          submodules,
          fresh,
          damaged,
          stack,
        });
        if (damaged.length > 0) yield* record(brokenItems(damaged));
        // Per blob, literals and one plain `yield`: an object spread and a `yield*` over a one-item array
        // cost ~1.4 µs a blob in this async generator (the bench history's walk: 1,141 -> 1,113 ms). The
        // facts are placeholders until `finish` attaches the real ones (attachFacts).
        for (const blob of fresh) {
          const provenance: LoadItem['provenance'] = {
            kind: 'history',
            path: blob.path,
            blob: blob.oid,
            commit: commit.info,
            commits: 0,
            presentAtHead: false,
            refs: [],
            refsTruncated: false,
            unreachable: false,
          };
          const clean = cache?.get(blob.oid, blob.path);
          if (clean) {
            yield { kind: 'cached', provenance, clean };
            continue;
          }
          if (snapshotKey !== undefined) recorded.push({ kind: 'load', provenance });
          yield loadItem(blob.oid, provenance);
        }
      }
      if (options.allObjects) yield* unreachableItems(trees, options.allObjects, graph, loadItem);
    },
    load: (item) => {
      if (item.spec.from !== 'blob') throw new Error(`a history sweep cannot load a ${item.spec.from}`);
      return readBlobItem(trees.objects, item, item.spec);
    },
    finish: async (findings) => {
      if (replay) {
        cache?.recordSnapshot(replay); // still the history's snapshot: keep it for the next sweep
        return { findings: withFacts(findings, replay.facts) };
      }
      const placed = attachFacts(findings, graph, ordered, tips, await headCommit(repo));
      if (cache && snapshotKey)
        cache.recordSnapshot({
          key: snapshotKey,
          items: recorded,
          stats: { commits: commitsDone, shallow, submodules: [...submodules].sort() },
          facts: factsOf(placed),
        });
      return { findings: placed };
    },
    stats: () => ({ commits: commitsDone, shallow, submodules: [...submodules].sort() }),
  };
}

/** Names the history a sweep starts from: every selected ref and what it points at, and HEAD. */
function historyKey(refs: readonly Ref[], head: string | null): string {
  const text = JSON.stringify({ refs: refs.map((ref) => [ref.name, ref.oid]), head });
  return createHash('sha256').update(text).digest('hex');
}

/** The items of a snapshotted sweep: its clean blobs, counted, then what must be scanned again. */
function* replayItems(
  snapshot: SweepSnapshot,
  loadItem: (oid: string, provenance: LoadItem['provenance']) => LoadItem,
): Generator<SourceItem> {
  yield { kind: 'counted', ...(snapshot.clean as CleanTotals) };
  for (const item of snapshot.items) {
    if (item.kind === 'skip') yield { ...item };
    else yield loadItem(item.provenance.blob, item.provenance);
  }
}

function factsOf(findings: readonly Finding[]): Record<string, PlaceFacts> {
  const facts: Record<string, PlaceFacts> = {};
  for (const { fingerprint, provenance } of findings) {
    if (provenance.kind !== 'history' || provenance.unreachable) continue;
    const { commits, presentAtHead, refs, refsTruncated } = provenance;
    facts[fingerprint] = { commits, presentAtHead, refs, refsTruncated };
  }
  return facts;
}

function withFacts(findings: readonly Finding[], facts: Readonly<Record<string, PlaceFacts>>): Finding[] {
  return findings.map((finding) => {
    const known = facts[finding.fingerprint];
    if (finding.provenance.kind !== 'history' || finding.provenance.unreachable || !known) return finding;
    return { ...finding, provenance: { ...finding.provenance, ...known } };
  });
}

async function selectRefs(repo: Repository, wanted: readonly string[] | undefined): Promise<Ref[]> {
  const all = await listAllRefs(repo);
  if (!wanted || wanted.length === 0) return all;
  const prefixes = ['', 'refs/', 'refs/heads/', 'refs/tags/', 'refs/remotes/'];
  const matches = (name: string, ref: Ref) => prefixes.some((prefix) => ref.name === prefix + name);
  // a misspelt --ref must not turn into a clean sweep of nothing
  const unknown = wanted.filter((name) => !all.some((ref) => matches(name, ref)));
  if (unknown.length > 0)
    throw new KeysweepError('E_GIT', `--ref ${unknown[0]}: no such ref`, { hint: 'see git show-ref' });
  return all.filter((ref) => wanted.some((name) => matches(name, ref)));
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
  readonly graph: TreeGraph;
  readonly submodules: Set<string>;
  /** Blobs met for the first time in this commit, with the path they were met at. */
  readonly fresh: { path: string; oid: string }[];
  /** Trees that could not be read: their blobs are not reached through this commit. */
  readonly damaged: BrokenObject[];
  /** The entries of the trees being walked (shared by every commit's walk: it is empty between them). */
  readonly stack: EntryStack;
}

const SPACE = 0x20;
const DIGIT_1 = 0x31;
const DIGIT_4 = 0x34;

/**
 * Walks a tree not read before, recording its children in the graph and each blob met for the first
 * time. Entries are read straight from the tree's bytes (mode by its leading digits: 40000 a tree, 10xxxx
 * a file, 160000 a submodule, 120000 a symlink, which is skipped), and names are decoded only where a
 * path is needed: this loop runs for every entry of every distinct tree in the history. It is synchronous
 * (ObjectStore.readSync): one commit's new trees are read without letting the event loop turn, a few
 * milliseconds at most, and ~80,000 awaited reads cost more than the reads themselves.
 */
function newBlobs(
  trees: Trees,
  ids: Buffer,
  idAt: number, // the tree's id is at bytes idAt..idAt+20 of `ids` (its parent's bytes), in hex only for errors
  prefix: string,
  at: TreePath,
  state: WalkState,
  number = state.graph.numberAt(OidTable.viewOf(ids), idAt), // a subtree's number is known already
): void {
  const { graph } = state;
  if (graph.isRead(number)) return;
  let data: Buffer;
  try {
    const object = trees.objects.readSyncAt(ids, idAt);
    if (object?.type !== 'tree') throw new MissingObjectError(oidHexAt(ids, idAt), 'tree');
    data = object.data;
  } catch (error) {
    graph.setChildren(number, []);
    state.damaged.push(brokenObject(`tree ${oidHexAt(ids, idAt)} at ${prefix || '/'}`, error));
    return;
  }
  const view = OidTable.viewOf(data);
  const words = wordsOf(view);
  const reuse = at.last ? new TreeReuse(at.last, view, words) : undefined;
  const { stack } = state;
  const bottom = stack.top;
  let offset = 0;
  let malformed = false;
  while (offset < data.length) {
    if (reuse) {
      const after = reuse.takeOver(offset, stack);
      if (after !== offset) {
        offset = after;
        continue;
      }
    }
    // A byte loop over the mode (5 or 6 digits), Buffer.indexOf over the name: measured on the bench
    // history's trees, a call per name beat a byte loop over it by a third.
    let space = offset;
    while (space < data.length && data[space] !== SPACE) space++;
    let nul = data.indexOf(0, space + 1);
    if (nul < 0) nul = data.length;
    if (nul + 21 > data.length) {
      const tree = oidHexAt(ids, idAt);
      state.damaged.push({ what: `tree ${tree} at ${prefix || '/'}`, problem: 'malformed tree entry' });
      malformed = true;
      break;
    }
    const first = data[offset];
    const second = data[offset + 1];
    const isTree = first === DIGIT_4;
    const isFile = first === DIGIT_1 && second === 0x30;
    let entry = NO_CHILD;
    if (isTree || isFile) {
      const child = graph.numberAt(view, nul + 1);
      if (isTree) {
        entry = child;
        if (!graph.isRead(child)) {
          const name = data.toString('utf8', space + 1, nul);
          newBlobs(trees, data, nul + 1, `${prefix}${name}/`, at.child(name), state, child);
        }
      } else {
        entry = ~child;
        if (graph.firstSighting(child)) {
          const oid = data.toString('hex', nul + 1, nul + 21);
          state.fresh.push({ path: prefix + data.toString('utf8', space + 1, nul), oid });
        }
      }
    } else if (first === DIGIT_1 && second === 0x36) {
      state.submodules.add(prefix + data.toString('utf8', space + 1, nul));
    }
    offset = nul + 21;
    stack.push(entry, offset);
  }
  const entries = stack.popFrom(bottom, at.last?.entries);
  graph.setChildren(number, entries, 2, NO_CHILD);
  // A tree that did not parse to its end is not compared against: its entries do not cover its bytes.
  if (!malformed) at.last = { view, words, entries };
}

async function* unreachableItems(
  trees: Trees,
  store: NonNullable<HistoryOptions['allObjects']>,
  graph: TreeGraph,
  loadItem: (oid: string, provenance: LoadItem['provenance']) => LoadItem,
): AsyncGenerator<SourceItem> {
  for (const oid of await store.allObjectIds()) {
    if (graph.hasSeenBlob(oid)) continue;
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
    yield loadItem(oid, { kind: 'history', path, blob: oid, ...facts });
  }
}

/** Fills in commits, presentAtHead and refs for every finding from a reachable blob. */
function attachFacts(
  findings: readonly Finding[],
  graph: TreeGraph,
  ordered: readonly Commit[],
  tips: ReadonlyMap<string, string[]>,
  head: string | null,
): Finding[] {
  const fingerprintsByBlob = new Map<number, Set<string>>();
  for (const finding of findings) {
    if (finding.provenance.kind !== 'history' || finding.provenance.unreachable) continue;
    const blob = graph.find(finding.provenance.blob);
    if (blob === undefined) continue;
    const set = fingerprintsByBlob.get(blob) ?? new Set<string>();
    set.add(finding.fingerprint);
    fingerprintsByBlob.set(blob, set);
  }
  if (fingerprintsByBlob.size === 0) return [...findings];

  const holds = graph.holder(new Set(fingerprintsByBlob.keys()));
  const commitsHolding = new Map<string, number>();
  const refsHolding = new Map<string, Set<string>>();
  const truncated = new Set<string>();
  const reachedBy = refsReaching(ordered, tips);
  let atHead = new Set<string>();
  for (const commit of ordered) {
    const fingerprints = new Set<string>();
    for (const blob of holds(graph.number(commit.tree))) {
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
