import { OID_BYTES } from './types';

/**
 * A pack's `.idx` file, held in memory (about 28 bytes per object; there is no mmap in Node) and
 * searched in place: the fanout table narrows a lookup to the objects sharing the id's first byte, then
 * a binary search over the sorted ids finds its position, which gives its offset in the pack and the
 * CRC-32 of its entry. Version 2 is what git has written since 2009; version 1 (no magic, no CRCs,
 * 4-byte offsets interleaved with the ids) is read too.
 *
 * The file is checked when it is parsed (magic, version, non-decreasing fanout, a size that matches the
 * object count) so that lookups never read outside it; a bad index is a plain `Error` naming the file.
 */

const V2_MAGIC = 0xff744f63; // "\377tOc"
const FANOUT_BYTES = 256 * 4;
const TRAILER_BYTES = 2 * OID_BYTES; // the pack's checksum, then the index's own
/** Lookups in an index before its ids' first bytes are copied out (`heads`). */
const HEADS_AFTER = 256;

export class PackIndex {
  /** The pack's trailing checksum as the index recorded it; the pack must end with the same bytes. */
  readonly packChecksum: Buffer;
  /** Every id's first four bytes, by position, once `find` has been called HEADS_AFTER times. */
  private heads: Uint32Array | undefined;
  private finds = 0;

  private constructor(
    private readonly buf: Buffer,
    private readonly fanout: Uint32Array,
    readonly count: number,
    readonly version: 1 | 2,
    private readonly largeOffsets: number,
  ) {
    this.packChecksum = buf.subarray(buf.length - TRAILER_BYTES, buf.length - OID_BYTES);
  }

