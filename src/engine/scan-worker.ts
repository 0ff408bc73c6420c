import { useCodeCache } from '../util/code-cache';

/**
 * The entry of a scan worker thread (see engine/parallel.ts; the worker itself is scan-worker-thread.ts):
 * a thread compiles its modules afresh, so they come from the build's code cache too (see
 * util/code-cache.ts), installed before any of them is loaded.
 */
useCodeCache();
require('./scan-worker-thread');
