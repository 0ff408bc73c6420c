import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { constants, deflateSync, inflateSync } from 'node:zlib';
import { CorruptObjectError, ObjectStore } from '../../../../src/git/odb';
import { TempTree } from '../../../support/temp-tree';
import { appendDelta, objectId, type PackEntry, random, writeLoose, writePack } from './fixture';

/**
 * Packs git will not write on request, made by the test pack writer: delta bases in another pack or
 * loose, very deep chains, loops, 8-byte offsets, and damaged entries, deltas and headers.
 */

const text = (value: string) => Buffer.from(value);

/** A chain of versions, each the previous one plus a line: the first whole, the rest deltas. */
function versions(count: number, first = 'version 0\n'): Buffer[] {
  const result = [text(first)];
  for (let i = 1; i < count; i++) result.push(Buffer.concat([result[i - 1] as Buffer, text(`line ${i}\n`)]));
  return result;
}

function ofsChain(contents: Buffer[]): PackEntry[] {
  return contents.map((data, i) =>
    i === 0
      ? { oid: objectId('blob', data), type: 'blob', data }
      : {
          oid: objectId('blob', data),
          ofsBase: i - 1,
          delta: appendDelta(contents[i - 1] as Buffer, data.subarray((contents[i - 1] as Buffer).length)),
        },
  );
}

