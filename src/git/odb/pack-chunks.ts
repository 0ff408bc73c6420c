import { readAt } from '../../util/read-at';

/**
 * Small reads from a store's packs, served from a direct-mapped cache of aligned 4 KiB chunks of them
 * (4 MiB in all, shared by every pack of the store, allocated on first use).
 *
 * A history sweep reads tens of thousands of small entries (tree deltas average ~80 bytes), one
 * positioned read each; a `readSync` costs ~2 µs here, however few bytes it reads, so on the bench
 * history the main thread spent ~210 ms in 96,000 of them for 7.3 MB. Entries of neighbouring trees sit
 * close together in a pack, and the chunks they share are read once: 11,000 reads of 4 KiB instead (a
 * simulation over that sweep's reads; 1,024 slots of 4 KiB needed fewer reads than 512 slots, or 8 and
 * 16 KiB chunks, for the same or less copying). Git maps its packs into memory for the same reason.
 *
 * Only a range that lies inside one chunk is served (`read` answers undefined otherwise): a larger
 * entry is read directly, as it is one read either way.
 */
export const CHUNK_BYTES = 4096;
const SLOTS = 1024;
/** Packs are numbered by `register`; a slot's tag is `pack * PACK_TAG + chunk`, exact below 2^53. */
const PACK_TAG = 2 ** 36;

export class PackChunks {
  private memory: Buffer | undefined;
  /** The chunk each slot holds (-1: none). */
  private readonly tags = new Float64Array(SLOTS).fill(-1);
  /** How many of its bytes were read (fewer than CHUNK_BYTES for a pack's last chunk). */
  private readonly filled = new Uint16Array(SLOTS);
  private packs = 0;

  /** A number for a pack that will read through this cache. */
  register(): number {
    return this.packs++;
  }

  /**
   * The bytes at [position, position + length) of the pack `pack` open as `fd`, or undefined when the
   * range spans chunks or lies past what could be read (the caller reads it directly, and reports a
   * short read as it would). Valid until the next call.
   */
  read(fd: number, pack: number, position: number, length: number): Buffer | undefined {
    const chunk = Math.floor(position / CHUNK_BYTES);
    const start = position - chunk * CHUNK_BYTES;
    if (length === 0 || start + length > CHUNK_BYTES) return undefined;
    const tag = pack * PACK_TAG + chunk;
    const slot = chunk % SLOTS;
    this.memory ??= Buffer.allocUnsafeSlow(SLOTS * CHUNK_BYTES);
    const at = slot * CHUNK_BYTES;
    if (this.tags[slot] !== tag) {
      this.tags[slot] = -1; // until the read has succeeded
      // (short at the pack's end)
      this.filled[slot] = readAt(fd, this.memory, at, CHUNK_BYTES, chunk * CHUNK_BYTES);
      this.tags[slot] = tag;
    }
    if (start + length > (this.filled[slot] as number)) return undefined;
    return this.memory.subarray(at + start, at + start + length);
  }
}
