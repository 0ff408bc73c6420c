import {
  BLOCK,
  compile,
  I32,
  I64,
  inBlocks,
  instantiate,
  type ModuleSpec,
  moduleBytes,
  op,
  simd,
  uleb,
  V128,
} from './wasm';

/**
 * The keyword prefilter over a file's UTF-8 bytes, in WebAssembly, in two stages. Reading bytes rather
 * than text is exact for UTF-8: an ASCII byte always decodes to itself and is never part of a multi-byte
 * sequence, and keywords are ASCII.
 *
 * 1. A SIMD filter (Teddy, after Hyperscan and Rust's aho-corasick) looks at 16 bytes at once: the
 *    keywords are spread over 8 buckets, and for each of a keyword's first three letters two 16-byte
 *    tables, indexed by a byte's low and high nibble, say which buckets allow that byte there. Each
 *    vector of bytes is looked up in the six tables (i8x16.swizzle); the answers for the first and second
 *    letters are shifted two and one bytes on (into the next vector: i8x16.shuffle with the last ones)
 *    and and-ed with those for the third, which leaves, at each byte, the buckets with a keyword whose
 *    third letter may be there. Letters are folded to one case by setting the 0x20 bit of every byte
 *    (which also folds a few non-letters onto them: a false alarm, which stage 2 rules out). On the bench
 *    tree ~2% of vectors have a candidate.
 * 2. For such a vector, multi-pattern Shift-And (bitap), exact: the keywords laid end to end in one 64-bit
 *    state, ASCII letters folded to one case through per-byte masks. It runs with a fresh state from two
 *    bytes before the vector, where the earliest candidate starts, over its 16 places and the longest
 *    keyword's length after them. Every bit the state ever had is or-ed into `hits`, and which keywords
 *    occur is read from the bits of their last letters at the end.
 *
 * Measured on the bench tree (105 MB, warm, copies into the module's memory included): 0.29–0.31 ns a
 * byte, where Shift-And over every byte took 0.58–0.64 (two interleaved chains of shift, or and and per
 * byte were the floor of a byte-at-a-time loop); 0.22–0.25 against 0.63–0.67 on text without a keyword.
 * V8's regex over the decoded text takes 3 to 5.
 *
 * The module is written out opcode by opcode (see wasm.ts). In text form:
 *
 *   (func (export "scan") (param $starts i32) (param $to i32) (param $init i64) (param $longest i32)
 *                         (param $from i32)
 *     $h = global $hits; $i = $from; load the six tables, $fold (16 x 0x20) and $nibble (16 x 0x0f)
 *     loop while $i < $starts + 2:                        ;; a keyword may start 2 bytes before a vector
 *       $v = v128.load(text + $i)
 *       $lo = $v & $nibble; $hi = (i16x8.shr_u($v | $fold, 4)) & $nibble
 *       $r0, $r1, $r2 = swizzle(lo[k], $lo) & swizzle(hi[k], $hi) for k = 0, 1, 2
 *       $c = $r2 & shuffle($before1, $r1: one byte on) & shuffle($before0, $r0: two bytes on)
 *       $before0 = $r0; $before1 = $r1
 *       if any_true($c):
 *         $a = 0; $j = max($i - 2, $from); $e = min($i + 13 + $longest, $to)
 *         loop while $j < $e:
 *           $a = (($a << 1) | $init) & masks[text[$j]]           ;; masks: 256 x i64 at 0
 *           $h |= $a; $j += 1
 *       $i += 16
 *     global $hits = $h)
 *
 * A file goes through in blocks of BLOCK bytes (memory stays small whatever the file's size), each copied
 * with the longest keyword's length - 1 bytes of the next, so that a keyword starting in a block is seen
 * whole: `starts` is the block's own length, `to` the bytes copied. The filter reads vectors past `to`
 * (bytes of an earlier block: at worst a false alarm); Shift-And never does. The scan stops after the
 * block in which the last keyword appeared.
 *
 * Or a file is read straight into the scanner's input area (`input`, after the block in its memory) and
 * scanned where it lies, in one call: copying every file into the block cost ~10 ms per 100 MB, as much
 * as a third of the scan itself. `from` is where the bytes begin (positions count from the block's
 * start, so the input area's are past the block's end) and Shift-And never reads before it; the filter
 * may read up to 32 bytes past the end, bytes of an earlier file (a false alarm at worst).
 */
const MASKS_AT = 0; // 256 x i64
const TABLES_AT = 2048; // lo and hi tables of 16 bytes for each of the first three letters
const POSITIONS = 3;
const CONSTANTS_AT = TABLES_AT + POSITIONS * 32; // 16 x 0x20, then 16 x 0x0f
const TEXT_AT = CONSTANTS_AT + 32;
/** Room after a block for the next block's first bytes (a keyword is at most 64 bytes) and the filter's reads. */
const TEXT_BYTES = BLOCK + 64 + 32;
const INPUT_AT = TEXT_AT + TEXT_BYTES;
/**
 * The input area's size: as large as a scan's reused read buffer (sources/read-file.ts) grows. Declared
 * at once, never grown (see wasm.ts's `instantiate`); only the pages a file is read into are ever
 * touched, as with the read buffer it replaces.
 */
