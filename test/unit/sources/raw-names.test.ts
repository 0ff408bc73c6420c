import { escapeInvalidUtf8 } from '../../../src/sources/worktree';

describe('escapeInvalidUtf8: how a file name that is not UTF-8 is shown', () => {
  test.each([
    ['plain ASCII', [0x61, 0x2e, 0x65, 0x6e, 0x76], 'a.env'],
    ['valid multi-byte sequences stay as they are', [...Buffer.from('é€😀')], 'é€😀'],
    ['Latin-1 bytes', [0x66, 0xff, 0xfe, 0x2e], 'f\\xff\\xfe.'],
    ['a truncated sequence at the end', [0x61, 0xe2, 0x82], 'a\\xe2\\x82'],
    ['a lone continuation byte between valid text', [0x61, 0x80, 0xc3, 0xa9], 'a\\x80é'],
    ['an overlong encoding of "/"', [0xc0, 0xaf], '\\xc0\\xaf'],
    ['an encoded surrogate', [0xed, 0xa0, 0x80, 0x62], '\\xed\\xa0\\x80b'],
  ])('%s', (_, bytes, shown) => {
    expect(escapeInvalidUtf8(Buffer.from(bytes))).toBe(shown);
  });
});
