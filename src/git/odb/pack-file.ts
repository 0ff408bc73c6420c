import fs from 'node:fs';
import zlib from 'node:zlib';
import { readAt } from '../../util/read-at';
import { readRegularFileSync } from '../../util/read-regular-file';
import { type DeltaSizes, deltaSizesOrProblem } from './delta';
import { Damage } from './errors';
import { inflateExact, inflatePrefix } from './inflate';
import type { PackChunks } from './pack-chunks';
import { PackIndex, uint32At } from './pack-index';
import { type ObjectType, OFS_DELTA, OID_BYTES, PACK_TYPES, REF_DELTA } from './types';

/**
 * One pack (`objects/pack/pack-….pack`) and its index, read by range: an entry's bytes run from its offset
 * to the next entry's offset (the offsets sorted once, on first use), or for the last entry to the
 * 20-byte trailer, so each entry is one positioned read and one `inflateSync` of exactly its bytes. The
 * pack itself is never read whole. Entries that fit in a 4 KiB chunk of the pack are read through the
 * store's chunk cache (pack-chunks.ts), which reads such a chunk once for all the entries in it.
 *
 * Reads are synchronous (`fs.readSync` on the open handle's descriptor): for the small reads a sweep is
 * made of, an asynchronous `FileHandle.read` costs a thread-pool round trip many times longer than the
 * read itself (reading every entry of a 24,000-object pack: about 1.5 µs per `readSync`, 30 µs per
 * awaited `FileHandle.read`), and a sweep has nothing else to do while it waits anyway. Entries up to SCRATCH_LIMIT are read
 * into one reused buffer, which is safe because every read is inflated before the next one starts.
 *
 * Damage is reported as `Damage`: an entry outside the file, a bad header, zlib errors, a size that
 * does not match, and (for version 2 indexes, where Node has `zlib.crc32`) an entry whose bytes do not
 * match the CRC-32 the index recorded, which catches damage zlib cannot see, such as a flipped type bit.
 */

const HEADER_BYTES = 12; // "PACK", version, object count
const TRAILER_BYTES = OID_BYTES;
/** Longest entry header: type and a 64-bit size (10 bytes), then a base id (20) or offset (10). */
const MAX_ENTRY_HEADER = 32;
/**
 * Compressed bytes read to find a delta's two size varints: a few dozen usually hold them; a
 * dynamic-Huffman block may spend ~300 bytes on code tables first, so 1 KiB always does.
 */
const DELTA_SIZES_SHORT = 64;
const DELTA_SIZES_LONG = 1024;
const SCRATCH_LIMIT = 1024 * 1024;
/**
 * Entries read before a pack's offsets are sorted (see `entryBeforeSorting`): a `staged` run reads ~45,
 * a `--cache` replay of the bench history 11; a sweep reads on and sorts once, as before.
 */
const UNSORTED_READS = 64;
/**
 * Delta bases looked up by offset in the index (a pass over its offsets each, ~0.6 ms for 105,000)
 * before sorting instead: a blob or tree deep in a delta chain needs a lookup per base, and `staged` in
 * the bench history's repository read 310 deltas, so that more lookups only added to the sort's time.
 */
const OFFSET_LOOKUPS = 2;
/** What `entryBeforeSorting` answers when the entry is to be read the usual way. */
const FALL_BACK = Symbol('fall back');
/** Deltas up to this size (inflated) are inflated whole to read their sizes (see `header`). */
const WHOLE_DELTA_LIMIT = 64 * 1024;
const crc32: ((data: Uint8Array) => number) | undefined = (zlib as { crc32?: (data: Uint8Array) => number })
  .crc32;

export interface EntryHeader {
  /** 1-4 for whole objects (see PACK_TYPES), OFS_DELTA or REF_DELTA. */
  readonly type: number;
  /** Inflated size of the entry: the object's size, or for a delta the delta's own size. */
  readonly size: number;
  /** For OFS_DELTA: the base's offset in this pack. */
  readonly baseOffset: number | undefined;
  /** For REF_DELTA: the base's id. */
  readonly baseOid: string | undefined;
  /** Bytes of the header, before the zlib stream. */
  readonly length: number;
}

export interface Entry extends EntryHeader {
  /** The inflated object, or for a delta the inflated delta. */
  readonly data: Buffer;
}

