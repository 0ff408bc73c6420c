import { randomBytes } from 'node:crypto';

/**
 * Object ids interned to dense numbers (0, 1, 2, …), looked up by their 20 raw bytes where they lie —
 * inside a tree object's bytes — so the hottest loop of a history sweep (every entry of every distinct
 * tree) allocates nothing: no hex or latin1 string, no string hashing. An id is read as five 32-bit words
 * through a DataView over the tree (one per tree, not per entry), its first two words are hashed with a
 * key (see `slotHash`), and the table is open addressing with linear probing over one growing arena of
 * words. A JavaScript Map keyed by 20-character strings cost ~1 s of a 5,000-commit sweep here, most of it
 * making and hashing those strings; comparing words instead of bytes took another third off the lookups.
 */
const ID_WORDS = 5;
const EMPTY = -1;

/**
 * The slot hash: an id's first two words mixed with a key drawn for each table. SHA-1 ids are uniform,
 * so a fixed choice of their own bits would spread them as well, but a repository can be crafted so
 * that many ids share those bits (grinding an object's content until its id does: some 2^18 SHA-1
 * computations an object, seconds on a GPU for a hundred thousand), and every lookup would then walk
 * one long run of slots, making a sweep quadratic. The repository cannot know the key, so it cannot aim
 * ids at one slot: two ids that share their first 64 bits (~2^64 tries) are the only sure collision.
 * The mix is multiply-xorshift, as in MurmurHash3's finalizer.
 */
export function slotHash(w0: number, w1: number, key0: number, key1: number): number {
  let h = Math.imul(w0 ^ key0, 0x9e3779b1) ^ Math.imul(w1 ^ key1, 0x85ebca77);
  h ^= h >>> 16;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 13);
}

function randomKey(): number {
  return randomBytes(4).readInt32LE(0);
}

export class OidTable {
  private words = new Int32Array(1024 * ID_WORDS);
  private slots = new Int32Array(2048).fill(EMPTY);
  private mask = 2047;
  private count = 0;

  /** `key`: the slot hash's key; random by default (a fixed one is for tests). */
  constructor(
    private readonly key0 = randomKey(),
    private readonly key1 = randomKey(),
  ) {}

  /** A view to pass to `intern` and `find`: make one per buffer, not one per id. */
  static viewOf(bytes: Uint8Array): DataView {
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get size(): number {
    return this.count;
  }

  /** The number of the id at bytes `offset..offset+20` of `view`, assigning the next one if it is new. */
  intern(view: DataView, offset: number): number {
    const w0 = view.getInt32(offset);
    const w1 = view.getInt32(offset + 4);
    const w2 = view.getInt32(offset + 8);
    const w3 = view.getInt32(offset + 12);
    const w4 = view.getInt32(offset + 16);
    let slot = slotHash(w0, w1, this.key0, this.key1) & this.mask;
    for (;;) {
      const n = this.slots[slot] as number;
      if (n === EMPTY) break;
      const words = this.words;
      const base = n * ID_WORDS;
      if (words[base] === w0 && words[base + 1] === w1 && words[base + 2] === w2)
        if (words[base + 3] === w3 && words[base + 4] === w4) return n;
      slot = (slot + 1) & this.mask;
    }
    const n = this.count++;
    if ((n + 1) * ID_WORDS > this.words.length) {
      const grown = new Int32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    const base = n * ID_WORDS;
    const words = this.words;
    words[base] = w0;
    words[base + 1] = w1;
    words[base + 2] = w2;
    words[base + 3] = w3;
    words[base + 4] = w4;
    this.slots[slot] = n;
    if (this.count * 2 > this.slots.length) this.rehash();
    return n;
  }

  /** The number of the id at bytes `offset..offset+20` of `view`, or undefined if it was never interned. */
  find(view: DataView, offset = 0): number | undefined {
    let slot = slotHash(view.getInt32(offset), view.getInt32(offset + 4), this.key0, this.key1) & this.mask;
    for (;;) {
      const n = this.slots[slot] as number;
      if (n === EMPTY) return undefined;
      const base = n * ID_WORDS;
      let same = true;
      for (let i = 0; i < ID_WORDS && same; i++)
        same = this.words[base + i] === view.getInt32(offset + 4 * i);
      if (same) return n;
      slot = (slot + 1) & this.mask;
    }
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    this.mask = this.slots.length - 1;
    const words = this.words;
    for (let n = 0; n < this.count; n++) {
      const base = n * ID_WORDS;
      let slot = slotHash(words[base] as number, words[base + 1] as number, this.key0, this.key1) & this.mask;
      while (this.slots[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.slots[slot] = n;
    }
  }
}