export const INPUT_BYTES = 16 * 1024 * 1024;
/** Past the input area: what the filter may read past the end of a file that fills it. */
const INPUT_SLACK = 32;
const BUCKETS = 8;
const GLOBALS = ['hits'];

export interface ByteKeywordScanner {
  /** The keywords (lower case) that occur in `bytes`, ASCII case ignored. */
  found(bytes: Uint8Array): Set<string>;
  /**
   * The scanner's input area (INPUT_BYTES): bytes read into it, or any part of it, are scanned where
   * they lie by `found`, without a copy. Its contents are only ever written by the caller.
   */
  readonly input: Buffer;
}

/** A scanner for these keywords (lower case), or undefined if they do not fit in 64 bits or are not ASCII. */
export function byteKeywordScanner(keywords: readonly string[]): ByteKeywordScanner | undefined {
  const unique = [...new Set(keywords)].sort();
  const total = unique.reduce((sum, keyword) => sum + keyword.length, 0);
  if (total > 64 || unique.some((keyword) => keyword === '' || /[^\x20-\x7e]/.test(keyword)))
    return undefined;
  compiled ??= compile(moduleBytes(teddyThenShiftAnd()));
  const instance = instantiate(compiled, GLOBALS);
  const { hits } = instance.globals as Record<'hits', { value: bigint }>;
  const memory = instance.memory.buffer;

  const masks = new BigUint64Array(memory, MASKS_AT, 256);
  let init = 0n;
  const finals: bigint[] = [];
  let bit = 0n;
  for (const keyword of unique) {
    init |= 1n << bit;
    for (const char of keyword) {
      const lower = char.toLowerCase().charCodeAt(0);
      const upper = char.toUpperCase().charCodeAt(0);
      masks[lower] = (masks[lower] as bigint) | (1n << bit);
      masks[upper] = (masks[upper] as bigint) | (1n << bit);
      bit++;
    }
    finals.push(1n << (bit - 1n));
  }
  fillTables(new Uint8Array(memory, TABLES_AT, POSITIONS * 32), unique);
  new Uint8Array(memory, CONSTANTS_AT, 32).fill(0x20, 0, 16).fill(0x0f, 16, 32);
  const allFinals = finals.reduce((all, final) => all | final, 0n);
  const longest = Math.max(...unique.map((keyword) => keyword.length));
  // i64 parameters arrive as signed: pass the mask as such so that bit 63 survives the conversion.
  const initParameter = BigInt.asIntN(64, init);
  const text = new Uint8Array(memory, TEXT_AT, TEXT_BYTES);
  const input = Buffer.from(memory, INPUT_AT, INPUT_BYTES);

  return {
    input,
    found(bytes) {
      hits.value = 0n;
      if (bytes.buffer === memory && bytes.byteOffset >= INPUT_AT) {
        const from = bytes.byteOffset - TEXT_AT;
        instance.scan(from + bytes.length, from + bytes.length, initParameter, longest, from);
      } else {
        const scan = (starts: number, to: number) => {
          instance.scan(starts, to, initParameter, longest, 0);
          return (BigInt.asUintN(64, hits.value) & allFinals) === allFinals; // all found: stop
        };
        inBlocks(bytes, text, scan, longest - 1);
      }
      const seen = BigInt.asUintN(64, hits.value);
      return new Set(unique.filter((_, index) => (seen & (finals[index] as bigint)) !== 0n));
    },
  };
}

/**
 * The filter's tables: for letter k (0 to 2) of a keyword in bucket b, bit b is set at the low and at the
 * high nibble of the letter (0x20 set, as the filter sets it in every byte) in tables 2k and 2k + 1; a
 * keyword shorter than k + 1 letters allows any byte there. Keywords go to buckets in sorted order, in
 * runs of neighbours, which share first letters: a bucket allows every combination of its keywords'
 * nibbles, so the fewer they differ in, the fewer false alarms.
 */
function fillTables(tables: Uint8Array, sorted: readonly string[]): void {
  tables.fill(0);
  const buckets = Math.min(BUCKETS, sorted.length);
  sorted.forEach((keyword, index) => {
    const bucketBit = 1 << Math.floor((index * buckets) / sorted.length);
    for (let k = 0; k < POSITIONS; k++) {
      const lo = tables.subarray(32 * k, 32 * k + 16);
      const hi = tables.subarray(32 * k + 16, 32 * k + 32);
      if (k >= keyword.length) {
        for (let nibble = 0; nibble < 16; nibble++) {
          lo[nibble] = (lo[nibble] as number) | bucketBit;
          hi[nibble] = (hi[nibble] as number) | bucketBit;
        }
        continue;
      }
      const folded = keyword.charCodeAt(k) | 0x20;
      lo[folded & 0x0f] = (lo[folded & 0x0f] as number) | bucketBit;
      hi[folded >> 4] = (hi[folded >> 4] as number) | bucketBit;
    }
  });
}

