import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { buildHistory, padded } from '../../../src/devtools/history-builder';
import { type HistoryPlan, loadPlan, validatePlan } from '../../../src/devtools/history-plan';

/** The plan checks, and the builder's behaviour on small plans: branches, tags, merges, errors, padding. */
let tmp: string;
let count = 0;
const freshDir = () => path.join(tmp, `repo-${++count}`);

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keysweep-plan-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('validatePlan', () => {
  it('accepts every step kind', () => {
    const plan = {
      steps: [
        { commit: 'one', branch: 'main', write: { 'a.txt': 'a' }, writeBinary: { 'b.bin': 'b' } },
        {
          commit: 'two',
          writeLarge: { 'c.log': { text: 'c', padToBytes: 10, at: 'end' } },
          rename: { 'a.txt': 'd' },
        },
        { tag: 'v1', annotated: true },
        { checkout: 'main' },
        { merge: 'side', commit: 'three', delete: ['d'] },
        { deleteBranch: 'side' },
      ],
    };
    expect(validatePlan(plan)).toBe(plan);
  });

  it('reports every problem at once, with where it is', () => {
    const plan = {
      steps: [
        { commit: 'one', writ: {} },
        { commit: 'one', write: { '../outside': 'x', '.git/config': 'x', '/abs': 'x', 'ok.txt': 3 } },
        { commit: 'two', writeLarge: { 'big.log': { text: 1, padToBytes: 1.5, at: 'middle' } } },
        { commit: 'three', rename: { 'a\\b': 7 }, delete: ['x//y'] },
        { merge: 'side', commit: '' },
        { tag: 'v1', annotated: 'yes' },
        { push: 'origin' },
        'commit',
        { commit: 'four', write: [] },
      ],
    };
    const problems = (() => {
      try {
        validatePlan(plan, 'p.json');
        return [];
      } catch (error) {
        return (error as Error).message.split('\n');
      }
    })();
    expect(problems).toEqual([
      'p.json: steps[0]: unknown field "writ" (did you mean "write"?)',
      'p.json: steps[1]: "write": "../outside" is not a plain relative path inside the repository',
      'p.json: steps[1]: "write": ".git/config" is not a plain relative path inside the repository',
      'p.json: steps[1]: "write": "/abs" is not a plain relative path inside the repository',
      'p.json: steps[1]: write."ok.txt": the content must be a string',
      'p.json: steps[1]: commit message "one" is used twice (messages name commits)',
      'p.json: steps[2]: writeLarge."big.log": "text" must be a string',
      'p.json: steps[2]: writeLarge."big.log": "padToBytes" must be a whole number of bytes',
      'p.json: steps[2]: writeLarge."big.log": "at" must be one of start, end',
      'p.json: steps[3]: "rename": "a\\b" is not a plain relative path inside the repository',
      'p.json: steps[3]: rename."a\\b": the new path must be a string',
      'p.json: steps[3]: "delete": "x//y" is not a plain relative path inside the repository',
      'p.json: steps[4]: "commit" must be a non-empty string',
      'p.json: steps[5]: "annotated" must be true or false',
      'p.json: steps[6]: a step must have one of "commit", "merge", "tag", "checkout" or "deleteBranch"',
      'p.json: steps[7]: a step must have one of "commit", "merge", "tag", "checkout" or "deleteBranch"',
      'p.json: steps[8]: "write" must be a mapping of paths',
    ]);
  });

  it('needs a mapping with a non-empty list of steps', () => {
    expect(() => validatePlan([])).toThrow('plan: the plan must be a mapping');
    expect(() => validatePlan({ steps: [] })).toThrow('plan: "steps" must be a non-empty list');
  });
});

describe('loadPlan', () => {
  it('names the file when it cannot be read or parsed', () => {
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, '{ "steps": [');
    expect(() => loadPlan(bad)).toThrow(`${bad}: cannot read plan:`);
    expect(() => loadPlan(path.join(tmp, 'missing.json'))).toThrow('cannot read plan');
  });
});

