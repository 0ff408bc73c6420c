import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { CorruptObjectError, ObjectStore } from '../../../../src/git/odb';
import { historyRepo, type Repo, refDeltaRepo, writeIndex } from './fixture';

/**
 * Damage to what git wrote: each test damages a copy of one repository and checks that reading gives the
 * documented error — a CorruptObjectError naming the object and the damaged file, or for a bad index an
 * Error naming the index when the store is opened — and never a RangeError, a hang or wrong data.
 */

/** What zlib makes of a flipped byte: an error, or (before it notices) more or less output than due. */
const ZLIB_PROBLEM = '(invalid zlib data \\(|zlib data ends early|inflates to )';

interface Outcome {
  readonly same: string[];
  readonly corrupt: CorruptObjectError[];
}

/** Reads every object; each must come back as git has it or throw a CorruptObjectError about itself. */
async function readEverything(
  store: ObjectStore,
  contents: Map<string, { type: string; data: Buffer }>,
): Promise<Outcome> {
  const outcome: Outcome = { same: [], corrupt: [] };
  for (const [oid, expected] of contents) {
    try {
      const object = await store.read(oid);
      expect({ oid, type: object?.type, same: object?.data.equals(expected.data) }).toEqual({
        oid,
        type: expected.type,
        same: true,
      });
      outcome.same.push(oid);
    } catch (error) {
      expect(error).toBeInstanceOf(CorruptObjectError);
      expect((error as CorruptObjectError).oid).toBe(oid);
      outcome.corrupt.push(error as CorruptObjectError);
    }
  }
  return outcome;
}

