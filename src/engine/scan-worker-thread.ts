import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { compilePaths } from '../filter/allowlist';
import type { ObjectStore } from '../git/odb';
import { readBlobItem } from '../sources/read-blob';
import { ReadBuffer, readFileItemSync } from '../sources/read-file';
import type { LoadItem } from '../sources/source';
import type { FragmentFilters } from './fragment';
import { decodeJobs, encodeOutcome, type Job, type JobOutcome, type WireOutcome } from './job-wire';
import { keywordInput } from './keywords';
import type { FromWorker, ToWorker, WorkerSetup } from './parallel';
import { scanFile } from './scan-file';

/**
 * A scan worker thread (see engine/parallel.ts): takes batches of items, reads each one (a file, or a
 * blob from an object store it opens on the git directory once), decodes it, runs the engine on it, and
 * answers with the outcomes, in the batch's order. Reading problems become skip items exactly as in the
 * scan loop; anything else thrown fails the batch, and the scan with it. Findings come back with only a
 * placeholder provenance: the scan loop attaches the item's own.
 *
 * It loads only the engine and the allowlist, and the object store once a blob is to be read: no CLI, no
 * YAML, no rule loading.
 */
const port = parentPort;
if (!port) throw new Error('scan-worker.js runs as a worker thread of a scan');

const setup = workerData as WorkerSetup;
const filters: FragmentFilters = {
  allowPath: compilePaths(setup.allowPaths),
  allowSecrets: setup.allowSecrets,
};
const stores = new Map<string, Promise<ObjectStore>>();
/**
 * A worker's delta-base cache: it reads only some of the blobs, and one cache per worker multiplies
 * the memory of a sweep (the default is 64 MiB). Measured on the bench history, 2 to 64 MiB take the
 * same time (4 against 16 MiB, five runs each: 2.74 against 2.89 s median), and 4 MiB holds peak RSS
 * ~10 MB lower. No cache of small pack reads (see git/odb/pack-chunks.ts): most blobs are larger than
 * its chunks, and on the bench history it cut a worker's 20,001 reads to 16,764 but not their time, for
 * 4 MiB more memory.
 */
const CACHE_BYTES = 4 * 1024 * 1024;
// Opened (its packs' indexes parsed, their entries sorted) while the scan loop still has no blob to send.
// A failure here is left for the first job that reads from the store to report.
if (setup.gitdir)
  storeFor(setup.gitdir)
    .then((store) => store.prepare())
    .catch(() => {});
/**
 * Every file is read into it (or into the keyword scanner's memory, scanned there without a copy): a
 * batch's items are read and scanned one at a time, and no outcome holds bytes.
 */
const reads = new ReadBuffer(undefined, () => keywordInput(setup.ruleSet.rules));
let closing = false;
/** Batches run one after another, in the order they came. */
let queue: Promise<void> = Promise.resolve();

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    closing = true;
    queue = queue.then(closeAll);
    return;
  }
  queue = queue.then(() => runBatch(message.id, decodeJobs(message.jobs)));
});

async function runBatch(id: number, jobs: readonly Job[]): Promise<void> {
  if (closing) return;
  let answer: FromWorker;
  const started = performance.now();
  try {
    const outcomes: WireOutcome[] = [];
    for (const job of jobs) {
      if (closing) return;
      outcomes.push(encodeOutcome(await runJob(job)));
    }
    answer = { type: 'batch', id, outcomes, ms: performance.now() - started };
  } catch (error) {
    answer = { type: 'batch', id, error: error instanceof Error ? error.message : String(error) };
  }
  port?.postMessage(answer);
}

async function runJob(job: Job): Promise<JobOutcome> {
  const item: LoadItem = { kind: 'load', provenance: { kind: 'worktree', path: job.path }, spec: job.spec };
  const loaded =
    job.spec.from === 'file'
      ? readFileItemSync(item, job.spec, reads)
      : readBlobItem(await storeFor(job.spec.gitdir), item, job.spec);
  return loaded.kind === 'skip' ? loaded : scanFile(loaded, setup.ruleSet, filters, false);
}

function storeFor(gitdir: string): Promise<ObjectStore> {
  let store = stores.get(gitdir);
  if (!store) {
    // loaded on first use: ~10 ms of a worker's start that a working-tree scan does not need
    const { ObjectStore } = require('../git/odb') as typeof import('../git/odb');
    store = ObjectStore.open(gitdir, { cacheBytes: CACHE_BYTES, smallReads: false });
    stores.set(gitdir, store);
  }
  return store;
}

async function closeAll(): Promise<void> {
  const opened = await Promise.allSettled(stores.values());
  await Promise.allSettled(
    opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])),
  );
  port?.close();
}
