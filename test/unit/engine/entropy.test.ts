import { shannonEntropy } from '../../../src/engine/entropy';
import { FakeKeys, HEX } from '../../support/fake-keys';

describe('shannonEntropy', () => {
  it('is 0 for the empty string and for one repeated character', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('a')).toBe(0);
  });

  it('is 1 bit for two equally frequent characters', () => {
    expect(shannonEntropy('ab')).toBe(1);
    expect(shannonEntropy('aabb')).toBe(1);
  });

  it('is log2(n) for n distinct characters', () => {
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy('0123456789abcdef')).toBe(4);
  });

  it('weights characters by frequency', () => {
    // p = 3/4, 1/4: H = -(0.75·log2 0.75 + 0.25·log2 0.25)
    expect(shannonEntropy('aaab')).toBeCloseTo(0.811278, 6);
  });

  it('gives the AWS documentation key id 3.684 bits per character', () => {
    expect(shannonEntropy('AKIAIOSFODNN7EXAMPLE')).toBeCloseTo(3.684, 3); // keysweep:allow
  });

  it('stays below 4.0 for 40-character hex strings (git SHAs, hashes)', () => {
    // The most even 40-character hex string (8 digits three times, 8 twice) is the upper bound.
    const balanced = `${'01234567'.repeat(3)}${'89abcdef'.repeat(2)}`;
    expect(balanced).toHaveLength(40);
    expect(shannonEntropy(balanced)).toBeCloseTo(3.971, 4);
    const keys = new FakeKeys(2024);
    for (let i = 0; i < 500; i++) {
      const hex = keys.chars(HEX, 40);
      expect(shannonEntropy(hex)).toBeLessThan(4.0);
      expect(shannonEntropy(hex)).toBeLessThanOrEqual(shannonEntropy(balanced));
    }
  });

  it('counts code points, not UTF-16 code units', () => {
    expect(shannonEntropy('😀😀')).toBe(0);
    expect(shannonEntropy('😀a')).toBe(1);
  });

  it('gives exactly the textbook value, summed in order of first appearance, for ASCII and beyond', () => {
    const textbook = (text: string) => {
      const counts = new Map<string, number>();
      for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
      const length = [...text].length;
      return [...counts.values()].reduce(
        (sum, count) => sum - (count / length) * Math.log2(count / length),
        0,
      );
    };
    const keys = new FakeKeys(7);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=%\\';
    for (let i = 0; i < 300; i++) {
      const ascii = keys.chars(alphabet, 1 + (i % 60));
      expect(shannonEntropy(ascii)).toBe(textbook(ascii));
      // a non-ASCII character late in the text, then ASCII again: nothing counted before it may linger
      const mixed = `${ascii}é${ascii}`;
      expect(shannonEntropy(mixed)).toBe(textbook(mixed));
      expect(shannonEntropy(ascii)).toBe(textbook(ascii));
    }
  });

  it('measures a part of a text exactly as the same characters cut out, ASCII or not', () => {
    const keys = new FakeKeys(11);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=é😀';
    for (let i = 0; i < 300; i++) {
      const text = keys.chars(alphabet, 80);
      const start = i % 30;
      const end = start + 1 + (i % 45);
      // (a cut may split a surrogate pair: both ways see the same lone half)
      expect(shannonEntropy(text, start, end)).toBe(shannonEntropy(text.slice(start, end)));
    }
    expect(shannonEntropy('abcd', 2, 2)).toBe(0);
    expect(shannonEntropy('aabbcd', 2, 6)).toBe(shannonEntropy('bbcd'));
  });
});
