import { formatBytes, parseSize } from '../../../src/util/size';

describe('parseSize', () => {
  it.each([
    ['512KB', 512_000],
    ['10MiB', 10 * 1024 * 1024],
    ['100MB', 100_000_000],
    ['1024', 1024],
    ['1GB', 1e9],
    ['2GiB', 2 * 1024 ** 3],
    ['3KiB', 3072],
    ['7B', 7],
    ['2k', 2048],
    ['1m', 1024 ** 2],
    ['1g', 1024 ** 3],
    ['1.5KiB', 1536],
    ['1.0005KB', 1000],
    [' 64 kb ', 64_000],
    ['10mib', 10 * 1024 * 1024],
  ])('parses %j as %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('accepts positive whole numbers', () => {
    expect(parseSize(1024)).toBe(1024);
    expect(parseSize(1)).toBe(1);
  });

  it.each([['0'], ['-1'], ['ten'], ['5XB'], [''], ['KB'], ['0.1'], ['1e3'], ['0x10'], ['1,000'], ['1 2']])(
    'rejects %j',
    (text) => {
      expect(parseSize(text)).toBeUndefined();
    },
  );

  it('rejects zero, negative, fractional and non-finite numbers', () => {
    for (const value of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(parseSize(value)).toBeUndefined();
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [512_000, '500.0 KiB'],
    [1024 ** 2, '1.0 MiB'],
    [1024 ** 2 - 1, '1.0 MiB'],
    [10 * 1024 ** 2, '10.0 MiB'],
    [1024 ** 3, '1.0 GiB'],
    [1024 ** 4, '1024.0 GiB'],
  ])('formats %d as %j', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