describe('ObjectStore on damaged repositories', () => {
  let pristine: Repo;
  let contents: Map<string, { type: string; data: Buffer }>;
  let repo: Repo;
  let store: ObjectStore | undefined;

  beforeAll(() => {
    pristine = historyRepo();
    contents = pristine.contents();
  });

  beforeEach(() => {
    repo = pristine.copy();
  });

  afterEach(async () => {
    await store?.close();
    store = undefined;
    repo.remove();
  });

  afterAll(() => pristine.remove());

  const open = async () => {
    store = await ObjectStore.open(repo.gitdir);
    return store;
  };

  /** The pack, its name as messages show it, and its entries with the offset where each ends. */
  const packInfo = () => {
    const [idx = ''] = repo.packFiles('.idx');
    const pack = idx.replace(/\.idx$/, '.pack');
    const size = fs.statSync(pack).size;
    const entries = repo.indexEntries(idx).sort((a, b) => a.offset - b.offset);
    const spans = entries.map((entry, i) => ({ ...entry, end: entries[i + 1]?.offset ?? size - 20 }));
    return { idx, pack, name: `objects/pack/${path.basename(pack)}`, spans };
  };

  /** Bases of deltas, from `git verify-pack -v` (columns: id type size packed offset depth base). */
  const deltaBases = () =>
    new Map(
      repo
        .git('verify-pack', '-v', packInfo().idx)
        .split('\n')
        .map((line) => line.split(/\s+/))
        .filter((columns) => columns.length === 7)
        .map((columns) => [columns[0] as string, columns[6] as string]),
    );

  const flip = (file: string, at: number, mask = 0xff) => {
    const bytes = fs.readFileSync(file);
    bytes[at] = (bytes[at] as number) ^ mask;
    fs.writeFileSync(file, bytes);
  };

  it('reports bad zlib data in a pack, for the object and for the deltas built on it', async () => {
    const { pack, name, spans } = packInfo();
    const bases = deltaBases();
    // The largest whole object that is some delta's base.
    const damaged = spans
      .filter((span) => !bases.has(span.oid) && [...bases.values()].includes(span.oid))
      .sort((a, b) => b.end - b.offset - (a.end - a.offset))[0];
    if (!damaged) throw new Error('no base object in the pack');
    flip(pack, damaged.offset + Math.floor((damaged.end - damaged.offset) / 2));
    await open();
    const { same, corrupt } = await readEverything(store as ObjectStore, contents);
    expect(same.length).toBeGreaterThan(contents.size / 2);
    const own = corrupt.find((error) => error.oid === damaged.oid);
    expect(own?.message).toMatch(
      new RegExp(`^object ${damaged.oid} in ${name}: entry at offset ${damaged.offset}: ${ZLIB_PROBLEM}`),
    );
    const child = [...bases].find(([, base]) => base === damaged.oid)?.[0];
    const childError = corrupt.find((error) => error.oid === child);
    expect(childError?.message).toMatch(
      new RegExp(
        `^object ${child} in ${name}: (its delta base [0-9a-f]{40}: )+entry at offset ${damaged.offset}: ${ZLIB_PROBLEM}`,
      ),
    );
    // Messages never quote contents.
    const sample = (contents.get(damaged.oid)?.data ?? Buffer.alloc(0)).toString('latin1', 0, 12);
    for (const error of corrupt) expect(error.message).not.toContain(sample);
  });

  it('catches a changed entry type with the CRC-32 from the index', async () => {
    const { pack, name, spans } = packInfo();
    const bases = deltaBases();
    const blob = spans.find((span) => contents.get(span.oid)?.type === 'blob' && !bases.has(span.oid));
    if (!blob) throw new Error('no whole blob in the pack');
    flip(pack, blob.offset, 0x10); // type 3 (blob) becomes 2 (tree); zlib data and size are unchanged
    await open();
    await expect(store?.read(blob.oid)).rejects.toThrow(
      `object ${blob.oid} in ${name}: entry at offset ${blob.offset} does not match the CRC-32 its index records`,
    );
  });

  it.each([0.6, 0.2])('reports the objects a pack truncated to %s of its size has lost', async (fraction) => {
    const { pack, name } = packInfo();
    fs.truncateSync(pack, Math.floor(fs.statSync(pack).size * fraction));
    await open();
    const { same, corrupt } = await readEverything(store as ObjectStore, contents);
    expect(same.length).toBeGreaterThan(0); // the loose objects and the entries before the cut
    expect(corrupt.length).toBeGreaterThan(0);
    for (const error of corrupt) {
      expect(error.message).toMatch(new RegExp(`^object ${error.oid} in ${name}: `));
      expect(error.message).toContain(
        '(the pack does not end with the checksum its index records: truncated or replaced?)',
      );
    }
    expect(
      corrupt.some((error) => /truncated\?\)/.test(error.message.replace(/ \(the pack does not.*$/, ''))),
    ).toBe(true);
    expect(await store?.allObjectIds()).toHaveLength(contents.size);
  });

  it('reports every packed object of a pack cut to a few bytes', async () => {
    const { pack, name } = packInfo();
    fs.truncateSync(pack, 10);
    await open();
    const { corrupt } = await readEverything(store as ObjectStore, contents);
    expect(corrupt.length).toBe(packInfo().spans.length);
    expect(corrupt[0]?.message).toMatch(
      new RegExp(`in ${name}: pack file is 10 bytes, too short to be a pack`),
    );
  });

  it.each([
    [
      'a wrong signature',
      (idx: Buffer) => idx.fill(0, 0, 4),
      /no version 2 signature, and as a version 1 index: /,
    ],
    ['an unknown version', (idx: Buffer) => idx.writeUInt32BE(3, 4), /unsupported version 3/],
    [
      'a fanout that is not sorted',
      (idx: Buffer) => idx.writeUInt32BE(0xffffff, 8 + 4 * 100),
      /fanout table is not sorted/,
    ],
    [
      'more objects than it holds',
      (idx: Buffer) => idx.writeUInt32BE(idx.readUInt32BE(8 + 4 * 255) + 1, 8 + 4 * 255),
      /shorter than the \d+ its \d+ objects need/,
    ],
  ])('refuses to open a pack index with %s', async (_, damage, problem) => {
    const { idx } = packInfo();
    const bytes = fs.readFileSync(idx);
    damage(bytes);
    fs.writeFileSync(idx, bytes);
    await expect(ObjectStore.open(repo.gitdir)).rejects.toThrow(
      `objects/pack/${path.basename(idx)}: bad pack index: `,
    );
    await expect(ObjectStore.open(repo.gitdir)).rejects.toThrow(problem);
  });

  it.each([0, 100, 2000])('refuses to open a pack index truncated to %s bytes', async (length) => {
    const { idx } = packInfo();
    fs.truncateSync(idx, length);
    await expect(ObjectStore.open(repo.gitdir)).rejects.toThrow(
      new RegExp(
        `objects/pack/${path.basename(idx)}: bad pack index: file is ${length} bytes, (too short|shorter)`,
      ),
    );
  });

  describe('a loose object', () => {
    const looseFile = () => {
      const oid = repo.git('rev-parse', 'HEAD'); // the last commit was written after the repack
      return { oid, file: path.join(repo.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)) };
    };

    it.each([
      ['that is not zlib data', () => Buffer.from('not zlib at all'), /invalid zlib data/, true],
      ['with a bad header', () => zlib.deflateSync('commit x\0tree'), /bad loose object header/, true],
      ['with an unknown type', () => zlib.deflateSync('secret 4\0tree'), /bad loose object header/, true],
      ['without a header', () => zlib.deflateSync('tree'), /loose object header is cut short/, true],
      [
        'longer than its header says',
        () => zlib.deflateSync('commit 2\0tree'),
        /inflates to more than the 2 bytes its header says/,
        false,
      ],
      [
        'shorter than its header says',
        () => zlib.deflateSync('commit 20\0tree'),
        /inflates to 4 bytes, but its header says 20/,
        false,
      ],
      [
        'cut short',
        () => zlib.deflateSync(`commit 900\0${'x'.repeat(900)}`).subarray(0, 20),
        /zlib data ends early/,
        false,
      ],
    ])('reports a loose object %s', async (_, content, problem, infoFails) => {
      const { oid, file } = looseFile();
      fs.chmodSync(file, 0o644);
      fs.writeFileSync(file, content());
      await open();
      const error = await store?.read(oid).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CorruptObjectError);
      expect((error as Error).message).toMatch(
        new RegExp(`^object ${oid} in objects/${oid.slice(0, 2)}/${oid.slice(2)}: `),
      );
      expect((error as Error).message).toMatch(problem);
      if (infoFails) await expect(store?.info(oid)).rejects.toThrow(problem);
    });
  });

  it('reports a REF_DELTA whose base was removed from the pack index', async () => {
    repo.remove();
    repo = refDeltaRepo(pristine.copy());
    const { idx, pack, name, spans } = packInfo();
    const [delta, base] = [...deltaBases()][0] ?? [];
    if (!delta || !base) throw new Error('no delta in the pack');
    const bytes = fs.readFileSync(pack);
    writeIndex(
      idx,
      spans.filter((span) => span.oid !== base),
      bytes.subarray(bytes.length - 20),
    );
    await open();
    expect(store?.has(base)).toBe(false);
    await expect(store?.read(base)).resolves.toBeUndefined();
    const missing = new RegExp(
      `^object ${delta} in ${name}: (its delta base [0-9a-f]{40}: )*entry at offset \\d+: its delta base ${base} is missing`,
    );
    await expect(store?.read(delta)).rejects.toThrow(missing);
    await expect(store?.info(delta)).rejects.toThrow(missing);
  });
});
