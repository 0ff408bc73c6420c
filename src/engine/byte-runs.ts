import { MIN_RUN } from '../types';
import {
  BLOCK,
  compile,
  I32,
  inBlocks,
  instantiate,
  type ModuleSpec,
  moduleBytes,
  op,
  simd,
  sleb,
  uleb,
  V128,
} from './wasm';

export { MIN_RUN };

/**
 * Runs of at least `min` consecutive characters of one ASCII character class, found in a file's UTF-8
 * bytes by a small WebAssembly SIMD loop. A rule whose every match lies inside such a run (its `run`
 * field: the AWS secret is 40 characters of base64 or escapes, so at least 40 of [A-Za-z0-9+/%\\] in a
 * row) only needs its pattern run around them: V8's regex engine spends ~12 ns per character trying a
 * 40-character token at every word boundary of a file, nearly all of which are too short.
 *
 * 16 bytes at a time: the class is looked up by nibble (i8x16.swizzle into a table of the high nibbles
 * allowed with each low nibble, and one of the bit of each high nibble) and turned into a 16-bit mask of
 * the bytes in the class (i8x16.bitmask). Since `min` is at least 16, only a run that reaches a vector's
 * first byte (the run carried in from before, `len` long, which ends at the first byte not in the class)
 * or its last (which is carried on) can be long enough: one counts trailing ones, the other leading ones,
 * and a vector wholly in the class adds 16 to `len`. On the bench tree: ~0.2 ns a byte, where a loop over
 * the bytes one at a time took ~0.6 (a branch on each).
 *
 * Runs come back as offsets in the decoded text (UTF-16 units), counted as the bytes go by: in valid
 * UTF-8 a continuation byte (0x80–0xBF) adds no unit, a four-byte sequence's lead (0xF0 up) adds two (a
 * surrogate pair), any other byte one; in text whose every byte became one unit (ASCII, or invalid bytes
 * each decoded to U+FFFD) every byte adds one. Other text (invalid UTF-8 with valid multi-byte
 * characters) gets no runs: the caller checks with `isUtf8` first. Bytes from 0x80 up are never in a run
 * (the class is ASCII), so a run's characters are one unit each: units are counted a vector at a time
 * (from the masks of continuation bytes and four-byte leads, when a vector has a byte from 0x80 up), and
 * a run ends at its vector's count plus the lanes it takes in it.
 *
 * Memory: the carried run length and unit count at 0 and 4, the tables and constants from TABLES_AT,
 * the runs found in the current block at OUT_AT (start, end pairs of i32), the block at TEXT_AT (with
 * room for a last vector read past its end, whose extra lanes are masked off). In text form:
 *
 *   (func (export "scan") (param $to i32) (param $min i32) (param $utf8 i32) (result i32)
 *     $len = mem[0]; $u = mem[4]; $n = 0
 *     loop while $i < $to:
 *       $v = v128.load(text + $i); $full = lanes before $to (0xffff unless the block ends in this vector)
 *       $m = bitmask(lookup($v) != 0) & $full                 ;; the bytes in the class
 *       $c, $f = 0, or when $utf8 and some byte is 0x80 or more: bitmask($v <s 0xC0) & $full and
 *                bitmask($v >=u 0xF0) & $full                   ;; continuation bytes, four-byte leads
 *       if $m == $full: $len += popcnt($full)
 *       else:
 *         $t = ctz(~$m & $full)                                   ;; where the carried run ends
 *         if $len + $t >= $min:
 *           $end = $u + $t                                        ;; lanes 0 to $t - 1 are ASCII
 *           out[$n] = ($end - $len - $t, $end); $n += 1
 *         $len = popcnt($full) - 1 - (31 - clz(~$m & $full))     ;; the run reaching the last lane
 *       $u += popcnt($full) - popcnt($c) + popcnt($f); $i += 16
 *     mem[0] = $len; mem[4] = $u; return $n)
 */
const TABLES_AT = 16; // low-nibble table, high-nibble table, then 16 x 0x0f, 16 x 0xc0, 16 x 0xf0
const OUT_AT = TABLES_AT + 5 * 16;
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
  // lowTable[l] has bit h set when byte 0xhl is in the class; highTable[h] is bit h (0 from 0x80 up)
  const tables = new Uint8Array(memory, TABLES_AT, 5 * 16);
  for (let byte = 0; byte < 0x80; byte++)
    if (single.test(String.fromCharCode(byte)))
      tables[byte & 0x0f] = (tables[byte & 0x0f] as number) | (1 << (byte >> 4));
  for (let high = 0; high < 8; high++) tables[16 + high] = 1 << high;
  tables.fill(0x0f, 32, 48).fill(0xc0, 48, 64).fill(0xf0, 64, 80);
  const carried = new Int32Array(memory, 0, 2);
  const out = new Int32Array(memory, OUT_AT, OUT_PAIRS * 2);
  const text = new Uint8Array(memory, TEXT_AT, BLOCK);
  return {
    runs(bytes, decoding) {
      const utf8 = decoding === 'utf8' ? 1 : 0;
      const found: number[] = [];
      carried[0] = 0;
      carried[1] = 0;
      inBlocks(bytes, text, (length) => {
        const count = instance.scan(length, min, utf8);
        for (let k = 0; k < 2 * count; k++) found.push(out[k] as number);
        return false;
      });
      const [open, end] = [carried[0] as number, carried[1] as number];
      if (open >= min) found.push(end - open, end);
      return found;
    },
  };
}

