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
});
