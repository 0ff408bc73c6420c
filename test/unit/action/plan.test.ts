import { planScan } from '../../../src/action/plan';
import { UsageError } from '../../../src/errors';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

test('auto: a pull request is its commits, base.sha..head.sha', () => {
  const payload = { number: 7, pull_request: { number: 7, base: { sha: A }, head: { sha: B } } };
  expect(planScan('auto', 'pull_request', payload)).toEqual({
    kind: 'range',
    base: A,
    head: B,
    what: 'the commits of pull request #7',
  });
  expect(planScan('auto', 'pull_request_target', payload)).toMatchObject({ kind: 'range', base: A, head: B });
});

test('auto: a push is before..after; a new branch starts at its first commit; a deletion is nothing', () => {
  expect(planScan('auto', 'push', { before: A, after: B, ref: 'refs/heads/main' })).toEqual({
    kind: 'range',
    base: A,
    head: B,
    what: 'the commits pushed to main',
  });
  expect(
    planScan('auto', 'push', {
      before: ZERO,
      after: B,
      ref: 'refs/heads/topic',
      commits: [{ id: A }, { id: B }],
    }),
  ).toEqual({ kind: 'new-branch', first: A, head: B, what: 'the commits of the new branch topic' });
  expect(
    planScan('auto', 'push', { before: ZERO, after: B, ref: 'refs/heads/topic', commits: [] }),
  ).toMatchObject({
    kind: 'nothing',
  });
  expect(planScan('auto', 'push', { before: A, after: ZERO, ref: 'refs/heads/old' })).toEqual({
    kind: 'nothing',
    what: 'the deletion of old: no commits',
  });
});

test('auto: a merge group is its range; schedule, dispatch and other events sweep the history', () => {
  expect(planScan('auto', 'merge_group', { merge_group: { base_sha: A, head_sha: B } })).toMatchObject({
    kind: 'range',
    base: A,
    head: B,
  });
  for (const event of ['schedule', 'workflow_dispatch', 'release'])
    expect(planScan('auto', event, {}).kind).toBe('history');
});

test('explicit modes, and inputs that cannot work, are usage errors', () => {
  expect(planScan('scan', 'pull_request', {}).kind).toBe('scan');
  expect(planScan('history', 'push', {}).kind).toBe('history');
  expect(() => planScan('everything', 'push', {})).toThrow(
    'input mode: "everything" is not one of auto, range, history, scan',
  );
  expect(() => planScan('range', 'schedule', {})).toThrow(UsageError);
  expect(() => planScan('auto', 'pull_request', { pull_request: {} })).toThrow(
    'pull_request event: the payload has no base.sha and head.sha',
  );
});
