/**
 * Just enough of the WebAssembly binary format (https://webassembly.github.io/spec/core/binary/) to write
 * the engine's two byte scanners (keyword-bytes.ts, byte-runs.ts) out opcode by opcode: each is one small
 * function, and a toolchain to build them would be heavier than the code it builds.
 */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;

export const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  void: 0x40,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  i32Load: 0x28,
  i64Load: 0x29,
  i32Load8u: 0x2d,
  i32Store: 0x36,
  i32Const: 0x41,
  i64Const: 0x42,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Shl: 0x74,
  select: 0x1b,
  i64And: 0x83,
  i64Or: 0x84,
  i64Shl: 0x86,
  i32LtU: 0x49,
  i32Eq: 0x46,
  i32Clz: 0x67,
  i32Ctz: 0x68,
  i32Popcnt: 0x69,
  i32And: 0x71,
  i32Xor: 0x73,
} as const;

/**
 * The 128-bit SIMD instructions used (each follows the 0xfd prefix), part of WebAssembly since 2.0 and
 * on by default in V8 since 9.1 (Node 16.4).
 */
const SIMD = 0xfd;
export const simd = {
  /** v128.load with its memory argument: alignment 2^0 (any address), offset `at`. */
  load: (at: number) => [SIMD, 0x00, 0, ...uleb(at)],
  /** i8x16.shuffle: lanes 0-15 pick from the first operand, 16-31 from the second. */
  shuffle: (lanes: readonly number[]) => [SIMD, 0x0d, ...lanes],
  swizzle: [SIMD, 0x0e],
  and: [SIMD, 0x4e],
  or: [SIMD, 0x50],
  anyTrue: [SIMD, 0x53],
  /** v128.const of sixteen zero bytes. */
  zero: [SIMD, 0x0c, ...new Array(16).fill(0)],
  /** i8x16.bitmask: the top bit of each lane, lane 0 in bit 0. */
  bitmask: [SIMD, 0x64],
  i8x16Ne: [SIMD, 0x24],
  i8x16LtS: [SIMD, 0x25],
  i8x16GeU: [SIMD, 0x2c],
  /** i16x8.shr_u: a shift of each 16-bit lane (x86 has no byte shift: V8 masks i8x16.shr_u's result itself). */
  i16x8ShrU: [SIMD, ...uleb(0x8d)],
} as const;

/** Unsigned LEB128, as the format writes sizes, indices and memory offsets (and small constants). */
export function uleb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

/** Signed LEB128, as i32.const writes its value (uleb would flip a value with bit 6 of its last byte set). */
export function sleb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

export interface ModuleSpec {
  /** The one function's parameter types, result types and local types. */
  readonly params: readonly number[];
  readonly results: readonly number[];
  readonly locals: readonly number[];
  /** Its instructions, without the final `end`. */
  readonly body: readonly number[];
  /** Mutable i64 globals initialised to 0, exported under these names. */
  readonly globals: readonly string[];
  /** The memory's size: it is declared at this size, never grown (see `instantiate`). */
  readonly memoryBytes: number;
}

/**
 * A module with one memory (exported as "memory"), the globals, and one function exported as "scan".
 */
export function moduleBytes(spec: ModuleSpec): Uint8Array {
  const name = (text: string) => [text.length, ...Buffer.from(text, 'latin1')];
  const locals = spec.locals.flatMap((type) => [1, type]);
  const code = [...uleb(spec.locals.length), ...locals, ...spec.body, op.end];
  const globals = spec.globals.flatMap(() => [I64, 1, op.i64Const, 0, op.end]);
  const exported = [
    ...name('scan'),
    0,
    0,
    ...name('memory'),
    2,
    0,
    ...spec.globals.flatMap((global, index) => [...name(global), 3, index]),
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [1, 0x60, spec.params.length, ...spec.params, spec.results.length, ...spec.results]),
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0x00, ...uleb(Math.ceil(spec.memoryBytes / PAGE))]), // one memory, its minimum size
    ...section(6, [spec.globals.length, ...globals]),
    ...section(7, [2 + spec.globals.length, ...exported]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

const PAGE = 65536;

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** The little of the WebAssembly JS API used here (Node's type declarations leave it out). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface Instance {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly globals: Record<string, { value: bigint }>;
  readonly scan: (...args: (number | bigint)[]) => number;
}

/**
 * An instance of a compiled module, its memory as the module declares it. Growing the memory would
 * detach its ArrayBuffer, and the first detached buffer in a thread makes V8 drop the optimized code
 * that assumed none ever is, and check for it in every typed-array access after that.
 */
export function instantiate(module: object, names: readonly string[]): Instance {
  const exports = new wasm.Instance(module, {}).exports as Record<string, unknown>;
  const memory = exports.memory as Instance['memory'];
  const globals = Object.fromEntries(names.map((name) => [name, exports[name] as { value: bigint }]));
  return { memory, globals, scan: exports.scan as Instance['scan'] };
}

/** The input block of both scanners: a file goes through in pieces of this size, whatever its size. */
export const BLOCK = 64 * 1024;

/**
 * Feeds `bytes` to a scanner through `block`, its input area in the instance's memory: copies BLOCK bytes
 * at a time, each with the `overlap` bytes after it (for a scanner whose matches start in a block and may
 * end in the next; `block` must hold them), and calls `scan` with the block's own length and the bytes
 * copied, until the bytes end or `scan` returns true (done).
 */
export function inBlocks(
  bytes: Uint8Array,
  block: Uint8Array,
  scan: (length: number, copied: number) => boolean,
  overlap = 0,
): void {
  for (let start = 0; start < bytes.length; start += BLOCK) {
    const end = Math.min(bytes.length, start + BLOCK + overlap);
    block.set(bytes.subarray(start, end));
    if (scan(Math.min(BLOCK, bytes.length - start), end - start)) return;
  }
}

/** Compiles module bytes (once per thread and scanner kind: callers keep the result). */
export function compile(bytes: Uint8Array): object {
  return new wasm.Module(bytes);
}
