/**
 * Object ids interned to dense numbers (0, 1, 2, …), looked up by their 20 raw bytes where they lie —
 * inside a tree object's bytes — so the hottest loop of a history sweep (every entry of every distinct
 * tree) allocates nothing: no hex or latin1 string, no string hashing. The ids' own first bytes serve as
 * the hash (SHA-1 output is uniform), in an open-addressing table with linear probing; the ids are kept
 * in one growing byte arena. A JavaScript Map keyed by 20-character strings cost ~1 s of a 5,000-commit
 * sweep here, most of it making and hashing those strings.
 */
const ID_BYTES = 20;
const EMPTY = -1;

export class OidTable {
  private ids = new Uint8Array(1024 * ID_BYTES);
  private slots = new Int32Array(2048).fill(EMPTY);
  private mask = 2047;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The number of the id at `bytes[offset..offset+20]`, assigning the next one if it is new. */
  intern(bytes: Uint8Array, offset: number): number {
    let slot = this.hash(bytes, offset) & this.mask;
    for (;;) {
      const n = this.slots[slot] as number;
      if (n === EMPTY) break;
      if (this.equals(n, bytes, offset)) return n;
      slot = (slot + 1) & this.mask;
    }
    const n = this.count++;
    if (n * ID_BYTES + ID_BYTES > this.ids.length) {
      const grown = new Uint8Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids.set(bytes.subarray(offset, offset + ID_BYTES), n * ID_BYTES);
    this.slots[slot] = n;
    if (this.count * 2 > this.slots.length) this.rehash();
    return n;
  }

  /** The number of the id at `bytes[offset..]`, or undefined if it was never interned. */
  find(bytes: Uint8Array, offset = 0): number | undefined {
    let slot = this.hash(bytes, offset) & this.mask;
    for (;;) {
      const n = this.slots[slot] as number;
      if (n === EMPTY) return undefined;
      if (this.equals(n, bytes, offset)) return n;
      slot = (slot + 1) & this.mask;
    }
  }

  private hash(bytes: Uint8Array, offset: number): number {
    return (
      ((bytes[offset] as number) << 24) |
      ((bytes[offset + 1] as number) << 16) |
      ((bytes[offset + 2] as number) << 8) |
      (bytes[offset + 3] as number)
    );
  }

  private equals(n: number, bytes: Uint8Array, offset: number): boolean {
    const base = n * ID_BYTES;
    for (let i = 0; i < ID_BYTES; i++) if (this.ids[base + i] !== bytes[offset + i]) return false;
    return true;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    this.mask = this.slots.length - 1;
    for (let n = 0; n < this.count; n++) {
      let slot = this.hash(this.ids, n * ID_BYTES) & this.mask;
      while (this.slots[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.slots[slot] = n;
    }
  }
}