export class PackFile {
  private sortedOffsets: Float64Array | undefined;
  /** Index position of the entry at each rank in `sortedOffsets`. */
  private positionsByRank: Uint32Array | undefined;
  /**
   * The rank of the entry at each index position (the inverse of `positionsByRank`): an object found in
   * the index by id knows its rank without a binary search of the ~1 MB of sorted offsets (a delta base
   * known only by its offset still searches). The history walk's main thread: ~25 ms less CPU.
   */
  private ranksByPosition: Uint32Array | undefined;
  /** Type code (1-4) of the object at each rank once known (0 before), so `info` walks a chain once. */
  private typesByRank: Uint8Array | undefined;
  private scratch = Buffer.allocUnsafe(0);
  /** Entries still to be read before the offsets are sorted, and delta bases to be looked up by offset. */
  private unsortedReads = UNSORTED_READS;
  private offsetLookups = OFFSET_LOOKUPS;

  private constructor(
    readonly index: PackIndex,
    /** The pack's path as error messages show it. */
    readonly name: string,
    private readonly handle: fs.promises.FileHandle,
    readonly fileSize: number,
    /** Why no entry can be read (not a pack at all), if so. */
    private readonly unusable: string | undefined,
    /** Added to every problem in this pack: the pack and index disagree (truncated or replaced pack). */
    private readonly note: string,
    /** Where git ≥ 2.41 writes the pack's reverse index (see `readReverseIndex`). */
    private readonly revPath: string,
    /** The store's cache of small reads (if it has one), shared by its packs, and this pack's number in it. */
    private readonly chunks: PackChunks | undefined,
    private readonly chunkPack: number,
  ) {}

