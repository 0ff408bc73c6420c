import { execFileSync, spawnSync } from 'node:child_process';
import { FakeKeys } from './fake-keys';

/**
 * Running git as a user would, hooks included (GitRepo.git disables hooks on purpose), with a fixed
 * identity; and a leaked key pair written the way people leak them.
 */
export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Hook Tester',
  GIT_AUTHOR_EMAIL: 'hooks@keysweep.invalid',
  GIT_COMMITTER_NAME: 'Hook Tester',
  GIT_COMMITTER_EMAIL: 'hooks@keysweep.invalid',
};

export interface GitRun {
  readonly status: number;
  /** stdout and stderr together: hooks print to either. */
  readonly output: string;
}

export function gitWithHooks(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): GitRun {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_IDENTITY, ...env },
    timeout: 120_000,
  });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_IDENTITY },
  }).trim();
}

export function leakedPair(seed: number): { id: string; secret: string; text: string } {
  const keys = new FakeKeys(seed);
  const id = keys.keyId();
  const secret = keys.secret();
  return { id, secret, text: `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n` };
}
