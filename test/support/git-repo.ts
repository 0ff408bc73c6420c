import { execFileSync } from 'node:child_process';
import { TempTree } from './temp-tree';

/**
 * A scratch git repository driven by the real git binary, for tests of the git sources against what git
 * itself writes (loose objects, packs, the index). Dates and identities are fixed so ids are stable.
 */
export class GitRepo extends TempTree {
  private tick = 0;

  constructor() {
    super();
    this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    const date = `${1704067200 + this.tick * 60} +0000`;
    return execFileSync('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'gc.auto=0', ...args], {
      cwd: this.root,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test Author',
        GIT_AUTHOR_EMAIL: 'author@keysweep.invalid',
        GIT_COMMITTER_NAME: 'Test Author',
        GIT_COMMITTER_EMAIL: 'author@keysweep.invalid',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
    }).trim();
  }

  /** Writes files, stages everything, commits; returns the new commit id. */
  commit(message: string, files: Record<string, string> = {}, remove: string[] = []): string {
    for (const [file, text] of Object.entries(files)) this.write(file, text);
    for (const file of remove) this.git('rm', '-q', file);
    this.git('add', '-A');
    this.tick++;
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }
}