describe('buildHistory on small plans', () => {
  const keyPlan: HistoryPlan = {
    steps: [
      {
        commit: 'add key',
        write: { '.env': 'ID={{fake:aws-key-id:1}}\nSECRET={{fake:aws-secret:1|json}}\n' },
      },
    ],
  };

  it('derives values and commit ids from the seed', async () => {
    const one = await buildHistory(freshDir(), keyPlan);
    const two = await buildHistory(freshDir(), keyPlan, { seed: 2 });
    expect(Object.keys(one.secrets)).toEqual(['aws-key-id:1', 'aws-secret:1']);
    expect(one.secrets['aws-key-id:1']).not.toBe(two.secrets['aws-key-id:1']);
    expect(one.commits['add key']).not.toBe(two.commits['add key']);
  });

  it('starts on the first commit step branch, and makes lightweight tags', async () => {
    const dir = freshDir();
    const built = await buildHistory(dir, {
      steps: [{ commit: 'first', branch: 'trunk', write: { 'a.txt': 'a\n' } }, { tag: 'v1' }],
    });
    expect(await git.currentBranch({ fs, dir })).toBe('trunk');
    expect(await git.listBranches({ fs, dir })).toEqual(['trunk']);
    expect(await git.resolveRef({ fs, dir, ref: 'refs/tags/v1' })).toBe(built.commits.first);
  });

  it('merges deletions, renames and the resolution of a step', async () => {
    const dir = freshDir();
    const built = await buildHistory(dir, {
      steps: [
        { commit: 'base', write: { 'keep.txt': 'keep\n', 'gone.txt': 'gone\n', 'old/name.txt': 'moved\n' } },
        { commit: 'side', branch: 'side', delete: ['gone.txt'], rename: { 'old/name.txt': 'new/name.txt' } },
        { commit: 'main', branch: 'main', write: { 'main.txt': 'main\n' } },
        { merge: 'side', commit: 'merge', write: { 'resolution.txt': 'r\n' }, delete: ['keep.txt'] },
      ],
    });
    const files = await git.listFiles({ fs, dir, ref: 'HEAD' });
    expect(files.sort()).toEqual(['main.txt', 'new/name.txt', 'resolution.txt']);
    expect(fs.readdirSync(dir).sort()).toEqual(['.git', 'main.txt', 'new', 'resolution.txt']);
    const { commit } = await git.readCommit({ fs, dir, oid: built.head });
    expect(commit.parent).toEqual([built.commits.main, built.commits.side]);
  });

  it.each([
    [
      'a path changed on both sides',
      [
        { commit: 'base', write: { 'a.txt': 'a\n' } },
        { commit: 'side', branch: 'side', write: { 'a.txt': 'side\n' } },
        { commit: 'main', branch: 'main', write: { 'a.txt': 'main\n' } },
        { merge: 'side', commit: 'merge' },
      ],
      'step 3 (merge side): both sides changed a.txt',
    ],
    [
      'deleting the checked-out branch',
      [{ commit: 'base', write: { 'a.txt': 'a\n' } }, { deleteBranch: 'main' }],
      'step 1 (deleteBranch main): cannot delete the checked-out branch main',
    ],
    [
      'deleting a missing file',
      [
        { commit: 'base', write: { 'a.txt': 'a\n' } },
        { commit: 'oops', delete: ['b.txt'] },
      ],
      'step 1 (commit "oops"): b.txt does not exist at this point of the plan',
    ],
    [
      'a checkout of an unknown ref',
      [{ commit: 'base', write: { 'a.txt': 'a\n' } }, { checkout: 'nowhere' }],
      'step 1 (checkout nowhere):',
    ],
    [
      'a tag before any commit',
      [{ tag: 'v0' }, { commit: 'base', write: { 'a.txt': 'a\n' } }],
      'step 0 (tag v0):',
    ],
  ] as const)('stops at %s, naming the step', async (_what, steps, message) => {
    await expect(buildHistory(freshDir(), { steps })).rejects.toThrow(message);
  });

  it('rejects an invalid plan before touching the directory', async () => {
    const dir = freshDir();
    await expect(buildHistory(dir, { steps: [] })).rejects.toThrow('"steps" must be a non-empty list');
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('padded', () => {
  it('pads to exactly the size, with the text first or last', () => {
    const start = padded('KEY', { text: 'KEY', padToBytes: 500 });
    expect(start.length).toBe(500);
    expect(start.toString().startsWith('KEY\nfiller line 0000001: ')).toBe(true);
    const end = padded('KEY\n', { text: 'KEY\n', padToBytes: 1000, at: 'end' });
    expect(end.length).toBe(1000);
    expect(end.toString().endsWith('\nKEY\n')).toBe(true);
    for (const size of [4, 5, 6, 70, 71])
      expect(padded('KEY', { text: '', padToBytes: size }).length).toBe(size);
  });

  it('leaves text that is already as long alone', () => {
    expect(padded('0123456789', { text: '', padToBytes: 4 }).toString()).toBe('0123456789');
  });
});
