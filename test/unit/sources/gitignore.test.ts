import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { GitIgnore } from '../../../src/sources/gitignore';

describe('GitIgnore', () => {
  let tmp: string;
  let repo: string;
  let outside: string;
  let ignore: GitIgnore;

  function write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), text);
  }

  const ignores = (file: string, isDirectory = false) => ignore.ignores(path.join(repo, file), isDirectory);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keysweep-'));
    repo = path.join(tmp, 'repo');
    outside = path.join(tmp, 'plain');
    fs.mkdirSync(repo);
    fs.mkdirSync(outside);
    await git.init({ fs, dir: repo });
    write(
      '.gitignore',
      ['*.log', '!keep.log', 'build/', '/root-only.txt', 'notes.txt', '!excluded-but-kept.txt'].join('\n'),
    );
    write('.git/info/exclude', ['# local excludes', 'excluded.txt', 'excluded-but-kept.txt'].join('\n'));
    write('sub/.gitignore', ['secret.txt', '!important.log', '/here-only.txt', 'cache/'].join('\n'));
    write('build/.gitignore', '!keep.txt\n');
    write('sub/cache/.gitignore', '!keep.txt\n');
    write('vendor/.gitignore', '*\n!.gitignore\n');
    const found = await GitIgnore.forDirectory(repo);
    if (!found) throw new Error('no repository found');
    ignore = found;
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('finds no repository for a directory outside any', async () => {
    await expect(GitIgnore.forDirectory(outside)).resolves.toBeUndefined();
  });

  it('finds the repository from a subdirectory', async () => {
    const fromSub = await GitIgnore.forDirectory(path.join(repo, 'sub'));
    expect(fromSub?.ignores(path.join(repo, 'app.log'))).toBe(true);
    expect(fromSub?.ignores(path.join(repo, 'app.txt'))).toBe(false);
  });

  it('applies root .gitignore patterns at any depth', () => {
    expect(ignores('app.log')).toBe(true);
    expect(ignores('deep/down/app.log')).toBe(true);
    expect(ignores('app.txt')).toBe(false);
    expect(ignores('app.log.txt')).toBe(false);
  });

  it('re-includes a file with a negation', () => {
    expect(ignores('keep.log')).toBe(false);
    expect(ignores('deep/keep.log')).toBe(false);
  });

  it('ignores a directory pattern only for directories, and everything under it', () => {
    expect(ignores('build', true)).toBe(true);
    expect(ignores('build')).toBe(false);
    expect(ignores('build/out.js')).toBe(true);
    expect(ignores('src/build/out.js')).toBe(true);
    expect(ignores('build/deep/er/out.js')).toBe(true);
  });

  it('cannot re-include a file whose parent directory is ignored', () => {
    // build/.gitignore says !keep.txt, but build/ itself is excluded by the root .gitignore
    expect(ignores('build/keep.txt')).toBe(true);
    // sub/cache/.gitignore says !keep.txt, but sub/.gitignore excludes cache/
    expect(ignores('sub/cache/keep.txt')).toBe(true);
    expect(ignores('sub/cache/deeper/keep.txt')).toBe(true);
  });

  it('anchors patterns with a leading slash to their own directory', () => {
    expect(ignores('root-only.txt')).toBe(true);
    expect(ignores('sub/root-only.txt')).toBe(false);
    expect(ignores('sub/here-only.txt')).toBe(true);
    expect(ignores('sub/x/here-only.txt')).toBe(false);
    expect(ignores('here-only.txt')).toBe(false);
  });

  it('applies a nested .gitignore below its directory only, overriding shallower ones', () => {
    expect(ignores('sub/secret.txt')).toBe(true);
    expect(ignores('sub/deeper/secret.txt')).toBe(true);
    expect(ignores('secret.txt')).toBe(false);
    expect(ignores('other/secret.txt')).toBe(false);
    expect(ignores('sub/important.log')).toBe(false);
    expect(ignores('sub/other.log')).toBe(true);
    expect(ignores('important.log')).toBe(true);
    expect(ignores('sub/cache', true)).toBe(true);
    expect(ignores('cache/file.txt')).toBe(false);
  });

  it('lets a nested .gitignore ignore everything in its directory but itself', () => {
    expect(ignores('vendor/lib.js')).toBe(true);
    expect(ignores('vendor/.gitignore')).toBe(false);
  });

  it('reads .git/info/exclude, which .gitignore can override', () => {
    expect(ignores('excluded.txt')).toBe(true);
    expect(ignores('sub/excluded.txt')).toBe(true);
    expect(ignores('excluded-but-kept.txt')).toBe(false);
    expect(ignores('notes.txt')).toBe(true);
  });

  it('never ignores the repository root or paths outside it', () => {
    expect(ignore.ignores(repo, true)).toBe(false);
    expect(ignore.ignores(path.join(outside, 'app.log'))).toBe(false);
    expect(ignore.ignores(path.join(tmp, 'app.log'))).toBe(false);
  });

  describe('across rule files', () => {
    let second: string;
    let rules: GitIgnore;
    const put = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(second, file)), { recursive: true });
      fs.writeFileSync(path.join(second, file), text);
    };
    const check = (file: string, isDirectory = false) => rules.ignores(path.join(second, file), isDirectory);

    beforeAll(async () => {
      second = path.join(tmp, 'second');
      await git.init({ fs, dir: second });
      put('.gitignore', 'build\n!local\n*.log\n');
      put('.git/info/exclude', 'local\n');
      put('sub/.gitignore', '!build\n');
      put('a/b/.gitignore', '/only-here.txt\nnested/deep.txt\n');
      const found = await GitIgnore.forDirectory(second);
      if (!found) throw new Error('no repository found');
      rules = found;
    });

    it('lets a nested negation re-include a directory a shallower file ignores (as git does)', () => {
      expect(check('build', true)).toBe(true);
      expect(check('build/x.js')).toBe(true);
      expect(check('sub/build', true)).toBe(false);
      expect(check('sub/build/x.js')).toBe(false);
      expect(check('sub/deeper/build/x.js')).toBe(false);
    });

    it('lets .gitignore re-include what .git/info/exclude ignores', () => {
      expect(check('local', true)).toBe(false);
      expect(check('local/x.txt')).toBe(false);
    });

    it('keeps anchored patterns of a nested file relative to that file', () => {
      expect(check('a/b/only-here.txt')).toBe(true);
      expect(check('a/b/c/only-here.txt')).toBe(false);
      expect(check('a/b/nested/deep.txt')).toBe(true);
      expect(check('a/nested/deep.txt')).toBe(false);
    });

    it('treats a name starting with two dots as inside the repository', () => {
      expect(check('..app.log')).toBe(true);
    });
  });
});
