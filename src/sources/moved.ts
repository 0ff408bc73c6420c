import { fingerprintsIn } from '../engine/fragment';
import { TOO_LARGE } from '../git/odb/types';
import type { Finding, RuleSet } from '../types';
import { decodeText } from './decode';
import type { BlobReader } from './read-blob';
import type { FinishContext, Finished } from './source';

/**
 * Secrets that moved. A change is judged by what it introduces, and moving a secret introduces nothing:
 * a file renamed as it is is not scanned at all (git/trees.ts, sources/staged.ts), and a finding is
 * dropped, counted as `moved`, when a file that the same change deletes or rewrites held that secret
 * before it: a rename with edits, a file split in two, a key moved from one module to another. git's
 * own diff shows these as renames or as moved lines, and gitleaks, which reads that diff, reports none
 * of them. As with git's rename detection, only the files the change touches are looked at, not the
 * whole earlier tree: a secret copied out of a file the change leaves alone is new where it lands.
 *
 * Looked up after the scan, and only for the changes that have findings: most have none, and reading
 * every file a change deletes would cost every run (a pre-commit hook's most of all).
 */
export interface MovedLookup {
  /** Which change a finding belongs to (a commit's id; one key for the staged index). */
  readonly changeOf: (finding: Finding) => string;
  /** The blobs that `change` deletes or rewrites, as they were before it. */
  readonly replaced: (change: string) => Promise<readonly string[]>;
  /** A blob's bytes; undefined for one that is missing or larger than the scan reads. */
  readonly read: (oid: string) => Promise<Buffer | undefined>;
}

export async function withoutMoved(
  findings: readonly Finding[],
  lookup: MovedLookup,
  context: FinishContext,
): Promise<Finished> {
  if (context.all) return { findings: [...findings] };
  const heldByChange = new Map<string, Set<string>>();
  const kept: Finding[] = [];
  let moved = 0;
  for (const finding of findings) {
    const change = lookup.changeOf(finding);
    let held = heldByChange.get(change);
    if (!held) {
      held = await secretsIn(await lookup.replaced(change), lookup.read, context.ruleSet);
      heldByChange.set(change, held);
    }
    if (held.has(finding.fingerprint)) moved++;
    else kept.push(finding);
  }
  return { findings: kept, ...(moved > 0 ? { suppressed: { moved } } : {}) };
}

/**
 * Reads blobs no larger than `maxFileSize` (what the scan itself would read) through `objects`, as
 * readBlobItem does: a larger one is never built.
 */
export function blobsUpTo(objects: BlobReader, maxFileSize: number): MovedLookup['read'] {
  return async (oid) => {
    try {
      const object = objects.readUpTo(oid, maxFileSize);
      return object === TOO_LARGE ? undefined : object?.data;
    } catch {
      return undefined; // a damaged blob held nothing that can be told apart: the finding stays
    }
  };
}

/** The fingerprints of the secrets that the blobs' text holds, by the rules' own checks. */
async function secretsIn(
  oids: readonly string[],
  read: MovedLookup['read'],
  ruleSet: RuleSet,
): Promise<Set<string>> {
  const texts: string[] = [];
  for (const oid of oids) {
    const bytes = await read(oid);
    if (!bytes) continue;
    const decoded = decodeText(bytes);
    if (!decoded.binary) texts.push(decoded.text);
  }
  return fingerprintsIn(texts, ruleSet);
}
