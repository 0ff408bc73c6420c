import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { findWorktreeRoot } from '../git/repo';
import { relativeInside } from '../util/path-inside';
import { readRegularFileSync } from '../util/read-regular-file';

/**
 * Git's ignore rules for a working tree: `.git/info/exclude` and every `.gitignore` from the repository
 * root down to a file's directory. Each directory gets one rule set: its parent's rules followed by its
 * own `.gitignore`, re-based to the repository root (an unanchored `build` in `sub/.gitignore` becomes
 * `sub/**\/build`), so a deeper file overrides a shallower one exactly as in git — including negations
 * across files — and, as in git, nothing under an ignored directory can be re-included. Rule files are
 * read once per directory, on first need. Directories are checked before they are entered, so an
 * ignored `node_modules` is never walked (see `worktree.ts`).
 */
export class GitIgnore {
  private readonly sets = new Map<string, { rules: Ignore; patterns: string[] }>();

  private constructor(private readonly repoRoot: string) {}

  /** The ignore rules of the repository holding `dir`, or undefined when `dir` is in no repository. */
  static async forDirectory(dir: string): Promise<GitIgnore | undefined> {
    const root = findWorktreeRoot(dir);
    return root === undefined ? undefined : new GitIgnore(root);
  }

  /** `absolutePath` is a file unless `isDirectory`. Paths outside the repository are never ignored. */
  ignores(absolutePath: string, isDirectory = false): boolean {
    const inside = relativeInside(this.repoRoot, absolutePath);
    if (!inside) return false; // outside, or the root itself
    const relative = inside.split(path.sep).join('/');
    const parent = path.posix.dirname(relative);
    return this.rulesFor(parent === '.' ? '' : parent).rules.ignores(isDirectory ? `${relative}/` : relative);
  }

  private rulesFor(relativeDir: string): { rules: Ignore; patterns: string[] } {
    let set = this.sets.get(relativeDir);
    if (!set) {
      const inherited =
        relativeDir === ''
          ? rebase(readIfPresent(path.join(this.repoRoot, '.git', 'info', 'exclude')), '')
          : this.rulesFor(parentOf(relativeDir)).patterns;
      const own = rebase(readIfPresent(path.join(this.repoRoot, relativeDir, '.gitignore')), relativeDir);
      const patterns = own.length > 0 ? [...inherited, ...own] : inherited;
      const reused =
        own.length === 0 && relativeDir !== '' ? this.rulesFor(parentOf(relativeDir)).rules : undefined;
      set = { rules: reused ?? ignore().add(patterns), patterns };
      this.sets.set(relativeDir, set);
    }
    return set;
  }
}

function parentOf(relativeDir: string): string {
  const parent = path.posix.dirname(relativeDir);
  return parent === '.' ? '' : parent;
}

/**
 * Rewrites the lines of a rules file in `dir` (relative to the repository root) so they mean the same
 * from the root: anchored patterns (a slash before the end) get `dir/` in front, unanchored ones
 * `dir/**\/` so they still match at any depth below `dir`.
 */
function rebase(text: string, dir: string): string[] {
  const patterns: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    if (dir === '') {
      patterns.push(line);
      continue;
    }
    const negated = line.startsWith('!');
    const body = negated ? line.slice(1) : line;
    const anchored = body.replace(/\/$/, '').includes('/');
    const rebased = anchored ? `${dir}/${body.replace(/^\//, '')}` : `${dir}/**/${body}`;
    patterns.push(negated ? `!${rebased}` : rebased);
  }
  return patterns;
}

/** A missing rules file, or one that is not a regular file (a FIFO must not hang the scan), has no rules. */
function readIfPresent(file: string): string {
  try {
    return readRegularFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
