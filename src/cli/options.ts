import os from 'node:os';
import type { Argv } from 'yargs';
import { FORMATS } from '../report/reporter';
import { SEVERITIES } from '../types';

/** Options shared by every command that scans and reports. */
export function reportOptions<T>(y: Argv<T>) {
  return y
    .option('format', {
      requiresArg: true,
      alias: 'f',
      choices: FORMATS,
      default: 'text' as const,
      describe: 'report format',
    })
    .option('output', {
      requiresArg: true,
      alias: 'o',
      type: 'string',
      describe: 'write the report to this file',
    })
    .option('report', {
      requiresArg: true,
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'also write the report in another format: FORMAT=FILE (e.g. sarif=keysweep.sarif)',
    })
    .option('redact', {
      type: 'boolean',
      default: true,
      describe: 'mask secrets in the report (--no-redact shows them in full)',
    })
    .option('fail-on', {
      requiresArg: true,
      choices: SEVERITIES,
      default: 'medium' as const,
      describe: 'lowest severity that makes the exit code 1 (reports always list every finding)',
    })
    .option('config', {
      requiresArg: true,
      alias: 'c',
      type: 'string',
      describe: 'config file (default: <root>/.keysweep.yaml)',
    })
    .option('rules', {
      requiresArg: true,
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'extra rule directory or file',
    })
    .option('baseline', {
      requiresArg: true,
      type: 'string',
      describe: 'do not report findings accepted in this baseline file (keysweep baseline create)',
    })
    .option('max-file-size', {
      requiresArg: true,
      type: 'string',
      describe: 'skip larger files: bytes, or 512KB, 10MiB, 100MB (default 10MiB)',
    });
}

/** Worker threads, for the commands that read many files (scan, history). */
function jobsOption<T>(y: Argv<T>) {
  return y.option('jobs', {
    alias: 'j',
    type: 'string',
    describe: `threads that read and scan files, this one included (default: up to one per core, ${os.availableParallelism()} here, once a scan runs long enough to pay for them; 1: no worker threads)`,
  });
}

/** Options of the working-tree scan. */
export function worktreeOptions<T>(y: Argv<T>) {
  return jobsOption(reportOptions(y))
    .option('include', {
      requiresArg: true,
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'only scan paths matching this glob',
    })
    .option('exclude', {
      requiresArg: true,
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'skip paths matching this glob',
    })
    .option('gitignore', {
      type: 'boolean',
      default: true,
      describe: 'honour .gitignore and .git/info/exclude (--no-gitignore scans ignored files too)',
    });
}

/** Options of the commands that judge a change (staged, range): by default only what it introduces. */
export function changeOptions<T>(y: Argv<T>) {
  return reportOptions(y).option('all', {
    type: 'boolean',
    default: false,
    describe: 'also report secrets the changed files already held before the change',
  });
}

/** Options of the history sweep. */
export function historyOptions<T>(y: Argv<T>) {
  return jobsOption(reportOptions(y))
    .option('ref', {
      requiresArg: true,
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'only sweep history reachable from this ref',
    })
    .option('all-objects', {
      type: 'boolean',
      default: false,
      describe: 'also scan blobs no ref reaches (dangling objects), labelled unreachable',
    })
    .option('cache', {
      requiresArg: true,
      type: 'string',
      describe: 'remember blobs found clean in DIR, and skip them next time (same report, much faster)',
    })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress display' });
}
