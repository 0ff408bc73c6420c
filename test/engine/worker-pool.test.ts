import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadScanSetup } from '../../src/config/setup';
import { NO_FILTERS } from '../../src/engine/fragment';
import { type ScanOptions, scan } from '../../src/engine/scan';
import { worktreeSource } from '../../src/sources/worktree';
import type { Provenance, ScanStats } from '../../src/types';
import { FakeKeys } from '../support/fake-keys';
import { TempTree } from '../support/temp-tree';

/**
 * The scan loop with worker threads, driven in-process: `workerScript` names the script, since ts-jest
 * has no compiled one beside the sources. Workers that fail must fail the scan with one line and never
 * leave it waiting; the real worker (lib/, built by `npm test`) must give the same callbacks in the same
 * order as the scan without workers.
 */
const BUILT_WORKER = path.resolve(__dirname, '..', '..', 'lib', 'engine', 'scan-worker.js');
const tree = new TempTree();
const scripts = new TempTree();
const keys = new FakeKeys(3);

beforeAll(() => {
  for (let i = 0; i < 40; i++)
    tree.write(`src/f${String(i).padStart(2, '0')}.txt`, `line ${i}\n`.repeat(i * 20));
  tree.write('src/keys.env', `AWS_ACCESS_KEY_ID=${keys.keyId()}\nAWS_SECRET_ACCESS_KEY=${keys.secret()}\n`);
  tree.write('src/blob.bin', Buffer.from([1, 0, 2, 0]));
  tree.write('src/big.txt', 'x'.repeat(10_000));
  tree.write('src/empty.txt', '');
});
afterAll(() => {
  tree.remove();
  scripts.remove();
});

const source = () =>
  worktreeSource({
    root: tree.root,
    targets: [tree.root],
    include: [],
    exclude: [],
    gitignore: false,
    maxFileSize: 8192,
  });

function fakeWorker(name: string, body: string): string {
  return scripts.write(`${name}.js`, `const { parentPort } = require('node:worker_threads');\n${body}\n`);
}

async function scanWith(options: ScanOptions) {
  const setup = loadScanSetup(tree.root, tree.root, {});
  return scan(source(), setup.ruleSet, setup.filters, options);
}

test('a worker that exits fails the scan with one line naming it', async () => {
  const script = fakeWorker('exits', "parentPort.on('message', () => process.exit(3));");
  await expect(scanWith({ parallel: { jobs: 2, minItems: 1, workerScript: script } })).rejects.toThrow(
    /^scan worker [12] stopped \(exit code 3\); --jobs 1 scans without worker threads$/,
  );
});

test('a worker that cannot start fails the scan with its error', async () => {
  const script = fakeWorker('throws', "throw new Error('cannot load the engine');");
  await expect(scanWith({ parallel: { jobs: 2, minItems: 1, workerScript: script } })).rejects.toThrow(
    /^scan worker [12] failed: cannot load the engine; --jobs 1 scans without worker threads$/,
  );
});

test('an error a worker reports for a batch is the error of the scan', async () => {
  const script = fakeWorker(
    'reports',
    "parentPort.on('message', (m) => m.type === 'close' ? parentPort.close() : parentPort.postMessage({ type: 'batch', id: m.id, error: 'engine failure' }));",
  );
  await expect(scanWith({ parallel: { jobs: 2, minItems: 1, workerScript: script } })).rejects.toThrow(
    /^engine failure$/,
  );
});

test('without a worker script (ts-jest) or without allowPathGlobs, the scan runs in this thread', async () => {
  const missing = await scanWith({ parallel: { jobs: 3, minItems: 1 } });
  expect(missing.stats.files).toBe(42);
  const crash = fakeWorker('unused', "parentPort.on('message', () => process.exit(3));");
  const setup = loadScanSetup(tree.root, tree.root, {});
  const filters = { ...setup.filters, allowPathGlobs: undefined };
  const noGlobs = await scan(source(), setup.ruleSet, filters, {
    parallel: { jobs: 2, minItems: 1, workerScript: crash },
  });
  expect({ ...noGlobs.stats, durationMs: 0 }).toEqual({ ...missing.stats, durationMs: 0 });
  expect((await scan(source(), setup.ruleSet, NO_FILTERS, {})).stats.files).toBe(42);
});

const built = existsSync(BUILT_WORKER) ? test : test.skip;

built('the built worker: the same result, onScanned and onProgress calls as without workers', async () => {
  const record = async (options: ScanOptions) => {
    const calls: [Provenance, unknown][] = [];
    const progress: ScanStats[] = [];
    const result = await scanWith({
      ...options,
      onScanned: (provenance, outcome) => calls.push([provenance, outcome]),
      onProgress: (stats) => progress.push({ ...stats, durationMs: 0 }),
    });
    return { result: { ...result, stats: { ...result.stats, durationMs: 0 } }, calls, progress };
  };
  const single = await record({});
  for (const minItems of [1, 10]) {
    const parallel = await record({ parallel: { jobs: 3, minItems, workerScript: BUILT_WORKER } });
    expect(parallel).toEqual(single);
  }
  expect(single.result.stats.skipped).toMatchObject({ binary: 1, tooLarge: 1 });
  expect(single.result.findings).toHaveLength(2);
  expect(single.calls).toHaveLength(43);
});