  /** Opens the pack and parses its index; a bad index throws, a damaged pack is reported per object. */
  static async open(packPath: string, idxPath: string, name: string, chunks?: PackChunks): Promise<PackFile> {
    const index = PackIndex.parse(await fs.promises.readFile(idxPath), name.replace(/\.pack$/, '.idx'));
    const handle = await fs.promises.open(packPath, 'r');
    try {
      const { size } = await handle.stat();
      let unusable: string | undefined;
      let note = '';
      if (size < HEADER_BYTES + TRAILER_BYTES) {
        unusable = `pack file is ${size} bytes, too short to be a pack (truncated?)`;
      } else {
        const head = Buffer.alloc(HEADER_BYTES);
        const trailer = Buffer.alloc(TRAILER_BYTES);
        await handle.read(head, 0, HEADER_BYTES, 0);
        await handle.read(trailer, 0, TRAILER_BYTES, size - TRAILER_BYTES);
        const version = head.readUInt32BE(4);
        if (head.toString('latin1', 0, 4) !== 'PACK' || (version !== 2 && version !== 3)) {
          unusable = 'not a pack file (bad signature or unknown version)';
        } else if (head.readUInt32BE(8) !== index.count) {
          note = ` (the pack holds ${head.readUInt32BE(8)} objects but its index ${index.count})`;
        } else if (!trailer.equals(index.packChecksum)) {
          note = ' (the pack does not end with the checksum its index records: truncated or replaced?)';
        }
      }
      const revPath = packPath.replace(/\.pack$/, '.rev');
      return new PackFile(
        index,
        name,
        handle,
        size,
        unusable,
        note,
        revPath,
        chunks,
        chunks?.register() ?? 0,
      );
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  /**
   * Reads and inflates the entry at `offset`; undefined, without inflating it, when it is a whole object
   * of more than `maxSize` bytes (a large entry's header is read first, so that it is not read whole).
   * `position`: its position in the index, when the caller found it there.
   */
  entry(offset: number, maxSize = Number.POSITIVE_INFINITY, position?: number): Entry | undefined {
    if (this.sortedOffsets === undefined && this.unsortedReads > 0) {
      const read = this.entryBeforeSorting(offset, maxSize, position);
      if (read !== FALL_BACK) return read;
    }
    const rank = this.rankOf(offset, position);
    const length = this.endOf(rank) - offset;
    if (length > SCRATCH_LIMIT && maxSize !== Number.POSITIVE_INFINITY) {
      const head = this.parseHeader(this.readRange(offset, Math.min(length, MAX_ENTRY_HEADER), true), offset);
      if (overLimit(head, maxSize)) return undefined;
    }
    const bytes = this.readRange(offset, length, length <= SCRATCH_LIMIT);
    const header = this.parseHeader(bytes, offset);
    if (overLimit(header, maxSize)) return undefined;
    const inflated = inflateExact(bytes.subarray(header.length), header.size);
    if (!inflated.ok) throw this.damage(`entry at offset ${offset}: ${inflated.problem}`, inflated.cause);
    // Checked after inflating, so that damage zlib notices gets zlib's more specific description.
    if (this.crcFails(bytes, (this.positionsByRank as Uint32Array)[rank] as number))
      throw this.damage(`entry at offset ${offset} does not match the CRC-32 its index records`);
    return entryOf(header, inflated.data);
  }

  /**
   * `entry` without the sorted offsets, for a run that reads a few entries (`staged`, a `--cache` replay):
   * sorting a large pack's offsets costs more than the rest of such a run's reads (~18 ms for 105,000
   * entries). An entry's end is then where its zlib stream ends: the header gives the inflated size, so
   * at most deflate's bound for that size is read, and zlib says how much of it the stream took. Its
   * CRC-32 is checked as in `entry`, by its index position (a delta's base, known by offset only, is
   * looked for in the index, OFFSET_LOOKUPS times at most). Anything unusual (a damaged header or
   * stream, a CRC that does not match, an entry too large to read in one piece) answers FALL_BACK:
   * `entry` then reads it the usual way, which describes the damage as it always did.
   */
  private entryBeforeSorting(
    offset: number,
    maxSize: number,
    known: number | undefined,
  ): Entry | undefined | typeof FALL_BACK {
    const dataEnd = this.fileSize - TRAILER_BYTES;
    if (this.unusable !== undefined || offset < HEADER_BYTES || offset >= dataEnd) return FALL_BACK;
    let position = known;
    if (position === undefined) {
      if (this.offsetLookups <= 0) return FALL_BACK;
      this.offsetLookups--;
      position = this.index.positionOf(offset);
      if (position < 0) return FALL_BACK;
    }
    const head = parseEntryHeader(
      this.readRange(offset, Math.min(dataEnd - offset, MAX_ENTRY_HEADER), true),
      offset,
    );
    if (typeof head === 'string') return FALL_BACK;
    if (overLimit(head, maxSize)) return undefined;
    const length = head.length + Math.min(dataEnd - offset - head.length, deflateBound(head.size));
    if (length > SCRATCH_LIMIT) return FALL_BACK;
    const bytes = this.readRange(offset, length, true);
    const inflated = inflateExact(bytes.subarray(head.length), head.size);
    if (!inflated.ok) return FALL_BACK;
    if (this.crcFails(bytes.subarray(0, head.length + inflated.consumed), position)) return FALL_BACK;
    this.unsortedReads--;
    return entryOf(head, inflated.data);
  }

  /**
   * The entry's header without inflating it, except that for a delta with `resultSize` the start of the
   * delta is inflated to read the size of the object it produces.
   */
  header(offset: number, resultSize: boolean): EntryHeader & { readonly resultSize?: number } {
    const rank = this.rankOf(offset);
    const available = this.endOf(rank) - offset;
    let bytes = this.readRange(offset, Math.min(available, MAX_ENTRY_HEADER + DELTA_SIZES_SHORT), true);
    const header = this.parseHeader(bytes, offset);
    if (!resultSize || (header.type !== OFS_DELTA && header.type !== REF_DELTA)) return header;
    // A small delta is inflated whole, in one call on the reused zlib stream (inflate.ts): cheaper than
    // inflating a prefix on a new stream, which often stopped inside the block's code tables and had to
    // be done again on a longer one.
    if (header.size <= WHOLE_DELTA_LIMIT && available <= SCRATCH_LIMIT) {
      const whole = inflateExact(
        this.readRange(offset, available, true).subarray(header.length),
        header.size,
      );
      const sizes = whole.ok ? deltaSizes(whole.data) : undefined;
      if (sizes !== undefined && typeof sizes !== 'string')
        return { ...header, resultSize: sizes.resultSize };
      // damaged: described by the prefix reads below, as for a large delta
    }
    // The sizes are the delta's first bytes: a short prefix usually holds them; if not, a longer one does.
    let sizes = deltaSizes(inflatePrefix(bytes.subarray(header.length)));
    if (typeof sizes === 'string' && bytes.length < available) {
      bytes = this.readRange(offset, Math.min(available, header.length + DELTA_SIZES_LONG), true);
      sizes = deltaSizes(inflatePrefix(bytes.subarray(header.length)));
    }
    if (typeof sizes === 'string') throw this.damage(`entry at offset ${offset}: ${sizes}`);
    return { ...header, resultSize: sizes.resultSize };
  }

  /** The type of the object the entry at `offset` stands for, if a read or `info` has found it out. */
  knownType(offset: number): ObjectType | undefined {
    const rank = this.findRank(offset);
    return rank === undefined ? undefined : PACK_TYPES[(this.typesByRank as Uint8Array)[rank] as number];
  }

  /**
   * Remembers a type for `knownType`; not before the offsets are sorted (it would sort them).
   * `position`: the entry's position in the index, when known.
   */
  rememberType(offset: number, type: ObjectType, position?: number): void {
    if (this.sortedOffsets === undefined) return;
    const rank = this.findRank(offset, position);
    if (rank !== undefined) (this.typesByRank as Uint8Array)[rank] = PACK_TYPES.indexOf(type);
  }

  /** The id of the entry at `offset`, for error messages; undefined when no entry starts there. */
  oidAt(offset: number): string | undefined {
    const rank = this.findRank(offset);
    return rank === undefined
      ? undefined
      : this.index.oidAt((this.positionsByRank as Uint32Array)[rank] as number);
  }

  /** Sorts the entries' offsets now rather than on the first read (see `sortOffsets`). */
  prepare(): void {
    this.sortedOffsets ?? this.sortOffsets();
  }

  /** The ids of the pack's entries in the order of their offsets. */
  idsInPackOrder(): string[] {
    this.sortedOffsets ?? this.sortOffsets();
    return Array.from(this.positionsByRank as Uint32Array, (position) => this.index.oidAt(position));
  }

  /** A `Damage` in this pack. */
  damage(problem: string, cause?: unknown): Damage {
    return new Damage(this.name, problem + this.note, cause);
  }

  /**
   * The rank of the entry at `offset` among the pack's entries in offset order, or undefined.
   * `position`: the entry's position in the index, if the caller knows it (checked, not trusted).
   */
  private findRank(offset: number, position?: number): number | undefined {
    const sorted = this.sortedOffsets ?? this.sortOffsets();
    if (position !== undefined) {
      const known = (this.ranksByPosition as Uint32Array)[position];
      if (known !== undefined && sorted[known] === offset) return known;
    }
    const rank = lowerBound(sorted, offset);
    return sorted[rank] === offset ? rank : undefined;
  }

  /** Like `findRank`, but no entry at `offset` (or an unusable pack) is damage. */
  private rankOf(offset: number, position?: number): number {
    if (this.unusable !== undefined) throw this.damage(this.unusable);
    const rank = this.findRank(offset, position);
    if (rank === undefined) throw this.damage(`no entry of the index starts at offset ${offset}`);
    if (offset < HEADER_BYTES || offset >= this.fileSize - TRAILER_BYTES)
      throw this.damage(`entry at offset ${offset} lies outside the ${this.fileSize}-byte file (truncated?)`);
    return rank;
  }

  /** Where the entry of `rank` ends: where the next one starts, or for the last one at the trailer. */
  private endOf(rank: number): number {
    const dataEnd = this.fileSize - TRAILER_BYTES;
    return Math.min((this.sortedOffsets as Float64Array)[rank + 1] ?? dataEnd, dataEnd);
  }

  /**
   * `scratch`: the bytes may be valid only until the next read from any pack of the store (they may lie
   * in its chunk cache, see pack-chunks.ts, or in this pack's reused buffer); otherwise they are new.
   */
  private readRange(position: number, length: number, scratch: boolean): Buffer {
    const cached = scratch ? this.chunks?.read(this.handle.fd, this.chunkPack, position, length) : undefined;
    if (cached) return cached;
    let buffer: Buffer;
    if (scratch) {
      if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(Math.max(length, 64 * 1024));
      buffer = this.scratch.subarray(0, length);
    } else {
      buffer = Buffer.allocUnsafe(length);
    }
    if (readAt(this.handle.fd, buffer, 0, length, position) < length)
      throw this.damage(`entry at offset ${position} ends past the end of the file (truncated?)`);
    return buffer;
  }

  /** Whether an entry's bytes differ from the CRC-32 its index records (a version 1 index has none). */
  private crcFails(bytes: Buffer, position: number): boolean {
    const expected = this.index.crcAt(position);
    return crc32 !== undefined && expected !== undefined && crc32(bytes) !== expected;
  }

  private parseHeader(bytes: Buffer, offset: number): EntryHeader {
    const header = parseEntryHeader(bytes, offset);
    if (typeof header === 'string') throw this.damage(`entry at offset ${offset} ${header}`);
    return header;
  }

  /**
   * Sorts the entries' offsets once, so an entry's end is the next one's start. Usually each offset and
   * its index position are packed into one exact double (offset * 2^24 + position), so one native sort
   * gives both orders; a binary search per entry to pair them again cost ~60 ms on a 100,000-object pack,
   * which a sweep replayed from the cache or a `staged` run paid to read a handful of objects. A valid
   * reverse index beside the pack gives the same order without sorting (`readReverseIndex`).
   */
  private sortOffsets(): Float64Array {
    const { sorted, positions } = readReverseIndex(this.revPath, this.index) ?? this.packOrder();
    this.sortedOffsets = sorted;
    this.positionsByRank = positions;
    const ranks = new Uint32Array(positions.length);
    for (let rank = 0; rank < positions.length; rank++) ranks[positions[rank] as number] = rank;
    this.ranksByPosition = ranks;
    this.typesByRank = new Uint8Array(this.index.count);
    return sorted;
  }

  /** The offsets in pack order and the index position at each rank, by sorting the index's offsets. */
  private packOrder(): { sorted: Float64Array; positions: Uint32Array } {
    const count = this.index.count;
    const sorted = new Float64Array(count);
    const positions = new Uint32Array(count);
    const keys =
      count <= POSITION_SLOTS ? this.index.offsetKeys(POSITION_SLOTS, MAX_PACKED_OFFSET) : undefined;
    if (keys) {
      keys.sort();
      for (let rank = 0; rank < count; rank++) {
        const key = keys[rank] as number;
        const position = key % POSITION_SLOTS;
        sorted[rank] = (key - position) / POSITION_SLOTS;
        positions[rank] = position;
      }
    } else {
      // A damaged large-offset reference sorts last and is reported when that entry is read.
      const offsets = new Float64Array(count);
      for (let p = 0; p < count; p++) offsets[p] = this.index.offsetAt(p) ?? Number.POSITIVE_INFINITY;
      sorted.set(offsets);
      sorted.sort();
      for (let p = 0; p < count; p++) positions[lowerBound(sorted, offsets[p] as number)] = p;
    }
    return { sorted, positions };
  }
}

/** Whether the header is a whole object's of more than `maxSize` bytes (a delta's size is its own). */
function overLimit(header: EntryHeader, maxSize: number): boolean {
  return PACK_TYPES[header.type] !== undefined && header.size > maxSize;
}

/** An entry from its header and inflated data (a literal: one object shape for every entry). */
function entryOf(header: EntryHeader, data: Buffer): Entry {
  return {
    type: header.type,
    size: header.size,
    baseOffset: header.baseOffset,
    baseOid: header.baseOid,
    length: header.length,
    data,
  };
}

/**
 * The most bytes zlib's stream for `size` inflated bytes takes: its `deflateBound` for stored blocks (5
 * bytes per 16,383-byte block, the 2-byte header and the 4-byte checksum), plus slack for an empty final
 * block. A longer stream (another encoder's) is cut short, zlib reports it, and the entry is read the
 * usual way.
 */
function deflateBound(size: number): number {
  return size + 5 * (Math.floor(size / 16383) + 1) + 6 + 16;
}

const RIDX_SIGNATURE = 0x52494458; // "RIDX"
const RIDX_HEADER_BYTES = 12; // signature, version 1, hash function 1 (SHA-1)

/**
 * The pack's reverse index, `pack-….rev`, which git writes beside each pack since 2.41 (and on request
 * since 2.31): the index positions of the entries in pack order, which is what `packOrder` computes,
 * read instead in one pass over a file of 4 bytes an entry. Anything short of a file that fits this pack
 * exactly (absent, not a regular file, another size, version or hash, another pack's checksum, a position
 * out of range, offsets not strictly increasing in its order) gives undefined: the caller sorts instead.
 * Strictly increasing offsets also make its positions a permutation, so a damaged file cannot pair an
 * entry with another's position.
 */
function readReverseIndex(
  file: string,
  index: PackIndex,
): { sorted: Float64Array; positions: Uint32Array } | undefined {
  let bytes: Buffer;
  try {
    bytes = readRegularFileSync(file);
  } catch {
    return undefined;
  }
  const count = index.count;
  const table = RIDX_HEADER_BYTES + 4 * count;
  if (
    bytes.length !== table + 2 * OID_BYTES ||
    bytes.readUInt32BE(0) !== RIDX_SIGNATURE ||
    bytes.readUInt32BE(4) !== 1 ||
    bytes.readUInt32BE(8) !== 1 ||
    !bytes.subarray(table, table + OID_BYTES).equals(index.packChecksum)
  )
    return undefined;
  const sorted = new Float64Array(count);
  const positions = new Uint32Array(count);
  let previous = -1;
  for (let rank = 0; rank < count; rank++) {
    const position = uint32At(bytes, RIDX_HEADER_BYTES + 4 * rank);
    const offset = position < count ? index.offsetAt(position) : undefined;
    if (offset === undefined || offset <= previous) return undefined;
    sorted[rank] = offset;
    positions[rank] = position;
    previous = offset;
  }
  return { sorted, positions };
}

/**
 * Parses an entry header: type and size (4 bits, then 7 per byte, little-endian), then for OFS_DELTA the
 * distance back to the base (big-endian base-128 with an implicit +1 per continuation byte) or for
 * REF_DELTA the base's id. Returns what is wrong, completing "entry at offset N …", if it is damaged.
 */
function parseEntryHeader(bytes: Buffer, offset: number): EntryHeader | string {
  const end = bytes.length;
  let i = 0;
  if (i >= end) return 'has a truncated header';
  let byte = bytes[i++] as number;
  const type = (byte >> 4) & 7;
  let size = byte & 0x0f;
  let shift = 4;
  while (byte & 0x80) {
    if (i >= end) return 'has a truncated header';
    if (shift > 46) return 'has an impossible size';
    byte = bytes[i++] as number;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (type === OFS_DELTA) {
    if (i >= end) return 'has a truncated header';
    byte = bytes[i++] as number;
    let distance = byte & 0x7f;
    while (byte & 0x80) {
      if (i >= end) return 'has a truncated header';
      if (distance > 2 ** 45) return 'has an impossible base offset';
      byte = bytes[i++] as number;
      distance = (distance + 1) * 128 + (byte & 0x7f);
    }
    // The base comes before the entry, after the pack header; a distance of 0 would be a loop.
    if (distance === 0 || distance > offset - HEADER_BYTES) return 'has a delta base outside the pack';
    return { type, size, baseOffset: offset - distance, baseOid: undefined, length: i };
  }
  if (type === REF_DELTA) {
    if (i + OID_BYTES > end) return 'has a truncated header';
    const baseOid = bytes.toString('hex', i, i + OID_BYTES);
    return { type, size, baseOffset: undefined, baseOid, length: i + OID_BYTES };
  }
  if (PACK_TYPES[type] === undefined) return `has invalid type ${type}`;
  return { type, size, baseOffset: undefined, baseOid: undefined, length: i };
}

/** The sizes at the start of an inflated delta (or of a prefix of it), or what is wrong. */
function deltaSizes(prefix: Buffer | undefined): DeltaSizes | string {
  return prefix === undefined ? 'invalid zlib data' : deltaSizesOrProblem(prefix);
}

/** Index positions that fit beside an offset in one double (2^24: 16 million objects per pack)… */
const POSITION_SLOTS = 2 ** 24;
/** …for offsets below 2^29 (packs up to 512 MiB); larger packs sort the slower way. */
const MAX_PACKED_OFFSET = 2 ** 53 / POSITION_SLOTS;

/** The first index in `sorted` whose value is at least `value`. */
function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
