import { decodeText } from '../../../src/sources/decode';
import { FakeKeys } from '../../support/fake-keys';

const keys = new FakeKeys(31);

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

describe('decodeText', () => {
  it('decodes plain UTF-8, including the empty file, and hands on its bytes (for the byte prefilters)', () => {
    const bytes = Buffer.from('héllo\n', 'utf8');
    expect(decodeText(bytes)).toEqual({ binary: false, text: 'héllo\n', utf8: bytes });
    expect(decodeText(Buffer.alloc(0))).toEqual({ binary: false, text: '', utf8: Buffer.alloc(0) });
  });

  it('decodes UTF-16LE with a BOM, dropping the BOM', () => {
    const id = keys.keyId();
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`id=${id}\r\n`, 'utf16le')]);
    expect(bytes.includes(0)).toBe(true);
    expect(decodeText(bytes)).toEqual({ binary: false, text: `id=${id}\r\n` });
  });

  it('decodes UTF-16BE with a BOM, dropping the BOM', () => {
    const id = keys.keyId();
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(`id=${id}`)]);
    expect(decodeText(bytes)).toEqual({ binary: false, text: `id=${id}` });
  });

  it('drops a trailing odd byte of UTF-16BE and leaves the input buffer untouched', () => {
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be('ok'), Buffer.from([0x00])]);
    expect(bytes.length % 2).toBe(1);
    const copy = Buffer.from(bytes);
    expect(decodeText(bytes)).toEqual({ binary: false, text: 'ok' });
    expect(bytes.equals(copy)).toBe(true);
  });

  it('decodes a BOM-only UTF-16 file to the empty string', () => {
    expect(decodeText(Buffer.from([0xfe, 0xff]))).toEqual({ binary: false, text: '' });
    expect(decodeText(Buffer.from([0xff, 0xfe]))).toEqual({ binary: false, text: '' });
    expect(decodeText(Buffer.from([0xfe, 0xff, 0x41]))).toEqual({ binary: false, text: '' });
  });

  it('strips a UTF-8 BOM so that columns match an editor', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('key = value', 'utf8')]);
    expect(decodeText(bytes)).toEqual({
      binary: false,
      text: 'key = value',
      utf8: Buffer.from('key = value'),
    });
  });

  it('treats a NUL byte in the first 8 KiB as binary', () => {
    expect(decodeText(Buffer.from([0x41, 0x00, 0x42]))).toEqual({ binary: true });
    const atLastSniffedByte = Buffer.alloc(8192, 0x61);
    atLastSniffedByte[8191] = 0;
    expect(decodeText(atLastSniffedByte)).toEqual({ binary: true });
  });

  it('treats a NUL byte after the first 8 KiB as text', () => {
    const bytes = Buffer.alloc(8200, 0x61);
    bytes[8192] = 0;
    const decoded = decodeText(bytes);
    expect(decoded.binary).toBe(false);
    expect(decoded.binary === false && decoded.text).toBe(`${'a'.repeat(8192)}\0${'a'.repeat(7)}`);
  });

  it('sniffs the 8 KiB after a UTF-8 BOM', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const inside = Buffer.concat([bom, Buffer.alloc(8192, 0x61)]);
    inside[3 + 8191] = 0;
    expect(decodeText(inside)).toEqual({ binary: true });
    const after = Buffer.concat([bom, Buffer.alloc(8193, 0x61)]);
    after[3 + 8192] = 0;
    expect(decodeText(after).binary).toBe(false);
  });

  it('decodes invalid UTF-8 to U+FFFD and keeps the ASCII around it intact', () => {
    const id = keys.keyId();
    const secret = keys.secret();
    const bytes = Buffer.concat([
      Buffer.from(`id=${id}`, 'ascii'),
      Buffer.from([0xff, 0xc3]),
      Buffer.from(` secret=${secret}`, 'ascii'),
    ]);
    expect(decodeText(bytes)).toEqual({
      binary: false,
      text: `id=${id}\ufffd\ufffd secret=${secret}`,
      utf8: bytes,
    });
  });
});
