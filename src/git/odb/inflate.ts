import { types } from 'node:util';
import zlib from 'node:zlib';
import { TOO_LARGE } from './types';

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

/**
 * `consumed`: how many of the compressed bytes the stream took, up to and including its checksum: a
 * caller that passed more bytes than the stream needs learns where it ended.
 */
export type InflateResult =
  | { ok: true; data: Buffer; consumed: number }
  | { ok: false; problem: string; cause?: unknown };

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
  if (size <= REUSE_LIMIT) {
    const data = reused.inflate(compressed, size);
    if (data === TOO_LARGE)
      return { ok: false, problem: `inflates to more than the ${size - headerLength} bytes its header says` };
    if (data !== undefined) return checkedSize(data, size, headerLength, reused.consumed);
    // zlib refused the data: inflate it again the documented way, for the error zlib describes it with
  }
  let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    // `info`: the engine too, which counts the input the stream took (its typings leave the option out)
    inflated = zlib.inflateSync(compressed, {
      // One chunk for the common case; +1 so that a stream inflating to more than `size` is noticed.
      chunkSize: Math.min(Math.max(size + 1, 64), MAX_CHUNK),
      maxOutputLength: Math.max(size, 1),
      info: true,
    } as zlib.ZlibOptions) as unknown as typeof inflated;
  } catch (error) {
    return describeFailure(error, size - headerLength);
  }
  return checkedSize(inflated.buffer, size, headerLength, inflated.engine.bytesWritten);
}

function checkedSize(data: Buffer, size: number, headerLength: number, consumed: number): InflateResult {
  if (data.length !== size) {
    const [actual, stated] = [data.length - headerLength, size - headerLength];
    return { ok: false, problem: `inflates to ${actual} bytes, but its header says ${stated}` };
  }
  // (a literal: spreading a checked result into a new object cost ~90 ms of the bench history's walk)
  return { ok: true, data, consumed };
}

/**
 * Objects up to this size go through one reused zlib stream (ReusedInflater); larger ones, whose
 * inflating outweighs the per-call cost, through `zlib.inflateSync` with its bounded output chunks.
 */
const REUSE_LIMIT = 1024 * 1024;

/**
 * `zlib.inflateSync` builds a new zlib stream object (a Node Transform stream, its native handle and a
 * 16 KiB output buffer) for every call and closes it afterwards: ~5 µs a call, which for the ~90,000
 * small trees of a history sweep is a sixth of the thread that walks them. This keeps one native inflate
 * handle and resets it between objects, inflating each straight into a buffer of its known size.
 *
 * It reaches into the stream's `_handle` and `_writeState`: undocumented, but what Node's own
 * `zlib.inflateSync` uses in every release since Node 10. Where they are missing, `inflate` answers
 * undefined and the caller inflates the documented way; it does so too when zlib reports an error
 * (damaged data), which also destroys the stream: the next call makes a new one.
 */
interface ZlibHandle {
  reset(): void;
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
}

class ReusedInflater {
  /** Input bytes the last successful `inflate` took. */
  consumed = 0;
  private engine: zlib.Inflate | undefined;
  private handle: ZlibHandle | undefined;
  private state: Uint32Array | undefined;
  private unavailable = false;

  /** `size` bytes from `compressed`, or TOO_LARGE, or undefined if zlib refused it (or cannot be reused). */
  inflate(compressed: Buffer, size: number): Buffer | typeof TOO_LARGE | undefined {
    if (!this.handle && !this.open()) return undefined;
    const handle = this.handle as ZlibHandle;
    const state = this.state as Uint32Array;
    // One byte more than the header says, so that a stream inflating to more than `size` is noticed.
    const output = Buffer.allocUnsafe(size + 1);
    try {
      handle.reset();
      handle.writeSync(zlib.constants.Z_FINISH, compressed, 0, compressed.length, output, 0, size + 1);
    } catch {
      // not expected (zlib reports through the stream's error event), but then: the documented way
      (this.engine as zlib.Inflate).close();
      this.handle = undefined;
      return undefined;
    }
    if ((this.engine as zlib.Inflate).destroyed) {
      this.handle = undefined; // zlib's error destroyed the stream
      return undefined;
    }
    // the write state: output bytes left unwritten, then input bytes left unread
    const produced = size + 1 - (state[0] as number);
    this.consumed = compressed.length - (state[1] as number);
    return produced > size ? TOO_LARGE : output.subarray(0, produced);
  }

  private open(): boolean {
    if (this.unavailable) return false;
    const engine = zlib.createInflate();
    const internals = engine as unknown as { _handle?: Partial<ZlibHandle>; _writeState?: unknown };
    const handle = internals._handle;
    if (
      typeof handle?.writeSync !== 'function' ||
      typeof handle.reset !== 'function' ||
      // (not `instanceof`: under a test runner's separate realm, Node's own arrays are not this realm's)
      !types.isUint32Array(internals._writeState)
    ) {
      this.unavailable = true;
      engine.close();
      return false;
    }
    // zlib's errors are also emitted as events, after the call: the caller has handled them by then.
    engine.on('error', () => {});
    this.engine = engine;
    this.handle = handle as ZlibHandle;
    this.state = internals._writeState;
    return true;
  }
}

const reused = new ReusedInflater();

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
  // (not `instanceof Error`: zlib's errors come from Node's own realm, which under jest is not the tests')
  const message = (error as { message?: unknown }).message;
  return {
    ok: false,
    problem: `invalid zlib data (${typeof message === 'string' ? message : String(error)})`,
    cause: error,
  };
}