  /** `name` is used in error messages only. */
  static parse(buf: Buffer, name: string): PackIndex {
    const version = buf.length >= 8 && buf.readUInt32BE(0) === V2_MAGIC ? buf.readUInt32BE(4) : 1;
    // Without the signature a file can only be a version 1 index, but is more likely a damaged one.
    const v1 = version === 1 && buf.length >= 8 ? 'no version 2 signature, and as a version 1 index: ' : '';
    const fail = (problem: string) => new Error(`${name}: bad pack index: ${v1}${problem}`);
    if (version !== 1 && version !== 2) throw fail(`unsupported version ${version}`);
    const fanoutStart = version === 2 ? 8 : 0;
    if (buf.length < fanoutStart + FANOUT_BYTES + TRAILER_BYTES)
      throw fail(`file is ${buf.length} bytes, too short to hold the fanout table`);
    const fanout = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      const value = buf.readUInt32BE(fanoutStart + 4 * i);
      if (i > 0 && value < (fanout[i - 1] as number)) throw fail('fanout table is not sorted');
      fanout[i] = value;
    }
    const count = fanout[255] as number;
    const entryBytes = version === 2 ? OID_BYTES + 8 : OID_BYTES + 4;
    const minimum = fanoutStart + FANOUT_BYTES + count * entryBytes + TRAILER_BYTES;
    if (buf.length < minimum)
      throw fail(`file is ${buf.length} bytes, shorter than the ${minimum} its ${count} objects need`);
    const extra = buf.length - minimum;
    // Version 2 may append 8-byte offsets for objects beyond 2 GiB; version 1 has nothing extra.
    if (version === 1 ? extra !== 0 : extra % 8 !== 0 || extra / 8 > count)
      throw fail(`file is ${buf.length} bytes, which does not fit its ${count} objects`);
    return new PackIndex(buf, fanout, count, version, extra / 8);
  }

  /**
   * The position of `oid` (20 bytes) in the index, or -1. The ids' first four bytes are compared as a
   * number, from `heads` once there is one; only on a tie are the rest compared.
   */
  find(oid: Buffer): number {
    const first = oid[0] as number;
    let lo = first === 0 ? 0 : (this.fanout[first - 1] as number);
    let hi = this.fanout[first] as number;
    const head = oid.readUInt32BE(0);
    if (this.heads === undefined) this.countFind();
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const word = this.headAt(mid);
      if (word === head) return this.findTied(oid, head, mid, lo, hi);
      if (word < head) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** `find` once the id at `mid` starts as `oid` does: ids sharing their first four bytes lie together. */
  private findTied(oid: Buffer, head: number, mid: number, lo: number, hi: number): number {
    for (let p = mid; p >= lo && this.headAt(p) === head; p--) if (this.endsAs(oid, p)) return p;
    for (let p = mid + 1; p < hi && this.headAt(p) === head; p++) if (this.endsAs(oid, p)) return p;
    return -1;
  }

  private headAt(position: number): number {
    return this.heads !== undefined
      ? (this.heads[position] as number)
      : this.buf.readUInt32BE(this.oidStart(position));
  }

  /** Whether the id at `position` ends as `oid` does (a loop: a `Buffer#compare` call costs ~65 ns). */
  private endsAs(oid: Buffer, position: number): boolean {
    const { buf } = this;
    const at = this.oidStart(position);
    for (let i = 4; i < OID_BYTES; i++) if (buf[at + i] !== oid[i]) return false;
    return true;
  }

  /**
   * Counts lookups up to HEADS_AFTER, then makes `heads`: every id's first four bytes in one typed array
   * (~0.4 MB for 100,000 ids, against the ids' 2 MB), which a binary search reads faster than the
   * file's bytes. `staged` or a replayed sweep looks up a few dozen ids, for which making it would cost
   * more than it saves (2 to 7 ms for 100,000 ids, the most before the loop is optimized).
   */
  private countFind(): void {
    if (++this.finds < HEADS_AFTER) return;
    const heads = new Uint32Array(this.count);
    for (let p = 0; p < this.count; p++) heads[p] = this.buf.readUInt32BE(this.oidStart(p));
    this.heads = heads;
  }

  oidAt(position: number): string {
    const at = this.oidStart(position);
    return this.buf.toString('hex', at, at + OID_BYTES);
  }

  /**
   * The entry's offset in the pack; undefined when a large-offset reference points past the table (a
   * damaged index, reported against the object by the caller).
   */
  offsetAt(position: number): number | undefined {
    if (this.version === 1) return this.buf.readUInt32BE(FANOUT_BYTES + position * (OID_BYTES + 4));
    const small = this.buf.readUInt32BE(this.tableStart(OID_BYTES + 4) + 4 * position);
    if (!(small & 0x80000000)) return small;
    const index = small & 0x7fffffff;
    if (index >= this.largeOffsets) return undefined;
    const at = this.tableStart(OID_BYTES + 8) + 8 * index;
    return this.buf.readUInt32BE(at) * 2 ** 32 + this.buf.readUInt32BE(at + 4);
  }

  /**
   * For sorting the entries by offset with one native sort: each entry's `offset * slots + position`, an
   * exact double, read in one pass straight from the offset table. Undefined for a version 1 index (its
   * offsets sit between the ids) and when an offset is `limit` or more, or a large-offset reference.
   * (Through `offsetAt`, the same took three times as long in a process's first, unoptimized pass.)
   */
  offsetKeys(slots: number, limit: number): Float64Array | undefined {
    if (this.version !== 2 || limit > 2 ** 31) return undefined;
    const { buf, count } = this;
    const start = this.tableStart(OID_BYTES + 4);
    const keys = new Float64Array(count);
    for (let position = 0; position < count; position++) {
      const offset = uint32At(buf, start + 4 * position);
      if (offset >= limit) return undefined; // (a large-offset reference has the top bit set)
      keys[position] = offset * slots + position;
    }
    return keys;
  }

  /**
   * The position of the entry at `offset`, or -1: one pass over the offset table, for the few entries a
   * short run reads by offset (a delta's base) before it would pay to sort the offsets (see PackFile).
   */
  positionOf(offset: number): number {
    const { buf, count } = this;
    if (this.version === 2 && offset < 0x80000000) {
      const start = this.tableStart(OID_BYTES + 4);
      for (let position = 0; position < count; position++) {
        if (uint32At(buf, start + 4 * position) === offset) return position;
      }
      return -1;
    }
    for (let position = 0; position < count; position++)
      if (this.offsetAt(position) === offset) return position;
    return -1;
  }

  /** The CRC-32 of the entry's bytes in the pack (version 2 only). */
  crcAt(position: number): number | undefined {
    return this.version === 2 ? this.buf.readUInt32BE(this.tableStart(OID_BYTES) + 4 * position) : undefined;
  }

  /** Where the ids of a version 2 index end and the tables after them begin, by bytes per object before. */
  private tableStart(bytesPerObjectBefore: number): number {
    return 8 + FANOUT_BYTES + this.count * bytesPerObjectBefore;
  }

  private oidStart(position: number): number {
    return this.version === 2
      ? 8 + FANOUT_BYTES + position * OID_BYTES
      : FANOUT_BYTES + position * (OID_BYTES + 4) + 4;
  }
}

/**
 * The big-endian 32-bit number at `at`, read byte by byte, for passes over a whole table (this index's
 * offsets, a pack's reverse index): readUInt32BE checks its arguments on every call.
 */
export function uint32At(buf: Buffer, at: number): number {
  return (
    (buf[at] as number) * 0x1000000 +
    (((buf[at + 1] as number) << 16) | ((buf[at + 2] as number) << 8) | (buf[at + 3] as number))
  );
}
