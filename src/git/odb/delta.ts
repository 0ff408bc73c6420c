import { constants } from 'node:buffer';

/**
 * Git's delta format (used by OFS_DELTA and REF_DELTA pack entries): two varints, the base's size and the
 * result's size, then instructions that either copy a range of the base or insert literal bytes. Every
 * offset and length is checked against the base and the result, so a damaged delta is reported as such
 * instead of throwing a RangeError or producing a short object. Problems are thrown as `DeltaProblem`s
 * for the caller to attach to the object and file.
 */

const MAX_LENGTH = constants.MAX_LENGTH;
/**
 * The place value of each little-endian byte of a copy's offset and size: `2 ** (8 * bit)` called the
 * runtime's pow for every byte (~0.5 % of a history sweep's main thread), and `<<` would go negative
 * for a fourth offset byte over 0x7f.
 */
const PLACE = [1, 0x100, 0x10000, 0x1000000] as const;

export class DeltaProblem extends Error {}

export interface DeltaSizes {
  readonly baseSize: number;
  readonly resultSize: number;
  /** Where the instructions start. */
  readonly start: number;
}

/** The two sizes at the start of a delta; `delta` may be just a prefix of it. */
export function readDeltaSizes(delta: Uint8Array): DeltaSizes {
  const base = readSize(delta, 0);
  const result = readSize(delta, base.next);
  return { baseSize: base.value, resultSize: result.value, start: result.next };
}

/** `readDeltaSizes`, or what is wrong with the header (a DeltaProblem's message) instead of a throw. */
export function deltaSizesOrProblem(delta: Uint8Array): DeltaSizes | string {
  try {
    return readDeltaSizes(delta);
  } catch (error) {
    if (error instanceof DeltaProblem) return error.message;
    throw error;
  }
}

/** Applies `delta` to `base`. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  const { baseSize, resultSize, start } = readDeltaSizes(delta);
  if (baseSize !== base.length)
    throw new DeltaProblem(`delta expects a base of ${baseSize} bytes, but the base has ${base.length}`);
  // Each instruction byte yields at most one inserted byte or one copy of the base (up to 16 MiB), so a
  // result size beyond that is a damaged header: refuse it before allocating.
  const instructions = delta.length - start;
  if (resultSize > instructions * (Math.min(base.length, 0xffffff) + 1) || resultSize > MAX_LENGTH)
    throw new DeltaProblem(`delta header says ${resultSize} bytes, more than its instructions can produce`);
  const out = Buffer.allocUnsafe(resultSize);
  let written = 0;
  let i = start;
  while (i < delta.length) {
    const op = delta[i++] as number;
    if (op & 0x80) {
      // Copy: bits 0-3 say which offset bytes follow, bits 4-6 which size bytes (little-endian).
      let offset = 0;
      let size = 0;
      for (let bit = 0; bit < 4; bit++) {
        if (op & (1 << bit)) offset += byteAt(delta, i++) * (PLACE[bit] as number);
      }
      for (let bit = 0; bit < 3; bit++) {
        if (op & (0x10 << bit)) size += byteAt(delta, i++) * (PLACE[bit] as number);
      }
      if (size === 0) size = 0x10000;
      if (offset + size > base.length)
        throw new DeltaProblem(
          `delta copies bytes ${offset}..${offset + size} of a ${base.length}-byte base`,
        );
      if (written + size > resultSize)
        throw new DeltaProblem(`delta writes past its ${resultSize}-byte result`);
      if (size <= 16) {
        // Short copies are common in text deltas; a loop beats Buffer#copy's call overhead for them.
        for (let k = 0; k < size; k++) out[written + k] = base[offset + k] as number;
      } else {
        base.copy(out, written, offset, offset + size);
      }
      written += size;
    } else if (op !== 0) {
      // Insert: `op` literal bytes follow.
      if (i + op > delta.length) throw new DeltaProblem('delta ends inside an insert instruction');
      if (written + op > resultSize)
        throw new DeltaProblem(`delta writes past its ${resultSize}-byte result`);
      delta.copy(out, written, i, i + op);
      written += op;
      i += op;
    } else {
      throw new DeltaProblem('delta has a reserved (zero) instruction');
    }
  }
  if (written !== resultSize)
    throw new DeltaProblem(`delta produces ${written} bytes, but its header says ${resultSize}`);
  return out;
}

function readSize(delta: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let place = 1; // 2 ** shift, kept by multiplying (see PLACE)
  let i = at;
  for (;;) {
    const byte = byteAt(delta, i++);
    value += (byte & 0x7f) * place;
    shift += 7;
    place *= 0x80;
    if (!(byte & 0x80)) break;
    if (shift > 49) throw new DeltaProblem('delta header size is too large');
  }
  return { value, next: i };
}

function byteAt(delta: Uint8Array, i: number): number {
  const byte = delta[i];
  if (byte === undefined) throw new DeltaProblem('delta ends inside an instruction');
  return byte;
}
