import fc from 'fast-check';
import { ByteLru } from '../../../../src/git/odb/lru';

const value = (bytes: number) => ({ data: Buffer.alloc(bytes) });

describe('ByteLru', () => {
  it('evicts the least recently used entries once the bytes exceed the limit', () => {
    const cache = new ByteLru<string, { data: Buffer }>(100);
    cache.set('a', value(40));
    cache.set('b', value(40));
    expect(cache.get('a')).toBeDefined(); // now b is the least recently used
    cache.set('c', value(40));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.size).toBe(80);
  });

  it('replaces an entry under the same key and skips one larger than the whole budget', () => {
    const cache = new ByteLru<string, { data: Buffer }>(100);
    cache.set('a', value(40));
    cache.set('a', value(60));
    expect(cache.size).toBe(60);
    cache.set('huge', value(101));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('a')?.data.length).toBe(60);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('a')).toBeUndefined();
  });

  it('holds exactly what a list in order of use would, over any sequence of reads and writes', () => {
    const operation = fc.oneof(
      fc.record({ get: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ set: fc.integer({ min: 0, max: 7 }), bytes: fc.integer({ min: 0, max: 60 }) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
        const cache = new ByteLru<number, { data: Buffer }>(100);
        let model: { key: number; bytes: number }[] = []; // least recently used first
        for (const step of operations) {
          if ('get' in step) {
            const held = model.find((entry) => entry.key === step.get);
            expect(cache.get(step.get)?.data.length).toBe(held?.bytes);
            if (held) model = [...model.filter((entry) => entry !== held), held];
          } else {
            cache.set(step.set, value(step.bytes));
            model = [
              ...model.filter((entry) => entry.key !== step.set),
              { key: step.set, bytes: step.bytes },
            ];
            while (model.reduce((sum, entry) => sum + entry.bytes, 0) > 100) model.shift();
          }
          expect(cache.size).toBe(model.reduce((sum, entry) => sum + entry.bytes, 0));
        }
      }),
    );
  });
});
