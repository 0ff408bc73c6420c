import fs from 'node:fs';
import path from 'node:path';
import { objectDirectories } from './alternates';
import { applyDelta, DeltaProblem, deltaSizesOrProblem } from './delta';
import { CorruptObjectError, Damage } from './errors';
import { LooseObjects } from './loose';
import { ByteLru } from './lru';
import { PackChunks } from './pack-chunks';
import { type Entry, type EntryHeader, PackFile } from './pack-file';
import {
  type GitObject,
  type ObjectType,
  OID_BYTES,
  oidBytes,
  oidHexAt,
  PACK_TYPES,
  TOO_LARGE,
} from './types';

/**
 * A read-only view of a repository's objects — packs, loose objects and alternates — built for bulk reads
 * in full-history sweeps. The packs are listed and their indexes loaded once, at `open`, and their files
 * stay open until `close`, so a read costs a binary search, one positioned read and one inflate per entry
 * of a delta chain, with no per-object `stat` or `readdir`.
 *
 * Delta chains are resolved iteratively — walk down to a whole object (or a cached base), then apply the
 * deltas back up — so no chain is too deep for the stack, and a chain of REF_DELTAs that loops is caught
 * by counting steps (a chain cannot be longer than the number of entries). Every object a chain produces,
 * the one asked for included, goes into an LRU cache bounded by bytes, like git's delta-base cache:
 * neighbouring versions of a file share most of their chain, and a sweep reads them close together. In
 * history order (newest first, when the newest version is the whole object and older ones are deltas
 * against it) and in pack order, caching the object asked for as well halves the inflates; that is also
 * why `allObjectIds` lists ids in pack order. The cache hands out the buffers it holds, uncopied (copying
 * every object made a sweep about half as slow again), so the data of a returned object must not be
 * modified: a later read of it, or of an object whose delta chain passes through it, would see the change.
 *
 * Damage anywhere (a base in another pack, a loose base) surfaces as a `CorruptObjectError` for the object
 * asked for, naming the file where the damage is; a missing object is `undefined`, not an error.
 */

const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

interface Location {
  /** Index into `packs`. */
  readonly pack: number;
  readonly offset: number;
  /** Its position in the pack's index, when it was found there (see PackFile.entry). */
  readonly position?: number;
}

interface PendingDelta {
  readonly data: Buffer;
  readonly location: Location;
}

export class ObjectStore {
  private closed = false;
  /** The pack that answered the last lookup, asked first next time: objects read together are packed together. */
  private lastPack = 0;
  /** No chain is longer than the number of entries; a longer walk is a loop of REF_DELTAs. */
  private readonly maxChain: number;
  /**
   * Cache keys are numbers: a pack's entries get `keyBase[pack] + offset`, the packs' sizes added up, which
   * stays exact below 2^53 bytes of packs and is cheaper to hash than a string.
   */
  private readonly keyBase: number[] = [];
  private readonly key = Buffer.alloc(OID_BYTES);

  private constructor(
    private readonly packs: readonly PackFile[],
    private readonly loose: readonly LooseObjects[],
    private readonly cache: ByteLru<number, GitObject>,
  ) {
    let entries = 1;
    let bytes = 0;
    for (const pack of packs) {
      entries += pack.index.count;
      this.keyBase.push(bytes);
      bytes += pack.fileSize;
    }
    this.maxChain = entries;
  }

  /**
   * gitdir = the .git directory (or a bare repo). Reads objects/pack/*.idx (v2; v1 too) and
   * objects/info/alternates. `cacheBytes`: the delta-base cache's limit; `smallReads: false`: no cache of
   * small pack reads (see pack-chunks.ts), for a reader of blobs, which are rarely small enough to share a
   * chunk.
   */
  static async open(
    gitdir: string,
    options: { cacheBytes?: number; smallReads?: boolean } = {},
  ): Promise<ObjectStore> {
    const objects = path.join(gitdir, 'objects');
    const stat = await fs.promises.stat(objects).catch(() => undefined);
    if (!stat?.isDirectory()) throw new Error(`${gitdir}: not a git directory (it has no objects directory)`);
    await refuseSha256(gitdir);
    const directories = await objectDirectories(objects);
    const chunks = options.smallReads === false ? undefined : new PackChunks();
    const opened = await Promise.allSettled(
      directories.map((dir) => openPacks(dir.path, dir.display, chunks)),
    );
    const packs: PackFile[] = [];
    let failure: unknown;
    for (const dir of opened) {
      if (dir.status === 'rejected') failure ??= dir.reason;
      else
        for (const pack of dir.value) {
          if (pack.status === 'rejected') failure ??= pack.reason;
          else packs.push(pack.value);
        }
    }
    if (failure !== undefined) {
      await Promise.all(packs.map((pack) => pack.close()));
      throw failure;
    }
    const loose = directories.map((dir) => new LooseObjects(dir.path, dir.display));
    return new ObjectStore(packs, loose, new ByteLru(options.cacheBytes ?? DEFAULT_CACHE_BYTES));
  }

