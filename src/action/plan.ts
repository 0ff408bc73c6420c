import { UsageError } from '../errors';

/**
 * What the GitHub Action scans, decided from its `mode` input and the workflow event (pure: the event
 * payload in, a plan out). `auto` follows the event: a pull request is its commits (base.sha..head.sha),
 * a push its pushed commits (before..after), a merge-queue group its own range, and a schedule or manual
 * run the whole history. A push that creates a branch has an all-zero `before`: its new commits are those
 * of the payload's `commits` list, from the first one's parent on.
 */
export const MODES = ['auto', 'range', 'history', 'scan'] as const;
export type Mode = (typeof MODES)[number];

export type Plan =
  | { readonly kind: 'range'; readonly base: string; readonly head: string; readonly what: string }
  /** The first new commit and the head: the range starts at the first commit's parent (if it has one). */
  | { readonly kind: 'new-branch'; readonly first: string; readonly head: string; readonly what: string }
  | { readonly kind: 'history'; readonly what: string }
  | { readonly kind: 'scan'; readonly what: string }
  | { readonly kind: 'nothing'; readonly what: string };

const ZERO = /^0{40}$/;

interface Payload {
  pull_request?: { number?: number; base?: { sha?: string }; head?: { sha?: string } };
  merge_group?: { base_sha?: string; head_sha?: string };
  before?: string;
  after?: string;
  ref?: string;
  commits?: { id?: string }[];
}

export function planScan(mode: string, eventName: string, payload: Payload): Plan {
  if (!(MODES as readonly string[]).includes(mode))
    throw new UsageError(`input mode: "${mode}" is not one of ${MODES.join(', ')}`, 'see action.yml');
  if (mode === 'history') return { kind: 'history', what: 'the whole history of every ref' };
  if (mode === 'scan') return { kind: 'scan', what: 'the checked-out working tree' };
  const range = rangeOf(eventName, payload);
  if (range) return range;
  if (mode === 'range')
    throw new UsageError(
      `input mode: "range" needs a pull_request, push or merge_group event, not "${eventName}"`,
      'use mode: history or scan for other events',
    );
  return { kind: 'history', what: `the whole history of every ref (${eventName || 'unknown'} event)` };
}

function rangeOf(eventName: string, payload: Payload): Plan | undefined {
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const base = payload.pull_request?.base?.sha;
    const head = payload.pull_request?.head?.sha;
    if (!base || !head) throw new UsageError(`${eventName} event: the payload has no base.sha and head.sha`);
    const number = payload.pull_request?.number;
    return { kind: 'range', base, head, what: `the commits of pull request${number ? ` #${number}` : ''}` };
  }
  if (eventName === 'merge_group') {
    const base = payload.merge_group?.base_sha;
    const head = payload.merge_group?.head_sha;
    if (!base || !head) throw new UsageError('merge_group event: the payload has no base_sha and head_sha');
    return { kind: 'range', base, head, what: 'the commits of the merge group' };
  }
  if (eventName !== 'push') return undefined;
  const { before, after } = payload;
  if (!before || !after) throw new UsageError('push event: the payload has no before and after');
  const branch = payload.ref?.replace(/^refs\/heads\//, '') ?? 'the branch';
  if (ZERO.test(after)) return { kind: 'nothing', what: `the deletion of ${branch}: no commits` };
  if (!ZERO.test(before))
    return { kind: 'range', base: before, head: after, what: `the commits pushed to ${branch}` };
  const first = payload.commits?.[0]?.id;
  if (!first) return { kind: 'nothing', what: `the new branch ${branch}, which adds no commits` };
  return { kind: 'new-branch', first, head: after, what: `the commits of the new branch ${branch}` };
}
