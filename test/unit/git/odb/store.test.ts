import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { type GitObject, ObjectStore, TOO_LARGE } from '../../../../src/git/odb';
import * as inflateModule from '../../../../src/git/odb/inflate';
import { CHUNK_BYTES } from '../../../../src/git/odb/pack-chunks';
import { PackIndex } from '../../../../src/git/odb/pack-index';
import { historyRepo, Repo, random, refDeltaRepo } from './fixture';

const OFS_DELTA = 6;
const REF_DELTA = 7;
const ABSENT = '0123456789abcdef0123456789abcdef01234567';

/** Checks every object against `git cat-file --batch-check` (type, size) and isomorphic-git (bytes). */
async function expectSameAsGit(repo: Repo, store: ObjectStore): Promise<number> {
  const cache = {};
  const objects = repo.objects();
  for (const { oid, type, size } of objects) {
    const object = await store.read(oid);
    const expected = await git.readObject({ fs, gitdir: repo.gitdir, oid, format: 'content', cache });
    expect({ oid, type: object?.type, size: object?.data.length }).toEqual({ oid, type, size });
    expect({ oid, equal: object?.data.equals(expected.object as Uint8Array) }).toEqual({ oid, equal: true });
    expect({ oid, info: await store.info(oid) }).toEqual({ oid, info: { type, size } });
    expect(store.has(oid)).toBe(true);
  }
  return objects.length;
}

/** The store reads `oid` as `expected` (git's own type and bytes; Buffer#equals, jest's toEqual is slow on MBs). */
async function expectObject(store: ObjectStore, oid: string, expected: { type: string; data: Buffer }) {
  const object = await store.read(oid);
  expect({ oid, type: object?.type, same: object?.data.equals(expected.data) }).toEqual({
    oid,
    type: expected.type,
    same: true,
  });
}

/** Whether two stores give the same object (compared with Buffer#equals: jest's toEqual is slow on MBs). */
async function sameData(a: ObjectStore, b: ObjectStore, oid: string): Promise<boolean> {
  const [x, y] = [await a.read(oid), await b.read(oid)];
  return x !== undefined && y !== undefined && x.type === y.type && x.data.equals(y.data);
}