  /** undefined when the object is absent; throws CorruptObjectError when present but unreadable. */
  async read(oid: string): Promise<GitObject | undefined> {
    return this.readSync(oid);
  }

  /**
   * `read`, for loops that read many small objects in a row (a history sweep's trees): every read is
   * synchronous underneath (positioned reads on open packs), and a promise per object cost that walk
   * more than its reads.
   */
  readSync(oid: string): GitObject | undefined {
    return this.readUpTo(oid, Number.POSITIVE_INFINITY) as GitObject | undefined; // no object is over an infinite limit
  }

  /**
   * `readSync` of the id at bytes `at..at+20` of `bytes` (an entry of a tree's bytes): the history walk
   * reads every distinct tree by the id its parent holds, and turning each id into a hex string only for
   * this method to turn it back cost both a call into the runtime.
   */
  readSyncAt(bytes: Uint8Array, at: number): GitObject | undefined {
    this.checkOpen();
    const key = this.key;
    for (let i = 0; i < OID_BYTES; i++) key[i] = bytes[at + i] as number;
    try {
      const found = this.findPacked(key);
      if (found !== undefined) return this.unpack(found, Number.POSITIVE_INFINITY) as GitObject;
      return this.readLoose(oidHexAt(bytes, at));
    } catch (error) {
      throw toCorrupt(oidHexAt(bytes, at), error); // (not from `key`: a delta base's lookup reuses it)
    }
  }

  /**
   * `readSync` under a size limit, for scanning a blob: an object over `maxSize` bytes is TOO_LARGE, found
   * out without building it (a pack entry's header gives a whole object's size, a delta's own header the
   * size of what it makes). One read where `info` then `read` read a delta's entry, and inflated it, twice.
   */
  readUpTo(oid: string, maxSize: number): GitObject | undefined | typeof TOO_LARGE {
    const key = this.checkId(oid);
    try {
      const found = this.findPacked(key);
      if (found !== undefined) return this.unpack(found, maxSize);
      const id = oid.toLowerCase();
      if (maxSize < Number.POSITIVE_INFINITY && (this.looseInfo(id)?.size ?? 0) > maxSize) return TOO_LARGE;
      return this.readLoose(id);
    } catch (error) {
      throw toCorrupt(oid.toLowerCase(), error);
    }
  }

  /**
   * Type and inflated size, from the entry header in a pack (for a delta: the result size from the delta's
   * header, the type from the bottom of its chain) or from a loose object's header; blobs are not inflated.
   */
  async info(oid: string): Promise<{ type: ObjectType; size: number } | undefined> {
    const key = this.checkId(oid);
    try {
      const found = this.findPacked(key);
      if (found !== undefined) return this.packedInfo(found);
      return this.looseInfo(oid.toLowerCase());
    } catch (error) {
      throw toCorrupt(oid.toLowerCase(), error);
    }
  }

  has(oid: string): boolean {
    const key = this.checkId(oid);
    if (this.findPosition(key) >= 0) return true;
    const id = oid.toLowerCase();
    return this.loose.some((loose) => loose.has(id));
  }

  /**
   * Every object id in the packs and loose objects, each once: pack by pack in the order of the entries
   * in the pack (bases before their deltas, mostly: the fastest order to read them in), then the loose
   * ones.
   */
  async allObjectIds(): Promise<string[]> {
    this.checkOpen();
    const ids = new Set<string>();
    for (const pack of this.packs) {
      for (const id of pack.idsInPackOrder()) ids.add(id);
    }
    for (const loose of this.loose) for (const id of loose.ids()) ids.add(id);
    return [...ids];
  }

  /** Does now what the first read of each pack would do (a thread that is waiting for work anyway). */
  prepare(): void {
    for (const pack of this.packs) pack.prepare();
  }

