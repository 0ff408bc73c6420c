import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KeysweepError } from '../errors';
import { configValue, type Repository, userConfigValue } from '../git/repo';

/**
 * `keysweep install-hook` / `uninstall-hook`: a plain git pre-commit hook, for people who do not use the
 * pre-commit framework. The hook is a short sh script carrying a marker line, so keysweep only ever
 * overwrites or removes a hook it wrote itself. It runs the repository's own
 * `node_modules/.bin/keysweep` when there is one (the version the project pinned), else the keysweep
 * that installed it, by absolute path, so it works in any repository on the machine.
 */
export const HOOK_MARKER = '# keysweep-hook v1';
const CHAINED_SUFFIX = '.keysweep-chained';

export interface InstallOptions {
  /** Overwrite a pre-commit hook keysweep did not write. */
  readonly force: boolean;
  /** Keep an existing hook and run it before keysweep. */
  readonly chain: boolean;
  /** How to start this keysweep: the node binary and the CLI's main.js, both absolute. */
  readonly node: string;
  readonly cli: string;
  /** The environment git runs in (HOME, XDG_CONFIG_HOME, GIT_CONFIG_*), for its global config. */
  readonly env: NodeJS.ProcessEnv;
}

export interface InstallResult {
  readonly hook: string;
  readonly chained?: string;
  readonly replaced: 'nothing' | 'keysweep' | 'other';
}

/**
 * Called when the repository's own config sets no `core.hooksPath`: one in the global or system config
 * then sends git to that directory, shared by every repository: a hook written here would never run,
 * and writing one there would reach every repository. Refused, as pre-commit refuses to install under
 * any `core.hooksPath`.
 */
async function refuseUserHooksPath(env: NodeJS.ProcessEnv): Promise<void> {
  const user = await userConfigValue('core.hooksPath', env);
  if (!user) return;
  throw new KeysweepError(
    'E_GIT',
    `${user.file}: core.hooksPath is "${user.value}", so git runs the hooks there, not this repository's`,
    {
      hint: "add 'keysweep staged' to the pre-commit hook in that directory, or give this repository hooks of its own: git config core.hooksPath .git/hooks",
    },
  );
}

/**
 * Where git looks for hooks: `configured`, the repository's own `core.hooksPath` (relative to the working
 * tree), or `<git dir>/hooks`.
 */
function hooksDirectory(repo: Repository, configured: string | undefined): string {
  if (configured) {
    const expanded = configured.replace(/^~(?=\/|$)/, process.env.HOME ?? '~');
    return path.resolve(repo.worktree ?? repo.gitdir, expanded);
  }
  return path.join(repo.commondir, 'hooks');
}

export async function installHook(repo: Repository, options: InstallOptions): Promise<InstallResult> {
  if (!repo.worktree)
    throw new KeysweepError('E_GIT', `${repo.gitdir}: a bare repository has no commits to guard`);
  const configured = await configValue(repo, 'core.hooksPath');
  if (!configured) await refuseUserHooksPath(options.env);
  const dir = hooksDirectory(repo, configured);
  const hook = path.join(dir, 'pre-commit');
  const chained = hook + CHAINED_SUFFIX;
  let replaced: InstallResult['replaced'] = 'nothing';
  if (existsSync(hook)) {
    if (isOurs(hook)) replaced = 'keysweep';
    else if (options.chain) {
      if (existsSync(chained))
        throw new KeysweepError('E_IO', `${chained}: already exists; refusing to overwrite a saved hook`);
      renameSync(hook, chained);
      replaced = 'other';
    } else if (options.force) replaced = 'other';
    else
      throw new KeysweepError('E_IO', `${hook}: a pre-commit hook keysweep did not write is in place`, {
        hint: 'use --chain to keep it and run it first, or --force to replace it',
      });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(hook, hookScript(options, existsSync(chained) ? chained : undefined));
  chmodSync(hook, 0o755);
  return { hook, ...(existsSync(chained) ? { chained } : {}), replaced };
}

/** Removes keysweep's hook (and puts back a hook it chained); never touches a hook it did not write. */
export async function uninstallHook(
  repo: Repository,
): Promise<{ hook: string; restored: boolean } | undefined> {
  const hook = path.join(hooksDirectory(repo, await configValue(repo, 'core.hooksPath')), 'pre-commit');
  if (!existsSync(hook)) return undefined;
  if (!isOurs(hook))
    throw new KeysweepError('E_IO', `${hook}: not written by keysweep; left alone`, {
      hint: 'remove it by hand if you mean to',
    });
  rmSync(hook);
  const chained = hook + CHAINED_SUFFIX;
  if (!existsSync(chained)) return { hook, restored: false };
  renameSync(chained, hook);
  return { hook, restored: true };
}

function isOurs(hook: string): boolean {
  try {
    return readFileSync(hook, 'utf8').split('\n', 3).includes(HOOK_MARKER);
  } catch {
    return false;
  }
}

/** POSIX sh single-quoting: the only character that needs care inside '…' is the quote itself. */
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export function hookScript(options: Pick<InstallOptions, 'node' | 'cli'>, chained?: string): string {
  const lines = [
    '#!/bin/sh',
    HOOK_MARKER,
    '# Written by `keysweep install-hook`; `keysweep uninstall-hook` removes it. It blocks commits that',
    '# add AWS credentials. Bypass once, knowingly, with `git commit --no-verify`.',
  ];
  if (chained)
    lines.push(
      '# The hook that was here before runs first; the commit stops if it fails.',
      `${quote(chained)} "$@" || exit $?`,
    );
  lines.push(
    '# git runs hooks at the top of the working tree: prefer the keysweep this project pins.',
    'if [ -x node_modules/.bin/keysweep ]; then',
    '  exec node_modules/.bin/keysweep staged',
    'fi',
    `exec ${quote(options.node)} ${quote(options.cli)} staged`,
    '',
  );
  return lines.join('\n');
}
