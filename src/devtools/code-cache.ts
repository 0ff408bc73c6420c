import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CODE_CACHE_DIR, RECORD_ENV, writeManifest } from '../util/code-cache';
import { PACKAGE_ROOT } from '../util/package-root';
import { buildHistory } from './history-builder';
import { loadPlan } from './history-plan';

/**
 * Part of `npm run build`: makes lib/code-cache/ (see util/code-cache.ts) by running the built CLI with
 * recording on, for the commands whose start-up matters: the demo scan, a history sweep and its `--cache`
 * replay, a `staged` check, and a scan of enough files to start worker threads. Each run writes what V8
 * compiled for each module it loaded; the manifest then records each module's source hash.
 */
async function main(): Promise<void> {
  rmSync(CODE_CACHE_DIR, { recursive: true, force: true });
  const work = mkdtempSync(path.join(os.tmpdir(), 'keysweep-code-cache-'));
  try {
    const repo = path.join(work, 'repo');
    mkdirSync(repo);
    await buildHistory(repo, loadPlan(path.join(PACKAGE_ROOT, 'fixtures', 'history', 'demo-plan.json')));
    // enough small files that the scan starts its worker threads (see engine/parallel.ts)
    const many = path.join(work, 'many');
    mkdirSync(many);
    for (let i = 0; i < 400; i++) writeFileSync(path.join(many, `file-${i}.txt`), `line ${i}\n`);
    const cache = path.join(work, 'cache');
    const runs = [
      ['scan', path.join(PACKAGE_ROOT, 'fixtures', 'demo')],
      ['scan', many, '--jobs', '2', '--format', 'json'],
      ['history', repo, '--cache', cache, '--format', 'json'],
      ['history', repo, '--cache', cache],
      ['staged', repo],
    ];
    // The build may run inside a git hook (pre-commit installs keysweep on a hook's first run), whose
    // variables name that repository's index and merge: the runs below are about their own repository.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^GIT(_|HEAD_)/.test(name)),
    );
    for (const args of runs) {
      try {
        execFileSync(process.execPath, [path.join(PACKAGE_ROOT, 'lib', 'cli', 'main.js'), ...args], {
          env: { ...env, [RECORD_ENV]: '1' },
          stdio: 'ignore',
        });
      } catch (error) {
        // exit 1 (findings) is expected; anything else means the recording is incomplete
        if ((error as { status?: number }).status !== 1) throw error;
      }
    }
    // (silent on success, like the rest of the build: postinstall runs it)
    if (writeManifest(CODE_CACHE_DIR) === 0) throw new Error('no module was recorded');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`code cache: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