describe('ObjectStore on a repository packed with OFS_DELTA, with loose objects', () => {
  let repo: Repo;
  let store: ObjectStore;

  beforeAll(async () => {
    repo = historyRepo();
    store = await ObjectStore.open(repo.gitdir);
  });

  afterAll(async () => {
    await store.close();
    repo.remove();
  });

  it('has the shapes under test', () => {
    const types = [...repo.packEntryTypes().values()];
    expect(types).toContain(OFS_DELTA);
    expect(types).not.toContain(REF_DELTA);
    const chains = repo.git('verify-pack', '-v', ...repo.packFiles('.idx'));
    expect(
      Math.max(...[...chains.matchAll(/chain length = (\d+)/g)].map((m) => Number(m[1]))),
    ).toBeGreaterThan(10);
    expect(repo.git('count-objects', '-v')).toMatch(/^count: [1-9]/m);
    const objects = repo.objects();
    expect(objects.map((object) => object.type).sort()).toEqual(
      expect.arrayContaining(['blob', 'commit', 'tag', 'tree']),
    );
    expect(objects.some((object) => object.type === 'blob' && object.size === 0)).toBe(true);
    expect(objects.some((object) => object.size > 2_000_000)).toBe(true);
  });

  it('reads every object exactly as git does', async () => {
    expect(await expectSameAsGit(repo, store)).toBeGreaterThan(100);
  });

  it('reads every object again with a delta-base cache too small to hold anything', async () => {
    const small = await ObjectStore.open(repo.gitdir, { cacheBytes: 1 });
    try {
      for (const { oid } of repo.objects()) expect(await sameData(small, store, oid)).toBe(true);
    } finally {
      await small.close();
    }
  });

  it('reads small entries through a shared chunk cache: the same objects in fewer reads', async () => {
    const reads = async (smallReads: boolean) => {
      const reader = await ObjectStore.open(repo.gitdir, { cacheBytes: 1, smallReads });
      const readSync = jest.spyOn(fs, 'readSync');
      try {
        for (const { oid } of repo.objects()) expect(await sameData(reader, store, oid)).toBe(true);
        return readSync.mock.calls.length;
      } finally {
        readSync.mockRestore();
        await reader.close();
      }
    };
    const [direct, chunked] = [await reads(false), await reads(true)];
    expect(chunked).toBeLessThan(direct / 2);
  });

  it('reads its first entries, deltas and bases too, without sorting the offsets, then sorts once', async () => {
    // `git verify-pack -v`: "<oid> <type> <size> <size in pack> <offset> [<depth> <base>]"
    const entries = repo
      .git('verify-pack', '-v', ...repo.packFiles('.idx'))
      .split('\n')
      .map((line) => line.split(' ').filter((field) => field !== ''))
      .filter((fields) => /^[0-9a-f]{40}$/.test(fields[0] ?? ''));
    const wholes = entries.filter((fields) => fields.length === 5).map((fields) => fields[0] as string);
    // deltas whose chains are short enough for the bases to be looked up by offset (a few at most)
    const deltas = entries
      .filter((fields) => fields[5] === '1' || fields[5] === '2')
      .map((f) => f[0] as string);
    expect(deltas.length).toBeGreaterThan(3);
    const few = [...wholes.slice(0, 5), ...deltas.slice(0, 3)];
    const expected = new Map<string, Buffer | undefined>();
    for (const { oid } of repo.objects()) expected.set(oid, (await store.read(oid))?.data);
    const same = async (reader: ObjectStore, oid: string) =>
      (await reader.read(oid))?.data.equals(expected.get(oid) as Buffer);
    const sorted = jest.spyOn(PackIndex.prototype, 'offsetKeys');
    const fresh = await ObjectStore.open(repo.gitdir);
    try {
      // a few reads, as `staged` or a `--cache` replay makes: the deltas' bases are found by offset
      for (const oid of few) expect(await same(fresh, oid)).toBe(true);
      expect(sorted).not.toHaveBeenCalled();
      // a sweep reads on: the offsets are sorted once, and every object still reads as git's
      for (const oid of expected.keys()) expect(await same(fresh, oid)).toBe(true);
      expect(sorted).toHaveBeenCalledTimes(1);
    } finally {
      sorted.mockRestore();
      await fresh.close();
    }
  });

  it("sorts a pack's entries by offset from keys read straight from its index", () => {
    const [idx] = repo.packFiles('.idx');
    const index = PackIndex.parse(fs.readFileSync(idx as string), 'test.idx');
    const slots = 2 ** 24;
    const keys = index.offsetKeys(slots, 2 ** 29) as Float64Array;
    const byOid = new Map(repo.indexEntries(idx as string).map((entry) => [entry.oid, entry.offset]));
    expect(keys).toHaveLength(byOid.size);
    keys.forEach((key, position) => {
      expect(key % slots).toBe(position);
      expect((key - position) / slots).toBe(byOid.get(index.oidAt(position)));
    });
    // an offset at or over the limit: the caller sorts the slower way
    expect(index.offsetKeys(slots, Math.max(...byOid.values()))).toBeUndefined();
  });

  it('lists every object id once', async () => {
    const ids = await store.allObjectIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(repo.objects().map((object) => object.oid));
    // the loose objects are not counted
    expect(store.packedObjects).toBe(repo.packEntryTypes().size);
    expect(store.packedObjects).toBeLessThan(ids.length);
  });

  it('answers absent objects with undefined and false', async () => {
    await expect(store.read(ABSENT)).resolves.toBeUndefined();
    await expect(store.info(ABSENT)).resolves.toBeUndefined();
    expect(store.has(ABSENT)).toBe(false);
  });

  it('accepts upper-case ids and rejects anything that is not a SHA-1 id', async () => {
    const [first] = repo.objects();
    expect((await store.read((first?.oid ?? '').toUpperCase()))?.type).toBe(first?.type);
    for (const bad of ['', 'abc', `${ABSENT}0`, ABSENT.replace('a', 'g'), `${ABSENT.slice(0, 38)}zz`]) {
      await expect(store.read(bad)).rejects.toThrow(TypeError);
      await expect(store.info(bad)).rejects.toThrow(TypeError);
      expect(() => store.has(bad)).toThrow(TypeError);
    }
  });

  it('finds type and size without inflating whole objects', async () => {
    const fresh = await ObjectStore.open(repo.gitdir);
    const whole = jest.spyOn(inflateModule, 'inflateExact');
    const prefix = jest.spyOn(inflateModule, 'inflatePrefix');
    try {
      for (const { oid, type, size } of repo.objects()) expect(await fresh.info(oid)).toEqual({ type, size });
      const outputs = [
        ...whole.mock.results.map((result) => (result.value as { data?: Buffer }).data),
        ...prefix.mock.results.map((result) => result.value as Buffer | undefined),
      ].map((data) => data?.length ?? 0);
      expect(outputs.length).toBeGreaterThan(20); // the deltas' sizes
      expect(Math.max(...outputs)).toBeLessThan(64 * 1024);
    } finally {
      whole.mockRestore();
      prefix.mockRestore();
      await fresh.close();
    }
  });

  it('reads each object up to a size limit: whole, delta, cached or loose, just over it is too large', async () => {
    const fresh = await ObjectStore.open(repo.gitdir, { cacheBytes: 0 });
    const kinds = repo.packEntryTypes();
    try {
      const objects = repo.objects();
      expect(objects.some(({ oid }) => kinds.get(oid) === OFS_DELTA)).toBe(true);
      expect(objects.some(({ oid }) => !kinds.has(oid))).toBe(true); // loose
      for (const reader of [fresh, store]) {
        for (const { oid, size } of objects) {
          const read = reader.readUpTo(oid, size);
          expect({ oid, size: read === TOO_LARGE ? 'too large' : read?.data.length }).toEqual({ oid, size });
          if (size > 0)
            expect({ oid, read: reader.readUpTo(oid, size - 1) }).toEqual({ oid, read: TOO_LARGE });
        }
      }
      expect(fresh.readUpTo(ABSENT, 1000)).toBeUndefined();
    } finally {
      await fresh.close();
    }
  });

  it('finds an entry too large from its header, without reading it whole', async () => {
    const large = new Repo();
    try {
      const next = random(7);
      large.commit('random', {
        'blob.bin': Buffer.from(Array.from({ length: 1_500_000 }, () => next() * 256)),
      });
      large.git('repack', '-a', '-d', '-q');
      const oid = large.git('rev-parse', 'HEAD:blob.bin').trim();
      const reader = await ObjectStore.open(large.gitdir);
      const readSync = jest.spyOn(fs, 'readSync');
      try {
        expect(reader.readUpTo(oid, 1_499_999)).toBe(TOO_LARGE);
        const bytes = readSync.mock.results.reduce((sum, result) => sum + (result.value as number), 0);
        expect(bytes).toBeLessThanOrEqual(CHUNK_BYTES); // its header, or the chunk it lies in
        expect((reader.readUpTo(oid, 1_500_000) as GitObject).data.length).toBe(1_500_000);
      } finally {
        readSync.mockRestore();
        await reader.close();
      }
    } finally {
      large.remove();
    }
  });

  it('reads a bare clone', async () => {
    const bare = new Repo({ bare: true });
    try {
      bare.git('fetch', '-q', repo.gitdir, 'refs/heads/main:refs/heads/main');
      const bareStore = await ObjectStore.open(bare.root);
      try {
        const head = bare.git('rev-parse', 'main');
        expect(await sameData(bareStore, store, head)).toBe(true);
        expect(await bareStore.allObjectIds()).toHaveLength(bare.objects().length);
      } finally {
        await bareStore.close();
      }
    } finally {
      bare.remove();
    }
  });

  it('reads objects through objects/info/alternates', async () => {
    const shared = new Repo();
    try {
      shared.git('clone', '-q', '--shared', '--no-checkout', repo.gitdir, 'clone');
      const clone = path.join(shared.root, 'clone');
      expect(fs.readFileSync(path.join(clone, '.git/objects/info/alternates'), 'utf8')).toContain(
        repo.gitdir,
      );
      const own = shared.gitBuffer(['-C', clone, 'hash-object', '-w', '--stdin'], 'only in the clone\n');
      const cloneStore = await ObjectStore.open(path.join(clone, '.git'));
      try {
        expect((await cloneStore.read(own.toString().trim()))?.data.toString()).toBe('only in the clone\n');
        const head = repo.git('rev-parse', 'HEAD');
        expect(await sameData(cloneStore, store, head)).toBe(true);
        expect(await cloneStore.allObjectIds()).toHaveLength(repo.objects().length + 1);
      } finally {
        await cloneStore.close();
      }
    } finally {
      shared.remove();
    }
  });

  it('reads a version 1 pack index', async () => {
    const v1 = new Repo({ bare: true });
    try {
      const [pack = ''] = repo.packFiles('.pack');
      const target = path.join(v1.root, 'objects/pack', path.basename(pack));
      fs.copyFileSync(pack, target);
      v1.git('index-pack', '--index-version=1', '-o', target.replace(/\.pack$/, '.idx'), target);
      const v1Store = await ObjectStore.open(v1.root);
      try {
        const packed = v1.objects();
        expect(packed.length).toBeGreaterThan(100);
        for (const { oid } of packed) expect(await sameData(v1Store, store, oid)).toBe(true);
      } finally {
        await v1Store.close();
      }
    } finally {
      v1.remove();
    }
  });

  it('refuses to work once closed', async () => {
    const closing = await ObjectStore.open(repo.gitdir);
    await closing.close();
    await closing.close();
    await expect(closing.read(ABSENT)).rejects.toThrow('the object store is closed');
    expect(() => closing.has(ABSENT)).toThrow('the object store is closed');
  });
});

