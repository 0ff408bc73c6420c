/**
 * A least-recently-used cache bounded by the bytes of the buffers it holds rather than by entry count:
 * delta bases range from a few bytes to many megabytes, and what must stay bounded is memory. A `Map`
 * keeps insertion order, so re-inserting an entry on every hit makes its first key the least recently
 * used one. An entry larger than the whole budget is not cached at all.
 */
export class ByteLru<K, V extends { readonly data: Buffer }> {
  private readonly entries = new Map<K, V>();
  private bytes = 0;

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Caches `value` unless it is larger than the whole budget. */
  set(key: K, value: V): void {
    const size = value.data.length;
    if (size > this.limit) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.bytes -= old.data.length;
    }
    this.entries.set(key, value);
    this.bytes += size;
    if (this.bytes <= this.limit) return;
    for (const [oldest, entry] of this.entries) {
      this.entries.delete(oldest);
      this.bytes -= entry.data.length;
      if (this.bytes <= this.limit) break;
    }
  }

  /** Bytes held, for tests. */
  get size(): number {
    return this.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
