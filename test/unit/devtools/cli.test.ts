import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import type { Io } from '../../../src/cli/run';
import { buildHistoryCli } from '../../../src/devtools/build-history-cli';
import { demo } from '../../../src/devtools/demo';

/** The two devtools entry points: `npm run fixture:history` and `npm run demo` (with a stand-in CLI). */
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keysweep-devtools-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function capture(): { io: Io; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: {
      write: (text: string) => {
        out += text;
      },
    },
    stderr: {
      write: (text: string) => {
        err += text;
      },
    },
    cwd: tmp,
    env: {},
  };
  return { io, out: () => out, err: () => err };
}

describe('build-history-cli', () => {
  it('builds the fixture plan by default and prints its commits', async () => {
    const { io, out, err } = capture();
    expect(await buildHistoryCli(['fixture'], io)).toBe(0);
    expect(err()).toBe('');
    const lines = out().trimEnd().split('\n');
    expect(lines).toHaveLength(26);
    expect(lines[0]).toMatch(/^[0-9a-f]{7} {2}Initial commit: billing service skeleton$/);
    expect(lines[25]).toMatch(/^built 25 commits with 21 fake secrets in .*fixture \(HEAD [0-9a-f]{7}\)$/);
  });

  it('builds a plan given as a second argument, into an empty directory', async () => {
    fs.writeFileSync(
      path.join(tmp, 'small.json'),
      JSON.stringify({ steps: [{ commit: 'only', write: { a: 'a' } }] }),
    );
    fs.mkdirSync(path.join(tmp, 'empty'));
    const { io, out } = capture();
    expect(await buildHistoryCli(['empty', 'small.json'], io)).toBe(0);
    expect(out()).toMatch(/^[0-9a-f]{7} {2}only\nbuilt 1 commits with 0 fake secrets/);
  });

  it.each([
    [[], 'usage: build-history-cli <dir> [plan.json]\n'],
    [['--help'], 'usage: build-history-cli <dir> [plan.json]\n'],
    [['a', 'b', 'c'], 'usage: build-history-cli <dir> [plan.json]\n'],
  ])('prints usage for %j', async (argv, message) => {
    const { io, err } = capture();
    expect(await buildHistoryCli(argv, io)).toBe(2);
    expect(err()).toBe(message);
  });

  it('refuses a directory that is not empty, and reports plan problems line by line', async () => {
    fs.mkdirSync(path.join(tmp, 'full'));
    fs.writeFileSync(path.join(tmp, 'full', 'x'), 'x');
    const full = capture();
    expect(await buildHistoryCli(['full'], full.io)).toBe(2);
    expect(full.err()).toBe('build-history: full exists and is not empty\n');

    fs.writeFileSync(path.join(tmp, 'bad.json'), JSON.stringify({ steps: [{ commit: '' }, { nope: 1 }] }));
    const bad = capture();
    expect(await buildHistoryCli(['out-bad', 'bad.json'], bad.io)).toBe(2);
    expect(bad.err().trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^build-history: .*bad\.json: steps\[0\]: "commit" must be a non-empty string$/),
      expect.stringMatching(/^build-history: .*bad\.json: steps\[1\]: a step must have one of/),
    ]);
  });
});

describe('demo', () => {
  it('builds a repository with a clean tree and a dirty history, then runs keysweep history on it', async () => {
    const { io, out } = capture();
    const calls: (readonly string[])[] = [];
    const code = await demo(io, {
      tmpRoot: tmp,
      run: async (argv) => {
        calls.push(argv);
        return 1;
      },
    });
    expect(code).toBe(1);
    const dir = calls[0]?.[1] ?? '';
    expect(calls).toEqual([['history', dir]]);
    expect(dir.startsWith(tmp)).toBe(true);
    expect(out()).toMatch(
      /^keysweep demo: a repository whose working tree is clean, but whose history is not — /,
    );
    expect(out()).toContain(`repository: ${dir} (5 commits;`);
    expect(out().endsWith(`$ keysweep history ${dir}\n`)).toBe(true);

    const head = await git.listFiles({ fs, dir, ref: 'HEAD' });
    expect(head.sort()).toEqual([
      '.env.example',
      '.gitignore',
      'README.md',
      'package.json',
      'scripts/backup.sh',
      'src/server.js',
    ]);
    const log = await git.log({ fs, dir, ref: 'main' });
    const texts = await Promise.all(
      head.map(async (filepath) =>
        Buffer.from((await git.readBlob({ fs, dir, oid: log[0]?.oid ?? '', filepath })).blob).toString(),
      ),
    );
    expect(texts.join('\n')).not.toMatch(/A[KS]IA[A-Z2-7]{16}/);
    const env = Buffer.from(
      (await git.readBlob({ fs, dir, oid: log[3]?.oid ?? '', filepath: '.env' })).blob,
    ).toString();
    expect(env).toMatch(/^AWS_ACCESS_KEY_ID=AKIA[A-Z2-7]{16}$/m);
  });
});