describe('ObjectStore with the reverse index git writes beside a pack (.rev)', () => {
  let repo: Repo;
  let rev: string;
  let good: Buffer;
  let contents: Map<string, { type: string; data: Buffer }>;

  beforeAll(() => {
    repo = historyRepo();
    contents = repo.contents();
    const [pack] = repo.packFiles('.pack');
    const scratch = path.join(repo.root, 'scratch.idx');
    // --rev-index writes scratch.rev: the reverse index git >= 2.41 writes beside every pack it makes
    repo.git('index-pack', '--rev-index', '-o', scratch, pack as string);
    rev = (pack as string).replace(/\.pack$/, '.rev');
    good = fs.readFileSync(scratch.replace(/\.idx$/, '.rev'));
    expect(good.toString('latin1', 0, 4)).toBe('RIDX');
  });

  afterAll(() => repo.remove());

  /** Reads every object through a new store; returns whether the offsets were sorted rather than read. */
  async function readAll(): Promise<boolean> {
    const sorted = jest.spyOn(PackIndex.prototype, 'offsetKeys');
    const store = await ObjectStore.open(repo.gitdir);
    try {
      for (const [oid, expected] of contents) await expectObject(store, oid, expected);
      return sorted.mock.calls.length > 0;
    } finally {
      sorted.mockRestore();
      await store.close();
    }
  }

  it('takes the pack order from a valid one instead of sorting', async () => {
    fs.writeFileSync(rev, good);
    expect(await readAll()).toBe(false);
  });

  it('sorts instead when it does not fit the pack or is damaged, and reads every object the same', async () => {
    const position = (rank: number) => 12 + 4 * rank; // after "RIDX", the version and the hash id
    const swapped = Buffer.from(good);
    swapped.writeUInt32BE(good.readUInt32BE(position(1)), position(0));
    swapped.writeUInt32BE(good.readUInt32BE(position(0)), position(1));
    const outOfRange = Buffer.from(good);
    outOfRange.writeUInt32BE(0xffffff, position(3));
    const otherPack = Buffer.from(good);
    otherPack[good.length - 40] = (otherPack[good.length - 40] as number) ^ 1;
    const cases = {
      swapped,
      outOfRange,
      otherPack,
      truncated: good.subarray(0, good.length - 1),
      version: Buffer.concat([good.subarray(0, 7), Buffer.from([2]), good.subarray(8)]),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      fs.writeFileSync(rev, bytes);
      expect({ name, sorted: await readAll() }).toEqual({ name, sorted: true });
    }
    fs.rmSync(rev);
    expect(await readAll()).toBe(true);
  });
});

