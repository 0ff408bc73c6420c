import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FakeKeys } from '../support/fake-keys';
import { TempTree } from '../support/temp-tree';

/**
 * The CLI as `npm run build` makes it: cli/main.js, which runs lib/bundle/run.js (devtools/bundle-cli.ts),
 * one file holding the CLI with yargs, fast-glob and the engine.
 */
const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'lib', 'cli', 'main.js');

function runMain(args: readonly string[], env: NodeJS.ProcessEnv = {}, preload?: string) {
  const argv = preload === undefined ? [MAIN, ...args] : ['--require', preload, MAIN, ...args];
  return spawnSync(process.execPath, argv, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
}

describe('the built CLI', () => {
  test('a scan loads its code from the bundle alone, with the code cache beside it', () => {
    const scratch = new TempTree();
    try {
      const listed = scratch.path('modules.json');
      const hook = scratch.write(
        'list-modules.js',
        `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(listed)}, JSON.stringify(Object.keys(require.cache))));\n`,
      );
      const child = runMain(['scan', 'fixtures/demo', '--format', 'json'], {}, hook);
      expect(child.status).toBe(1); // the demo's findings
      const modules = (JSON.parse(readFileSync(listed, 'utf8')) as string[])
        .filter((file) => file !== hook)
        .map((file) => path.relative(ROOT, file))
        .sort();
      expect(modules).toEqual(['lib/bundle/run.js', 'lib/cli/main.js', 'lib/util/code-cache.js']);
    } finally {
      scratch.remove();
    }
  });

  test('both bundles are ASCII, so that V8 holds each as a one-byte string', () => {
    // one kept comment with an ellipsis made the whole 790 KB bundle two-byte: ~5 ms more at every start
    for (const name of ['run.js', 'scan-worker-thread.js']) {
      const bytes = readFileSync(path.join(ROOT, 'lib', 'bundle', name));
      expect(bytes.findIndex((byte) => byte > 0x7f)).toBe(-1);
    }
  });

  test('a reader that stops early ends the run quietly, with the status of SIGPIPE', () => {
    // 300 findings of ~800 bytes each: more than a pipe holds, so writes go on after `head` has exited
    const keys = new FakeKeys(45);
    const scratch = new TempTree();
    try {
      for (let n = 0; n < 300; n++) scratch.write(`f${n}.env`, `KEY=${keys.keyId()}\n`);
      const piped = spawnSync(
        'bash',
        [
          '-c',
          `"${process.execPath}" "${MAIN}" scan "${scratch.root}" --format jsonl | head -n 1; exit \${PIPESTATUS[0]}`,
        ],
        { encoding: 'utf8' },
      );
      expect(piped.stderr).toBe('');
      expect(piped.status).toBe(141);
      expect(JSON.parse(piped.stdout).type).toBe('finding');
    } finally {
      scratch.remove();
    }
  });

  test("yargs still answers in the user's language, from the locales copied beside the bundle", () => {
    const german = runMain(['scan', '--bogus'], { LANG: 'de_DE.UTF-8', LC_ALL: '' });
    expect(german.status).toBe(2);
    expect(german.stderr).toMatch(/^keysweep: Unbekanntes Argument: bogus/);
    const english = runMain(['scan', '--bogus'], { LANG: 'C', LC_ALL: '' });
    expect(english.stderr).toMatch(/^keysweep: Unknown argument: bogus/);
  });
});