  /** Objects in the packs, as their indexes count them (an object in two packs counts twice). */
  get packedObjects(): number {
    return this.packs.reduce((sum, pack) => sum + pack.index.count, 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    await Promise.all(this.packs.map((pack) => pack.close()));
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the object store is closed');
  }

  /**
   * The id as bytes, in `key`: a lookup uses them at once and keeps nothing, and a new buffer for every
   * read was garbage.
   */
  private checkId(oid: string): Buffer {
    this.checkOpen();
    return oidBytes(oid, this.key);
  }

  /** The pack holding `key` and its position in that pack's index (lastPack is the pack), or -1. */
  private findPosition(key: Buffer): number {
    const count = this.packs.length;
    for (let i = 0; i < count; i++) {
      const pack = (this.lastPack + i) % count;
      const position = (this.packs[pack] as PackFile).index.find(key);
      if (position >= 0) {
        this.lastPack = pack;
        return position;
      }
    }
    return -1;
  }

  private findPacked(key: Buffer): Location | undefined {
    const position = this.findPosition(key);
    if (position < 0) return undefined;
    const pack = this.packs[this.lastPack] as PackFile;
    const offset = pack.index.offsetAt(position);
    if (offset === undefined) throw pack.damage('its index entry has an invalid large offset');
    return { pack: this.lastPack, offset, position };
  }

  private readLoose(oid: string): GitObject | undefined {
    for (const loose of this.loose) {
      const object = loose.read(oid);
      if (object !== undefined) return object;
    }
    return undefined;
  }

  private looseInfo(oid: string): { type: ObjectType; size: number } | undefined {
    for (const loose of this.loose) {
      const info = loose.info(oid);
      if (info !== undefined) return info;
    }
    return undefined;
  }

  /** The object at `target`, from the cache or built (and then cached); TOO_LARGE over `maxSize` bytes. */
  private unpack(target: Location, maxSize: number): GitObject | typeof TOO_LARGE {
    const key = this.cacheKey(target);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached.data.length > maxSize ? TOO_LARGE : cached;
    const object = this.build(target, maxSize);
    if (object !== TOO_LARGE) this.cache.set(key, object);
    return object;
  }

  /**
   * Walks down the delta chain to a whole object or a cached base, then applies the deltas back up; or,
   * when the object turns out to be over `maxSize` bytes, stops there (TOO_LARGE).
   */
  private build(target: Location, maxSize: number): GitObject | typeof TOO_LARGE {
    const deltas: PendingDelta[] = [];
    let location = target;
    let base: GitObject | undefined;
    while (base === undefined) {
      if (deltas.length > this.maxChain) throw this.packAt(target).damage('its delta chain loops');
      const pack = this.packAt(location);
      let entry: Entry | undefined;
      try {
        entry = pack.entry(
          location.offset,
          deltas.length === 0 ? maxSize : Number.POSITIVE_INFINITY,
          location.position,
        );
      } catch (error) {
        throw this.inBase(deltas.length, location, error);
      }
      if (entry === undefined) return TOO_LARGE;
      const type = PACK_TYPES[entry.type];
      if (type !== undefined) {
        base = { type, data: entry.data };
        if (deltas.length > 0) this.cache.set(this.cacheKey(location), base);
        break;
      }
      // (a damaged delta header is left for applyDelta to describe)
      if (deltas.length === 0 && maxSize < Number.POSITIVE_INFINITY) {
        const sizes = deltaSizesOrProblem(entry.data);
        if (typeof sizes !== 'string' && sizes.resultSize > maxSize) return TOO_LARGE;
      }
      deltas.push({ data: entry.data, location });
      const next = this.baseOf(location, entry);
      if (!('pack' in next)) {
        base = next;
        break;
      }
      location = next;
      base = this.cache.get(this.cacheKey(location));
    }
    for (let i = deltas.length - 1; i >= 0; i--) {
      const delta = deltas[i] as PendingDelta;
      let data: Buffer;
      try {
        data = applyDelta(base.data, delta.data);
      } catch (error) {
        if (!(error instanceof DeltaProblem)) throw error;
        const pack = this.packAt(delta.location);
        throw this.inBase(
          i,
          delta.location,
          pack.damage(`entry at offset ${delta.location.offset}: ${error.message}`),
        );
      }
      base = { type: base.type, data };
      if (i > 0) this.cache.set(this.cacheKey(delta.location), base);
      // Remembered for `info`, which otherwise walks the chain's headers to find the type.
      this.packAt(delta.location).rememberType(delta.location.offset, base.type, delta.location.position);
    }
    return base;
  }

  /** Where the base of a delta entry is, or the base itself when it is a loose object. */
  private baseOf(location: Location, entry: EntryHeader): Location | GitObject {
    if (entry.baseOffset !== undefined) return { pack: location.pack, offset: entry.baseOffset };
    const baseOid = entry.baseOid as string;
    return (
      this.aboutBase(
        baseOid,
        () => this.findPacked(Buffer.from(baseOid, 'hex')) ?? this.readLoose(baseOid),
      ) ?? this.missingBase(location, baseOid)
    );
  }

  /** Runs `find` for the delta base `oid`, saying so in any damage it reports. */
  private aboutBase<T>(oid: string, find: () => T): T {
    try {
      return find();
    } catch (error) {
      if (!(error instanceof Damage)) throw error;
      throw new Damage(error.file, `its delta base ${oid}: ${error.problem}`, error.cause);
    }
  }

  private missingBase(location: Location, oid: string): never {
    throw this.packAt(location).damage(
      `entry at offset ${location.offset}: its delta base ${oid} is missing`,
    );
  }

  private packedInfo(target: Location): { type: ObjectType; size: number } {
    const header = this.packAt(target).header(target.offset, true);
    const size = header.resultSize ?? header.size;
    // The type is the chain's last object's: walk the headers down to a whole object or a known type,
    // and remember it for every entry passed, so that the next walk down this chain stops early.
    const walked: Location[] = [];
    let location = target;
    let entry: EntryHeader = header;
    for (;;) {
      const type = PACK_TYPES[entry.type] ?? this.packAt(location).knownType(location.offset);
      if (type !== undefined) return this.remember(walked, type, size);
      walked.push(location);
      if (walked.length > this.maxChain) throw this.packAt(target).damage('its delta chain loops');
      if (entry.baseOffset !== undefined) {
        location = { pack: location.pack, offset: entry.baseOffset };
      } else {
        const baseOid = entry.baseOid as string;
        const base = this.aboutBase(
          baseOid,
          () => this.findPacked(Buffer.from(baseOid, 'hex')) ?? this.looseInfo(baseOid),
        );
        if (base === undefined) this.missingBase(location, baseOid);
        if (!('pack' in base)) return this.remember(walked, base.type, size);
        location = base;
      }
      try {
        entry = this.packAt(location).header(location.offset, false);
      } catch (error) {
        throw this.inBase(walked.length, location, error);
      }
    }
  }

  private remember(walked: Location[], type: ObjectType, size: number): { type: ObjectType; size: number } {
    for (const location of walked) this.packAt(location).rememberType(location.offset, type);
    return { type, size };
  }

  /** `error`, saying which delta base it is about when it is about one (`depth` > 0). */
  private inBase(depth: number, location: Location, error: unknown): unknown {
    if (depth === 0 || !(error instanceof Damage)) return error;
    const oid = this.packAt(location).oidAt(location.offset);
    const base = oid === undefined ? `its delta base at offset ${location.offset}` : `its delta base ${oid}`;
    return new Damage(error.file, `${base}: ${error.problem}`, error.cause);
  }

  private packAt(location: Location): PackFile {
    return this.packs[location.pack] as PackFile;
  }

  private cacheKey(location: Location): number {
    return (this.keyBase[location.pack] as number) + location.offset;
  }
}

/** Opens every pack in `objects/pack` with both its `.pack` and its `.idx`, as git does. */
async function openPacks(
  objects: string,
  display: string,
  chunks: PackChunks | undefined,
): Promise<PromiseSettledResult<PackFile>[]> {
  const dir = path.join(objects, 'pack');
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const present = new Set(names);
  const bases = names
    .filter((name) => name.endsWith('.idx') && present.has(`${name.slice(0, -4)}.pack`))
    .map((name) => name.slice(0, -4))
    .sort();
  return Promise.allSettled(
    bases.map((base) =>
      PackFile.open(
        path.join(dir, `${base}.pack`),
        path.join(dir, `${base}.idx`),
        `${display}/pack/${base}.pack`,
        chunks,
      ),
    ),
  );
}

function toCorrupt(oid: string, error: unknown): unknown {
  return error instanceof Damage
    ? new CorruptObjectError(oid, error.file, error.problem, { cause: error.cause })
    : error;
}

/** SHA-256 repositories use 32-byte ids throughout, which this store does not read. */
async function refuseSha256(gitdir: string): Promise<void> {
  const config = await fs.promises.readFile(path.join(gitdir, 'config'), 'utf8').catch(() => '');
  if (/^\s*objectformat\s*=\s*"?sha256"?\s*$/im.test(config))
    throw new Error(`${gitdir}: SHA-256 repositories are not supported (extensions.objectFormat = sha256)`);
}