describe('ObjectStore on a repository packed with REF_DELTA', () => {
  let repo: Repo;
  let store: ObjectStore;

  beforeAll(async () => {
    repo = refDeltaRepo(historyRepo());
    store = await ObjectStore.open(repo.gitdir);
  });

  afterAll(async () => {
    await store.close();
    repo.remove();
  });

  it('reads every object exactly as git does', async () => {
    const types = [...repo.packEntryTypes().values()];
    expect(types).toContain(REF_DELTA);
    expect(types).not.toContain(OFS_DELTA);
    // Against git itself this time (isomorphic-git, with its pure-JS inflate, takes a second per repo).
    const contents = repo.contents();
    expect(contents.size).toBeGreaterThan(100);
    for (const [oid, { type, data }] of contents) {
      await expectObject(store, oid, { type, data });
      expect({ oid, info: await store.info(oid) }).toEqual({ oid, info: { type, size: data.length } });
      if (data.length > 0)
        expect({ oid, read: store.readUpTo(oid, data.length - 1) }).toEqual({ oid, read: TOO_LARGE });
    }
  });
});

describe('ObjectStore.open', () => {
  it('refuses a directory that is not a git directory', async () => {
    const plain = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'keysweep-odb-'));
    try {
      await expect(ObjectStore.open(plain)).rejects.toThrow(`${plain}: not a git directory`);
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
  });

  it('refuses SHA-256 repositories with a clear message', async () => {
    const repo = new Repo();
    try {
      fs.rmSync(repo.path('.git'), { recursive: true });
      repo.git('init', '-q', '--object-format=sha256');
      await expect(ObjectStore.open(repo.gitdir)).rejects.toThrow('SHA-256 repositories are not supported');
    } finally {
      repo.remove();
    }
  });
});
