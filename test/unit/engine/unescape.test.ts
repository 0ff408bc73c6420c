import { unescapeSecret } from '../../../src/engine/unescape';
import { FakeKeys } from '../../support/fake-keys';

describe('unescapeSecret', () => {
  it('returns text without escapes unchanged', () => {
    expect(unescapeSecret('abc/def+ghi=')).toBe('abc/def+ghi=');
    expect(unescapeSecret('')).toBe('');
  });

  it('decodes backslash-escaped "/" and "+" (JSON, shell and source strings)', () => {
    expect(unescapeSecret('ab\\/cd\\+ef')).toBe('ab/cd+ef');
    expect(unescapeSecret('\\/\\/')).toBe('//');
  });

  it('decodes %2F, %2B and %3D in either case', () => {
    expect(unescapeSecret('a%2Fb%2fc')).toBe('a/b/c');
    expect(unescapeSecret('a%2Bb%2bc')).toBe('a+b+c');
    expect(unescapeSecret('a%3D%3d')).toBe('a==');
  });

  it('leaves other escapes and other percent codes alone', () => {
    expect(unescapeSecret('a\\nb\\\\c')).toBe('a\\nb\\\\c');
    expect(unescapeSecret('a%41b%2')).toBe('a%41b%2');
    expect(unescapeSecret('100%')).toBe('100%');
    expect(unescapeSecret('%2G%3E')).toBe('%2G%3E');
  });

  it('decodes each escape once (no double decoding)', () => {
    expect(unescapeSecret('%252F')).toBe('%252F');
    expect(unescapeSecret('\\%2F')).toBe('\\/');
  });

  it('maps every written form of one secret to the same value', () => {
    const keys = new FakeKeys(3);
    for (let i = 0; i < 50; i++) {
      const secret = keys.secret();
      const json = secret.replace(/\//g, '\\/');
      const url = secret.replace(/\//g, '%2F').replace(/\+/g, '%2b');
      const shell = secret.replace(/\+/g, '\\+');
      expect([json, url, shell].map(unescapeSecret)).toEqual([secret, secret, secret]);
    }
  });
});
