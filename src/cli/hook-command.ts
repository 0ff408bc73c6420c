import path from 'node:path';
import { openRepository } from '../git/repo';
import { installHook, uninstallHook } from '../hooks/git-hook';
import { PACKAGE_ROOT } from '../util/package-root';
import type { Io } from './run';

/** `keysweep install-hook` and `uninstall-hook`: thin wrappers over hooks/git-hook.ts. */
export interface HookArgs {
  path?: string;
  force: boolean;
  chain: boolean;
}

/** This keysweep's entry point, by absolute path (from src/cli under ts-jest and from lib/cli alike). */
const CLI_MAIN = path.join(PACKAGE_ROOT, 'lib', 'cli', 'main.js');

export async function installHookCommand(args: HookArgs, io: Io): Promise<number> {
  const repo = await openRepository(path.resolve(io.cwd, args.path ?? '.'), io.cwd);
  const result = await installHook(repo, {
    force: args.force,
    chain: args.chain,
    node: process.execPath,
    cli: CLI_MAIN,
    env: io.env,
  });
  const verb = result.replaced === 'keysweep' ? 'updated' : 'installed';
  io.stdout.write(`keysweep: ${verb} the pre-commit hook at ${result.hook}\n`);
  if (result.chained) io.stdout.write(`keysweep: it runs the previous hook first (${result.chained})\n`);
  else if (result.replaced === 'other')
    io.stdout.write('keysweep: the previous hook was replaced (--force)\n');
  return 0;
}

export async function uninstallHookCommand(args: Pick<HookArgs, 'path'>, io: Io): Promise<number> {
  const repo = await openRepository(path.resolve(io.cwd, args.path ?? '.'), io.cwd);
  const removed = await uninstallHook(repo);
  if (!removed) io.stdout.write('keysweep: no pre-commit hook is installed; nothing to remove\n');
  else if (removed.restored)
    io.stdout.write(`keysweep: removed the hook; the previous one is back at ${removed.hook}\n`);
  else io.stdout.write(`keysweep: removed the pre-commit hook at ${removed.hook}\n`);
  return 0;
}