describe('ObjectStore on crafted packs', () => {
  let tree: TempTree;
  let objects: string;
  let store: ObjectStore | undefined;

  beforeEach(() => {
    tree = new TempTree();
    objects = tree.path('objects');
    fs.mkdirSync(path.join(objects, 'pack'), { recursive: true });
  });

  afterEach(async () => {
    await store?.close();
    store = undefined;
    tree.remove();
  });

  const open = async (cacheBytes?: number) => {
    store = await ObjectStore.open(tree.root, cacheBytes === undefined ? {} : { cacheBytes });
    return store;
  };

  const expectObject = async (oid: string, data: Buffer) => {
    const object = await store?.read(oid);
    expect(object?.type).toBe('blob');
    expect(object?.data.equals(data)).toBe(true);
    expect(await store?.info(oid)).toEqual({ type: 'blob', size: data.length });
  };

  it('follows a REF_DELTA to a base in another pack', async () => {
    const [base = text(''), next = text('')] = versions(2);
    const baseOid = objectId('blob', base);
    writePack(path.join(objects, 'pack'), 'a', [{ oid: baseOid, type: 'blob', data: base }]);
    const delta = appendDelta(base, next.subarray(base.length));
    writePack(path.join(objects, 'pack'), 'b', [{ oid: objectId('blob', next), refBase: baseOid, delta }]);
    await open();
    await expectObject(objectId('blob', next), next);
  });

  it('follows a REF_DELTA to a loose base', async () => {
    const [base = text(''), next = text('')] = versions(2);
    const baseOid = writeLoose(objects, 'blob', base);
    const delta = appendDelta(base, next.subarray(base.length));
    writePack(path.join(objects, 'pack'), 'b', [{ oid: objectId('blob', next), refBase: baseOid, delta }]);
    await open();
    await expectObject(objectId('blob', next), next);
    expect((await store?.allObjectIds())?.sort()).toEqual([baseOid, objectId('blob', next)].sort());
  });

  it('reports a REF_DELTA whose loose base was deleted', async () => {
    const [base = text(''), next = text('')] = versions(2);
    const baseOid = writeLoose(objects, 'blob', base);
    const oid = objectId('blob', next);
    writePack(path.join(objects, 'pack'), 'b', [
      { oid, refBase: baseOid, delta: appendDelta(base, text('line 1\n')) },
    ]);
    fs.rmSync(path.join(objects, baseOid.slice(0, 2), baseOid.slice(2)));
    await open();
    const missing = `its delta base ${baseOid} is missing`;
    await expect(store?.read(oid)).rejects.toThrow(
      new RegExp(`^object ${oid} in objects/pack/pack-b\\.pack: .*${missing}`),
    );
    await expect(store?.info(oid)).rejects.toThrow(missing);
    await expect(store?.read(oid)).rejects.toMatchObject({ name: 'CorruptObjectError', oid });
  });

  it('names a damaged loose base and its file', async () => {
    const [base = text(''), next = text('')] = versions(2);
    const baseOid = writeLoose(objects, 'blob', base);
    const oid = objectId('blob', next);
    writePack(path.join(objects, 'pack'), 'b', [
      { oid, refBase: baseOid, delta: appendDelta(base, text('line 1\n')) },
    ]);
    fs.writeFileSync(path.join(objects, baseOid.slice(0, 2), baseOid.slice(2)), 'not zlib');
    await open();
    const where = `object ${oid} in objects/${baseOid.slice(0, 2)}/${baseOid.slice(2)}: its delta base ${baseOid}: `;
    await expect(store?.read(oid)).rejects.toThrow(`${where}invalid zlib data`);
    await expect(store?.info(oid)).rejects.toThrow(`${where}invalid zlib data`);
  });

  it('resolves a chain 12,000 deltas deep without recursion', async () => {
    // Same-size versions, each delta inserting the whole next one: cheap to write, deep enough that a
    // recursive resolver would overflow the stack.
    const version = (i: number) => text(`version ${String(i).padStart(6, '0')}\n`);
    const depth = 12000;
    const entries: PackEntry[] = [{ oid: objectId('blob', version(0)), type: 'blob', data: version(0) }];
    for (let i = 1; i < depth; i++) {
      const delta = Buffer.concat([Buffer.from([15, 15, 15]), version(i)]);
      entries.push({ oid: objectId('blob', version(i)), ofsBase: i - 1, delta });
    }
    writePack(path.join(objects, 'pack'), 'deep', entries);
    await open(0);
    const last = objectId('blob', version(depth - 1));
    // `info` first, while no type along the chain is known yet: it walks all 12,000 headers too.
    expect(await store?.info(last)).toEqual({ type: 'blob', size: 15 });
    await expectObject(last, version(depth - 1));
  });

  it('reads an entry too large for the shared read buffer, and finds sizes behind Huffman tables', async () => {
    // Incompressible, so the entry is larger than the 1 MiB read buffer.
    const big = randomBytes(1536 * 1024);
    // Bytes of every value with random, very unequal frequencies: compressed, they start with a
    // dynamic-Huffman block whose code tables take more than the ~90 compressed bytes read first for a
    // header or a delta's sizes.
    const next = random(7);
    const weights = Array.from({ length: 256 }, () => next() ** 6);
    const total = weights.reduce((sum, weight) => sum + weight);
    const pick = () => {
      let x = next() * total;
      for (const [value, weight] of weights.entries()) {
        x -= weight;
        if (x <= 0) return value;
      }
      return 255;
    };
    const prose = Buffer.from(Array.from({ length: 20000 }, pick));
    const delta = appendDelta(big, prose);
    const bigOid = objectId('blob', big);
    const result = Buffer.concat([big, prose]);
    writePack(path.join(objects, 'pack'), 'big', [
      { oid: bigOid, type: 'blob', data: big },
      { oid: objectId('blob', result), ofsBase: 0, delta },
    ]);
    const looseOid = writeLoose(objects, 'blob', prose);
    const file = path.join(objects, looseOid.slice(0, 2), looseOid.slice(2));
    const recompressed = deflateSync(Buffer.concat([Buffer.from(`blob ${prose.length}\0`), prose]), {
      level: 9,
    });
    fs.writeFileSync(file, recompressed);
    const prefix = (stream: Buffer) =>
      inflateSync(stream.subarray(0, 92), { finishFlush: constants.Z_SYNC_FLUSH });
    expect(prefix(recompressed).length).toBe(0);
    expect(prefix(deflateSync(delta)).length).toBeLessThan(6);
    await open();
    await expectObject(bigOid, big);
    await expectObject(objectId('blob', result), result);
    await expectObject(looseOid, prose);
  });

  it('treats a loose object deleted after its directory was listed as absent', async () => {
    const oid = writeLoose(objects, 'blob', text('soon gone'));
    await open();
    expect(store?.has(oid)).toBe(true);
    fs.rmSync(path.join(objects, oid.slice(0, 2), oid.slice(2)));
    await expect(store?.read(oid)).resolves.toBeUndefined();
    await expect(store?.info(oid)).resolves.toBeUndefined();
  });

  it('reads offsets from the 8-byte table', async () => {
    const contents = versions(20);
    writePack(path.join(objects, 'pack'), 'large', ofsChain(contents), { largeOffsets: true });
    await open();
    for (const data of contents) await expectObject(objectId('blob', data), data);
  });

  it('reports an index entry pointing past the 8-byte table', async () => {
    const contents = versions(3);
    const { idx } = writePack(path.join(objects, 'pack'), 'large', ofsChain(contents), {
      largeOffsets: true,
    });
    const bytes = fs.readFileSync(idx);
    const smallTable = 8 + 1024 + 3 * 24;
    bytes.writeUInt32BE(0x80000009, smallTable); // the first id's offset: entry 9 of a 3-entry table
    fs.writeFileSync(idx, bytes);
    await open();
    const first = [...contents.map((data) => objectId('blob', data))].sort()[0] as string;
    await expect(store?.read(first)).rejects.toThrow(
      `object ${first} in objects/pack/pack-large.pack: its index entry has an invalid large offset`,
    );
  });

  it('stops at a loop of REF_DELTAs', async () => {
    const a = objectId('blob', text('a'));
    const b = objectId('blob', text('b'));
    const delta = appendDelta(text('x'), text('y'));
    writePack(path.join(objects, 'pack'), 'loop', [
      { oid: a, refBase: b, delta },
      { oid: b, refBase: a, delta },
    ]);
    await open();
    await expect(store?.read(a)).rejects.toThrow(
      `object ${a} in objects/pack/pack-loop.pack: its delta chain loops`,
    );
    await expect(store?.info(b)).rejects.toThrow('its delta chain loops');
  });

  it.each([
    [
      'copies past the end of its base',
      Buffer.from([5, 10, 0x90, 20]),
      /delta copies bytes 0\.\.20 of a 5-byte base/,
    ],
    [
      'expects another base size',
      Buffer.from([9, 1, 1, 0x41]),
      /delta expects a base of 9 bytes, but the base has 5/,
    ],
    ['writes past its result', Buffer.from([5, 1, 2, 0x41, 0x42]), /delta writes past its 1-byte result/],
    [
      'stops short of its result',
      Buffer.from([5, 3, 1, 0x41]),
      /delta produces 1 bytes, but its header says 3/,
    ],
    ['has a reserved instruction', Buffer.from([5, 1, 0]), /reserved \(zero\) instruction/],
    ['ends inside an insert', Buffer.from([5, 3, 3, 0x41]), /ends inside an insert instruction/],
    ['ends inside a copy', Buffer.from([5, 3, 0x91]), /ends inside an instruction/],
    [
      'claims an impossible size',
      Buffer.from([5, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x90, 1]),
      /more than its instructions can produce/,
    ],
  ])('reports a delta that %s', async (_, delta, problem) => {
    const base = text('12345');
    const baseOid = objectId('blob', base);
    const oid = objectId('blob', text('result'));
    writePack(path.join(objects, 'pack'), 'bad', [
      { oid: baseOid, type: 'blob', data: base },
      { oid, ofsBase: 0, delta },
    ]);
    await open();
    const error = await store?.read(oid).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptObjectError);
    expect((error as Error).message).toMatch(
      new RegExp(`^object ${oid} in objects/pack/pack-bad.pack: entry at offset \\d+: `),
    );
    expect((error as Error).message).toMatch(problem);
    await expectObject(baseOid, base);
  });

  it('names the damaged base when a chain passes through it', async () => {
    const contents = versions(4);
    const { pack, offsets } = writePack(path.join(objects, 'pack'), 'chain', ofsChain(contents));
    const bytes = fs.readFileSync(pack);
    const second = offsets[1] as number;
    bytes[second + 5] = (bytes[second + 5] as number) ^ 0xff; // inside the second entry's zlib stream
    fs.writeFileSync(pack, bytes);
    await open();
    const middle = objectId('blob', contents[1] as Buffer);
    await expect(store?.read(objectId('blob', contents[3] as Buffer))).rejects.toThrow(
      new RegExp(`in objects/pack/pack-chain\\.pack: its delta base ${middle}: entry at offset ${second}: `),
    );
    await expectObject(objectId('blob', contents[0] as Buffer), contents[0] as Buffer);
  });

  it('survives any single damaged byte in a pack or its index', async () => {
    const contents = versions(4);
    const entries: PackEntry[] = [
      ...ofsChain(contents.slice(0, 3)),
      {
        oid: objectId('blob', contents[3] as Buffer),
        refBase: objectId('blob', contents[2] as Buffer),
        delta: appendDelta(contents[2] as Buffer, text('line 3\n')),
      },
      { oid: objectId('commit', text('tree x\n')), type: 'commit', data: text('tree x\n') },
    ];
    const expected = new Map(
      entries.map((entry, i) => [entry.oid, (i < 4 ? contents[i] : undefined) ?? text('tree x\n')]),
    );
    const { pack, idx } = writePack(path.join(objects, 'pack'), 'fuzz', entries);
    const pristine = { pack: fs.readFileSync(pack), idx: fs.readFileSync(idx) };
    const outcomes = new Map<string, number>();
    for (const [file, original] of [
      [pack, pristine.pack],
      [idx, pristine.idx],
    ] as const) {
      for (let at = 0; at < original.length; at++) {
        // Every byte, except that of the index's 1,024-byte fanout table every 16th is enough.
        if (file === idx && at >= 8 && at < 8 + 1024 && at % 16 !== 11) continue;
        const damaged = Buffer.from(original);
        damaged[at] = (damaged[at] as number) ^ (at % 2 ? 0x01 : 0x80);
        fs.writeFileSync(file, damaged);
        let opened: ObjectStore;
        try {
          opened = await ObjectStore.open(tree.root, { cacheBytes: 0 });
        } catch (error) {
          expect((error as Error).message).toContain('objects/pack/pack-fuzz.idx: bad pack index: ');
          outcomes.set('bad index', (outcomes.get('bad index') ?? 0) + 1);
          continue;
        }
        for (const [oid, data] of expected) {
          for (const read of [() => opened.read(oid), () => opened.info(oid)]) {
            const outcome = await read().then(
              (value) =>
                value === undefined
                  ? 'absent'
                  : 'data' in value
                    ? value.data.equals(data)
                      ? 'same'
                      : 'DIFFERENT'
                    : 'info',
              (error: unknown) =>
                error instanceof CorruptObjectError && error.oid === oid ? 'corrupt' : String(error),
            );
            outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          }
        }
        await opened.close();
      }
      fs.writeFileSync(file, original);
    }
    // A damaged id is an absent object; anything else is the right data or a CorruptObjectError.
    expect([...outcomes.keys()].sort()).toEqual(['absent', 'bad index', 'corrupt', 'info', 'same']);
  });
});