let compiled: object | undefined;

function teddyThenShiftAnd(): ModuleSpec {
  const [starts, to, init, longest, from] = [0, 1, 2, 3, 4];
  const [i, j, e, a, h, v, lo, hi, r0, r1, r2, c, fold, nibble, before0, before1] = [
    5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
  ];
  const table = (k: number, half: 0 | 1) => 21 + 2 * k + half;
  const hits = 0;
  const get = (local: number) => [op.localGet, local];
  const set = (local: number) => [op.localSet, local];
  /** The buckets letter k of a keyword allows at each byte of $v: lo[k][$lo] & hi[k][$hi]. */
  const allowed = (k: number, into: number) => [
    ...[...get(table(k, 0)), ...get(lo), ...simd.swizzle, ...get(table(k, 1)), ...get(hi), ...simd.swizzle],
    ...[...simd.and, ...set(into)],
  ];
  // (a, b) -> the 16 lanes ending `back` lanes into b: a's last `back` lanes, then b's first 16 - back
  const shifted = (back: number) => simd.shuffle(Array.from({ length: 16 }, (_, lane) => 16 - back + lane));
  const shiftAnd = [
    // $j = max($i - 2, $from), the first place a keyword ending its third letter in this vector starts at
    ...[...get(i), op.i32Const, 2, op.i32Sub, ...get(from), ...get(i), ...get(from), op.i32Const, 2],
    ...[op.i32Add, op.i32GeU, op.select, ...set(j), op.i64Const, 0, ...set(a)],
    // $e = min($i + 13 + $longest, $to): the last of those places, 15 bytes on, plus a keyword
    ...[...get(i), op.i32Const, 13, op.i32Add, ...get(longest), op.i32Add, op.localTee, e],
    ...[...get(to), ...get(e), ...get(to), op.i32LtU, op.select, ...set(e)],
    ...[op.block, op.void, op.loop, op.void],
    ...[...get(j), ...get(e), op.i32GeU, op.brIf, 1],
    ...[...get(j), op.i32Load8u, 0, ...uleb(TEXT_AT), op.i32Const, 3, op.i32Shl, op.i64Load, 3, MASKS_AT],
    ...[...get(a), op.i64Const, 1, op.i64Shl, ...get(init), op.i64Or, op.i64And, op.localTee, a],
    ...[...get(h), op.i64Or, ...set(h)],
    ...[...get(j), op.i32Const, 1, op.i32Add, ...set(j), op.br, 0],
    ...[op.end, op.end],
  ];
  const load = (at: number, into: number) => [op.i32Const, 0, ...simd.load(at), ...set(into)];
  return {
    params: [I32, I32, I64, I32, I32],
    results: [],
    locals: [I32, I32, I32, I64, I64, ...Array(11 + 2 * POSITIONS).fill(V128)],
    globals: GLOBALS,
    memoryBytes: INPUT_AT + INPUT_BYTES + INPUT_SLACK,
    body: [
      ...[op.globalGet, hits, ...set(h), ...get(from), ...set(i)],
      ...Array.from({ length: 2 * POSITIONS }, (_, t) => load(TABLES_AT + 16 * t, table(0, 0) + t)).flat(),
      // loaded rather than written as constants, which V8 would rebuild at every use inside the loop
      ...load(CONSTANTS_AT, fold),
      ...load(CONSTANTS_AT + 16, nibble),
      ...[op.block, op.void, op.loop, op.void],
      // vectors while a keyword can start in this block: up to 2 bytes before $i
      ...[...get(i), ...get(starts), op.i32Const, 2, op.i32Add, op.i32GeU, op.brIf, 1],
      ...[...get(i), ...simd.load(TEXT_AT), op.localTee, v, ...get(nibble), ...simd.and, ...set(lo)],
      ...[
        ...get(v),
        ...get(fold),
        ...simd.or,
        op.i32Const,
        4,
        ...simd.i16x8ShrU,
        ...get(nibble),
        ...simd.and,
        ...set(hi),
      ],
      ...allowed(0, r0),
      ...allowed(1, r1),
      ...allowed(2, r2),
      // the third letter here, the second one byte back, the first two back (into the last vector)
      ...[...get(before1), ...get(r1), ...shifted(1), ...get(r2), ...simd.and],
      ...[...get(before0), ...get(r0), ...shifted(2), ...simd.and, op.localTee, c],
      ...[...get(r0), ...set(before0), ...get(r1), ...set(before1)],
      ...[...simd.anyTrue, op.if, op.void, ...shiftAnd, op.end],
      ...[...get(i), op.i32Const, 16, op.i32Add, ...set(i), op.br, 0],
      ...[op.end, op.end],
      ...[...get(h), op.globalSet, hits],
    ],
  };
}