let compiled: object | undefined;

function runLoop(): ModuleSpec {
  const [to, min, utf8] = [0, 1, 2];
  const [i, len, n, u, full, m, c, f, t, lanes, end] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [v, low, high, nibble, below, fours] = [14, 15, 16, 17, 18, 19];
  const get = (local: number) => [op.localGet, local];
  const set = (local: number) => [op.localSet, local];
  const load32 = (at: number) => [op.i32Load, 2, ...uleb(at)];
  const store32 = (at: number) => [op.i32Store, 2, ...uleb(at)];
  const loadVector = (at: number, into: number) => [op.i32Const, 0, ...simd.load(at), ...set(into)];
  /** ~$m & $full: the lanes not in the class */
  const outside = [...get(m), op.i32Const, ...sleb(0xffff), op.i32Xor, ...get(full), op.i32And];
  return {
    params: [I32, I32, I32],
    results: [I32],
    locals: [...Array(11).fill(I32), ...Array(6).fill(V128)],
    globals: [],
    memoryBytes: TEXT_AT + BLOCK + 16,
    body: [
      ...[op.i32Const, 0, ...load32(0), ...set(len), op.i32Const, 0, ...load32(4), ...set(u)],
      ...loadVector(TABLES_AT, low),
      ...loadVector(TABLES_AT + 16, high),
      ...loadVector(TABLES_AT + 32, nibble),
      ...loadVector(TABLES_AT + 48, below),
      ...loadVector(TABLES_AT + 64, fours),
      ...[op.block, op.void, op.loop, op.void],
      ...[...get(i), ...get(to), op.i32GeU, op.brIf, 1],
      // $full: 0xffff, or the lanes before $to in the block's last vector
      ...[op.i32Const, ...sleb(0xffff), op.i32Const, 1, ...get(to), ...get(i), op.i32Sub, op.i32Shl],
      ...[op.i32Const, 1, op.i32Sub, ...get(to), ...get(i), op.i32Sub, op.i32Const, 16, op.i32GeU, op.select],
      ...[op.localTee, full, op.i32Popcnt, ...set(lanes)],
      ...[...get(i), ...simd.load(TEXT_AT), ...set(v)],
      // $m = bitmask((low[$v & 0x0f] & high[($v >> 4) & 0x0f]) != 0) & $full
      ...[...get(low), ...get(v), ...get(nibble), ...simd.and, ...simd.swizzle],
      ...[
        ...get(high),
        ...get(v),
        op.i32Const,
        4,
        ...simd.i16x8ShrU,
        ...get(nibble),
        ...simd.and,
        ...simd.swizzle,
      ],
      ...[...simd.and, ...simd.zero, ...simd.i8x16Ne, ...simd.bitmask, ...get(full), op.i32And, ...set(m)],
      // $c, $f: continuation bytes and four-byte leads, counted only in UTF-8 with a byte from 0x80 up
      ...[op.i32Const, 0, ...set(c), op.i32Const, 0, ...set(f)],
      ...[
        ...get(v),
        ...simd.bitmask,
        ...get(full),
        op.i32And,
        op.i32Const,
        0,
        ...get(utf8),
        op.select,
        op.if,
        op.void,
      ],
      ...[...get(v), ...get(below), ...simd.i8x16LtS, ...simd.bitmask, ...get(full), op.i32And, ...set(c)],
      ...[...get(v), ...get(fours), ...simd.i8x16GeU, ...simd.bitmask, ...get(full), op.i32And, ...set(f)],
      ...[op.end],
      ...[...get(m), ...get(full), op.i32Eq, op.if, op.void],
      ...[...get(len), ...get(lanes), op.i32Add, ...set(len)],
      ...[op.else],
      ...[...outside, op.i32Ctz, ...set(t)],
      ...[...get(len), ...get(t), op.i32Add, ...get(min), op.i32GeU, op.if, op.void],
      // the run's own lanes before $t are ASCII, one unit each: it ends $t units into the vector
      ...[...get(u), ...get(t), op.i32Add, ...set(end)],
      ...[...get(n), op.i32Const, 3, op.i32Shl, ...get(end), ...get(len), op.i32Sub, ...get(t), op.i32Sub],
      ...store32(OUT_AT),
      ...[...get(n), op.i32Const, 3, op.i32Shl, ...get(end), ...store32(OUT_AT + 4)],
      ...[...get(n), op.i32Const, 1, op.i32Add, ...set(n)],
      ...[op.end],
      // $len = $lanes - 1 - (31 - clz(~$m & $full)) = $lanes - 32 + clz(...)
      ...[...get(lanes), op.i32Const, 32, op.i32Sub, ...outside, op.i32Clz, op.i32Add, ...set(len)],
      ...[op.end],
      ...[...get(u), ...get(lanes), op.i32Add, ...get(c), op.i32Popcnt, op.i32Sub, ...get(f), op.i32Popcnt],
      ...[op.i32Add, ...set(u)],
      ...[...get(i), op.i32Const, 16, op.i32Add, ...set(i), op.br, 0],
      ...[op.end, op.end],
      ...[op.i32Const, 0, ...get(len), ...store32(0)],
      ...[op.i32Const, 0, ...get(u), ...store32(4)],
      ...get(n),
    ],
  };
}
