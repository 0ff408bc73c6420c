import * as zlib from 'node:zlib';

/**
 * zlib inflation with the checks a corrupt object needs. Git stores every object deflated and records its
 * inflated size in a header, so the size is known before inflating: output beyond it is refused as it is
 * produced (a damaged header cannot make us allocate gigabytes), and output short of it is an error.
 * Problems come back as a short description for the caller to attach to the object and file.
 */

/** deflate cannot compress better than about 1032:1; a header claiming more is damaged. */
const MAX_DEFLATE_RATIO = 1032;

/**
 * Output buffers are allocated in chunks of this size; with a known size one chunk usually suffices, but
 * a damaged header must not make us allocate a huge first chunk.
 */
const MAX_CHUNK = 8 * 1024 * 1024;

export type InflateResult = { ok: true; data: Buffer } | { ok: false; problem: string; cause?: unknown };

/**
 * Inflates `compressed` (which may carry trailing bytes) to exactly `size` bytes. `headerLength` is how
 * much of that is not counted by the size the header states (a loose object's header itself), so that
 * problems are described in the header's terms.
 */
export function inflateExact(compressed: Buffer, size: number, headerLength = 0): InflateResult {
  if (size > (compressed.length + 1) * MAX_DEFLATE_RATIO) {
    return {
      ok: false,
      problem: `header says ${size} bytes, more than ${compressed.length} compressed bytes can hold`,
    };
  }
  let data: Buffer;
  try {
    data = zlib.inflateSync(compressed, {
      // One chunk for the common case; +1 so that a stream inflating to more than `size` is noticed.
      chunkSize: Math.min(Math.max(size + 1, 64), MAX_CHUNK),
      maxOutputLength: Math.max(size, 1),
    });
  } catch (error) {
    return describeFailure(error, size - headerLength);
  }
  if (data.length !== size) {
    const [actual, stated] = [data.length - headerLength, size - headerLength];
    return { ok: false, problem: `inflates to ${actual} bytes, but its header says ${stated}` };
  }
  return { ok: true, data };
}

/**
 * Inflates as much of a prefix of a zlib stream as it holds, for reading a header without inflating the
 * whole object. Returns undefined when the prefix is not valid zlib data.
 */
export function inflatePrefix(prefix: Buffer): Buffer | undefined {
  try {
    // A small first output chunk: callers want a header, and a fresh 16 KiB default per call is garbage.
    return zlib.inflateSync(prefix, { finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: 1024 });
  } catch {
    return undefined;
  }
}

function describeFailure(error: unknown, size: number): InflateResult {
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE')
    return { ok: false, problem: `inflates to more than the ${size} bytes its header says` };
  if (code === 'Z_BUF_ERROR')
    return { ok: false, problem: 'zlib data ends early (truncated?)', cause: error };
  // zlib's messages ("incorrect header check", "invalid distance too far back") never quote the data.
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, problem: `invalid zlib data (${message})`, cause: error };
}
