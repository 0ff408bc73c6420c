import yargs from 'yargs/yargs';
import { formatError, KeysweepError, UsageError } from '../errors';
import type { HistoryArgs, RangeArgs, StagedArgs } from './git-commands';
import type { HookArgs } from './hook-command';
import { changeOptions, historyOptions, worktreeOptions } from './options';
import type { BaselineCreateArgs, ScanArgs } from './scan-command';
import { VERSION } from './version';

/**
 * The CLI shell: parses argv with yargs, runs one command, and turns every failure into one line on
 * stderr and exit code 2. It never calls process.exit and takes its I/O as an argument, so tests run it
 * in-process. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, config, rules or I/O error.
 */
export interface Io {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C: the scan stops between files, reports what it found, and exits 130. */
  readonly signal?: AbortSignal;
}

export { VERSION } from './version';

function parser() {
  return yargs()
    .scriptName('keysweep')
    .usage('$0 <command> [options]\n\nFinds AWS credentials in working trees and git repositories.')
    .command('scan [paths..]', 'scan files and directories (default: the current directory)', (y) =>
      worktreeOptions(y).positional('paths', {
        type: 'string',
        array: true,
        describe: 'files or directories',
      }),
    )
    .command('staged [path]', 'scan what is staged for the next commit (pre-commit hooks)', (y) =>
      changeOptions(y).positional('path', {
        type: 'string',
        describe: 'repository (default: the current directory)',
      }),
    )
    .command('range [range] [path]', 'scan every commit in BASE..HEAD (pull requests, pushes)', (y) =>
      changeOptions(y)
        .positional('range', {
          type: 'string',
          describe: 'BASE..HEAD: commits reachable from HEAD and not from BASE',
        })
        .positional('path', { type: 'string', describe: 'repository (default: the current directory)' })
        .option('since-commit', { type: 'string', describe: 'shorthand for <commit>..HEAD' })
        .option('trust-head-config', {
          type: 'boolean',
          default: false,
          describe:
            'read config and baseline from the working tree, not from BASE (a change can then relax its own checks)',
        }),
    )
    .command('history [path]', 'sweep the whole history of every ref, each unique blob once', (y) =>
      historyOptions(y).positional('path', {
        type: 'string',
        describe: 'repository (default: the current directory)',
      }),
    )
    .command('baseline <action> [paths..]', 'record the current findings as accepted (create)', (y) =>
      worktreeOptions(y)
        .positional('action', { choices: ['create'] as const })
        .positional('paths', { type: 'string', array: true, describe: 'files or directories' })
        .option('reason', {
          type: 'string',
          default: 'accepted when the baseline was created',
          describe: 'why these findings are accepted (stored in every entry)',
        })
        .option('expires', {
          type: 'string',
          describe: 'YYYY-MM-DD: the entries stop suppressing on this day',
        })
        .option('any-path', {
          type: 'boolean',
          default: false,
          describe: 'match the secrets wherever they appear, not only at their current paths',
        }),
    )
    .command('install-hook [path]', 'install a git pre-commit hook that runs `keysweep staged`', (y) =>
      y
        .positional('path', { type: 'string', describe: 'repository (default: the current directory)' })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: 'replace a hook keysweep did not write',
        })
        .option('chain', {
          type: 'boolean',
          default: false,
          describe: 'keep the existing hook and run it first',
        }),
    )
    .command('uninstall-hook [path]', 'remove the pre-commit hook keysweep installed', (y) =>
      y.positional('path', { type: 'string', describe: 'repository (default: the current directory)' }),
    )
    .command('rules <action> [dir]', 'list the rules, or self-test a rule directory (list | check)', (y) =>
      y.positional('action', { choices: ['list', 'check'] as const }).positional('dir', {
        type: 'string',
        describe: 'rule directory or file (default: the built-in rules)',
      }),
    )
    .option('debug', { type: 'boolean', default: false, describe: 'show stack traces of internal errors' })
    .demandCommand(1, 'name a command: scan, staged, range, history, install-hook or rules')
    .recommendCommands()
    .strict()
    .help()
    .alias('help', 'h')
    .version(VERSION)
    .wrap(100)
    .exitProcess(false);
}

const scanModule = () => require('./scan-command') as typeof import('./scan-command');
const gitModule = () => require('./git-commands') as typeof import('./git-commands');
const hookModule = () => require('./hook-command') as typeof import('./hook-command');
const rulesModule = () => require('./rules-command') as typeof import('./rules-command');

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const parsed = await parseArgs(argv);
    if (parsed === 'printed') return 0;
    if ('text' in parsed) {
      io.stdout.write(parsed.text);
      return 0;
    }
    const args = parsed.args;
    debug = args.debug === true;
    const [command] = args._;
    // Each command's module is loaded only when it runs: a pre-commit hook pays for the git reader, not
    // for the working-tree walker, and neither for the other commands.
    if (command === 'scan') return await scanModule().scanCommand(args as unknown as ScanArgs, io);
    if (command === 'staged') return await gitModule().stagedCommand(args as unknown as StagedArgs, io);
    if (command === 'range') return await gitModule().rangeCommand(args as unknown as RangeArgs, io);
    if (command === 'history') return await gitModule().historyCommand(args as unknown as HistoryArgs, io);
    if (command === 'baseline')
      return await scanModule().baselineCreateCommand(args as unknown as BaselineCreateArgs, io);
    if (command === 'install-hook')
      return await hookModule().installHookCommand(args as unknown as HookArgs, io);
    if (command === 'uninstall-hook')
      return await hookModule().uninstallHookCommand(args as unknown as HookArgs, io);
    if (command === 'rules' && args.action === 'list') return rulesModule().rulesListCommand(io);
    if (command === 'rules') return rulesModule().rulesCheckCommand(args.dir as string | undefined, io);
    throw new UsageError(`unknown command "${String(command)}"`);
  } catch (error) {
    if (error instanceof KeysweepError) {
      io.stderr.write(`${formatError(error)}\n`);
      if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`keysweep: internal error: ${message} (please report it; --debug shows where)\n`);
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 2;
  }
}

type Parsed = 'printed' | { text: string } | { args: Record<string, unknown> & { _: (string | number)[] } };

/** yargs reports help, version and usage errors through the parse callback instead of printing them. */
function parseArgs(argv: readonly string[]): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    withoutHelpCache(parser()).parse([...argv], {}, (error, args, output) => {
      if (error) reject(new UsageError(error.message.replace(/\s*\n\s*/g, ' ')));
      else if (output) resolve({ text: output.endsWith('\n') ? output : `${output}\n` });
      else if (args.help || args.version) resolve('printed');
      else resolve({ args: args as Record<string, unknown> & { _: (string | number)[] } });
    });
  });
}

/**
 * yargs renders the whole help text after each subcommand it parses (usage.cacheHelpMessage, kept for a
 * command handler that calls showHelp later). keysweep's commands have no yargs handler and never show
 * help after a parse, and the render costs ~15 ms, 6 % of a pre-commit hook's run; so it is switched off
 * where the installed yargs has it (17.x), and nothing changes where it does not. `--help` still renders.
 */
function withoutHelpCache<T>(instance: T): T {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } };
  const usage = (instance as Internals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
  return instance;
}
