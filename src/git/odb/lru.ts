/**
 * A least-recently-used cache bounded by the bytes of the buffers it holds rather than by entry count:
 * delta bases range from a few bytes to many megabytes, and what must stay bounded is memory. Entries
 * are kept in a doubly linked list, least recently used first, with a Map from key to list node: a hit
 * moves its node to the end and eviction takes nodes from the front, each in constant time. (A Map alone,
 * re-inserting on every hit, leaves a deleted slot behind each time, which iterating from the front to
 * evict then walks over: that cost a history sweep ~60 ms.) An entry larger than the whole budget is
 * not cached at all.
 */
interface Node<K, V> {
  readonly key: K;
  value: V;
  older: Node<K, V> | undefined;
  newer: Node<K, V> | undefined;
}

export class ByteLru<K, V extends { readonly data: Buffer }> {
  private readonly nodes = new Map<K, Node<K, V>>();
  private oldest: Node<K, V> | undefined;
  private newest: Node<K, V> | undefined;
  private bytes = 0;

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    const node = this.nodes.get(key);
    if (node === undefined) return undefined;
    this.unlink(node);
    this.append(node);
    return node.value;
  }

  /** Caches `value` unless it is larger than the whole budget. */
  set(key: K, value: V): void {
    const size = value.data.length;
    if (size > this.limit) return;
    const old = this.nodes.get(key);
    if (old !== undefined) this.remove(old);
    const node: Node<K, V> = { key, value, older: undefined, newer: undefined };
    this.nodes.set(key, node);
    this.append(node);
    this.bytes += size;
    while (this.bytes > this.limit && this.oldest !== undefined) this.remove(this.oldest);
  }

  /** Bytes held, for tests. */
  get size(): number {
    return this.bytes;
  }

  clear(): void {
    this.nodes.clear();
    this.oldest = undefined;
    this.newest = undefined;
    this.bytes = 0;
  }

  private remove(node: Node<K, V>): void {
    this.unlink(node);
    this.nodes.delete(node.key);
    this.bytes -= node.value.data.length;
  }

  private unlink(node: Node<K, V>): void {
    if (node.older) node.older.newer = node.newer;
    else this.oldest = node.newer;
    if (node.newer) node.newer.older = node.older;
    else this.newest = node.older;
    node.older = undefined;
    node.newer = undefined;
  }

  private append(node: Node<K, V>): void {
    node.older = this.newest;
    if (this.newest) this.newest.newer = node;
    else this.oldest = node;
    this.newest = node;
  }
}
