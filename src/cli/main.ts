#!/usr/bin/env node
import { useCodeCache } from '../util/code-cache';

// Before anything else is loaded: the modules below are compiled from the build's code cache. What runs
// is cli/run.ts bundled with all it needs into one file (see devtools/bundle-cli.ts), for start-up.
useCodeCache();
const { run } = require('../bundle/run') as typeof import('./run');

// The first Ctrl-C stops the scan cleanly (what was found so far is reported); a second one kills.
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());

// A reader that stops early (`keysweep scan --format jsonl | head`) closes the pipe while findings are
// still being written: stop quietly, with the status of a program killed by SIGPIPE (128 + 13), as git
// does. (Node ignores the signal, and the failed write would otherwise end the run with a stack trace.)
const BROKEN_PIPE = 141;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(BROKEN_PIPE);
});

run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  signal: interrupt.signal,
}).then((code) => {
  process.exitCode = code;
});
