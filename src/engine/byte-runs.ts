import { MIN_RUN } from '../types';
import { BLOCK, compile, I32, inBlocks, instantiate, type ModuleSpec, moduleBytes, op, uleb } from './wasm';

export { MIN_RUN };

/**
 * Runs of at least `min` consecutive characters of one ASCII character class, found in a file's UTF-8
 * bytes by a small WebAssembly loop (~1.7 ns per byte). A rule whose every match lies inside such a run
 * (its `run` field: the AWS secret is 40 characters of base64 or escapes, so at least 40 of
 * [A-Za-z0-9+/%\\] in a row) only needs its pattern run around them: V8's regex engine spends ~12 ns per
 * character trying a 40-character token at every word boundary of a file, nearly all of which are too
 * short.
 *
 * Runs come back as offsets in the decoded text (UTF-16 units), counted as the bytes go by: in valid
 * UTF-8 a continuation byte adds no unit, a four-byte sequence's lead adds two (a surrogate pair), any
 * other byte one; in text whose every byte became one unit (ASCII, or invalid bytes each decoded to
 * U+FFFD) every byte adds one. Other text (invalid UTF-8 with valid multi-byte characters) gets no runs:
 * the caller checks with `isUtf8` first. Bytes from 0x80 up are never in a run: the class is ASCII.
 *
 * Memory: the carried run length and unit count at 0 and 4, the class table (256 bytes) at CLASS_AT,
 * the units table at UNITS_AT, the runs found in the current block at OUT_AT (start, end pairs of i32),
 * the block at TEXT_AT. In text form:
 *
 *   (func (export "scan") (param $to i32) (param $min i32) (result i32)
 *         (local $i i32) (local $len i32) (local $n i32) (local $u i32) (local $b i32)
 *     $i = 0; $len = mem[0]; $u = mem[4]; $n = 0
 *     loop while $i < $to:
 *       $b = text[$i]
 *       if class[$b]: $len += 1
 *       else: (if $len >= $min: out[$n] = ($u - $len, $u); $n += 1); $len = 0
 *       $u += units[$b]; $i += 1
 *     mem[0] = $len; mem[4] = $u; return $n)
 */
const CLASS_AT = 8;
const UNITS_AT = CLASS_AT + 256;
const OUT_AT = UNITS_AT + 256;
/** Most runs a block can end: each takes MIN_RUN bytes and one more that ends it. */
const OUT_PAIRS = Math.ceil(BLOCK / (MIN_RUN + 1)) + 1;
const TEXT_AT = OUT_AT + OUT_PAIRS * 8;

/** How the text was decoded from the bytes: one unit per byte, or valid UTF-8 (see above). */
export type Decoding = 'byte-per-unit' | 'utf8';

export interface RunFinder {
  /** [start, end) text offsets of the runs, flattened: start, end, start, end, … in order. */
  runs(bytes: Uint8Array, decoding: Decoding): number[];
}

/** `chars` is a class of ASCII characters (such as /[A-Za-z0-9]/); `min` is at least MIN_RUN. */
export function runFinder(chars: RegExp, min: number): RunFinder {
  if (!(min >= MIN_RUN)) throw new Error(`a run must be at least ${MIN_RUN} characters long`);
  compiled ??= compile(moduleBytes(runLoop()));
  const instance = instantiate(compiled, []);
  const memory = instance.memory.buffer;
  const single = new RegExp(`^(?:${chars.source})$`, chars.flags.replace(/[gy]/g, ''));
  const table = new Uint8Array(memory, CLASS_AT, 256);
  for (let byte = 0; byte < 0x80; byte++) table[byte] = single.test(String.fromCharCode(byte)) ? 1 : 0;
  const units = new Uint8Array(memory, UNITS_AT, 256);
  const carried = new Int32Array(memory, 0, 2);
  const out = new Int32Array(memory, OUT_AT, OUT_PAIRS * 2);
  const text = new Uint8Array(memory, TEXT_AT, BLOCK);
  return {
    runs(bytes, decoding) {
      for (let byte = 0; byte < 256; byte++) units[byte] = decoding === 'utf8' ? utf8Units(byte) : 1;
      const found: number[] = [];
      carried[0] = 0;
      carried[1] = 0;
      inBlocks(bytes, text, (length) => {
        const count = instance.scan(length, min);
        for (let k = 0; k < 2 * count; k++) found.push(out[k] as number);
        return false;
      });
      const [open, end] = [carried[0] as number, carried[1] as number];
      if (open >= min) found.push(end - open, end);
      return found;
    },
  };
}

/** UTF-16 units a byte of valid UTF-8 adds: none for a continuation byte, two for a 4-byte lead. */
function utf8Units(byte: number): number {
  if (byte >= 0x80 && byte < 0xc0) return 0;
  return byte >= 0xf0 ? 2 : 1;
}

let compiled: object | undefined;

function runLoop(): ModuleSpec {
  const [to, min, i, len, n, u, b] = [0, 1, 2, 3, 4, 5, 6];
  const load32 = (at: number) => [op.i32Load, 2, ...uleb(at)];
  const store32 = (at: number) => [op.i32Store, 2, ...uleb(at)];
  return {
    params: [I32, I32],
    results: [I32],
    locals: [I32, I32, I32, I32, I32],
    globals: [],
    memoryBytes: TEXT_AT + BLOCK,
    body: [
      ...[op.i32Const, 0, ...load32(0), op.localSet, len],
      ...[op.i32Const, 0, ...load32(4), op.localSet, u],
      ...[op.block, op.void, op.loop, op.void],
      ...[op.localGet, i, op.localGet, to, op.i32GeU, op.brIf, 1],
      ...[op.localGet, i, op.i32Load8u, 0, ...uleb(TEXT_AT), op.localTee, b],
      ...[op.i32Load8u, 0, ...uleb(CLASS_AT), op.if, op.void],
      ...[op.localGet, len, op.i32Const, 1, op.i32Add, op.localSet, len],
      ...[op.else],
      ...[op.localGet, len, op.localGet, min, op.i32GeU, op.if, op.void],
      ...[op.localGet, n, op.i32Const, 3, op.i32Shl],
      ...[op.localGet, u, op.localGet, len, op.i32Sub, ...store32(OUT_AT)],
      ...[op.localGet, n, op.i32Const, 3, op.i32Shl, op.localGet, u, ...store32(OUT_AT + 4)],
      ...[op.localGet, n, op.i32Const, 1, op.i32Add, op.localSet, n],
      ...[op.end],
      ...[op.i32Const, 0, op.localSet, len],
      ...[op.end],
      ...[op.localGet, u, op.localGet, b, op.i32Load8u, 0, ...uleb(UNITS_AT), op.i32Add, op.localSet, u],
      ...[op.localGet, i, op.i32Const, 1, op.i32Add, op.localSet, i, op.br, 0],
      ...[op.end, op.end],
      ...[op.i32Const, 0, op.localGet, len, ...store32(0)],
      ...[op.i32Const, 0, op.localGet, u, ...store32(4)],
      ...[op.localGet, n],
    ],
  };
}
