import fc from 'fast-check';
import { LineIndex } from '../../../src/engine/line-index';
import { lineStarts } from '../../support/line-starts';

function lines(text: string): string[] {
  const index = new LineIndex(text);
  const last = index.lineOf(text.length);
  return Array.from({ length: last + 1 }, (_, line) => index.lineText(line));
}

describe('LineIndex', () => {
  it('puts a line start after every LF, CRLF and lone CR of any mix (random texts)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'é', '\n', '\r', '\r\n'), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const index = new LineIndex(text);
        const starts = lineStarts(text);
        expect(starts.map((_, line) => index.lineStart(line))).toEqual(starts);
        expect(index.lineOf(text.length)).toBe(starts.length - 1);
      }),
      { numRuns: 1000 },
    );
  });

  it('splits on LF, CRLF and lone CR alike', () => {
    expect(lines('one\ntwo\nthree')).toEqual(['one', 'two', 'three']);
    expect(lines('one\r\ntwo\r\nthree')).toEqual(['one', 'two', 'three']);
    expect(lines('one\rtwo\rthree')).toEqual(['one', 'two', 'three']);
    expect(lines('one\r\ntwo\rthree\nfour')).toEqual(['one', 'two', 'three', 'four']);
  });

  it('treats LF then CR as two terminators, and CR then LF as one', () => {
    expect(lines('a\n\rb')).toEqual(['a', '', 'b']);
    expect(lines('a\r\nb')).toEqual(['a', 'b']);
    expect(lines('a\r\r\nb')).toEqual(['a', '', 'b']);
  });

  it('handles a final newline and its absence', () => {
    expect(lines('last')).toEqual(['last']);
    expect(lines('last\n')).toEqual(['last', '']);
    expect(lines('last\r\n')).toEqual(['last', '']);
    expect(lines('')).toEqual(['']);
  });

  it('maps offsets to 0-based lines, including terminator offsets', () => {
    const text = 'ab\r\ncd\ne';
    const index = new LineIndex(text);
    expect([0, 1, 2, 3].map((offset) => index.lineOf(offset))).toEqual([0, 0, 0, 0]);
    expect([4, 5, 6].map((offset) => index.lineOf(offset))).toEqual([1, 1, 1]);
    expect(index.lineOf(7)).toBe(2);
    expect(index.lineOf(8)).toBe(2);
    expect(index.lineOf(1000)).toBe(2);
  });

  it('gives line starts (clamped) and ends before the terminator', () => {
    const index = new LineIndex('ab\r\ncd\ne');
    expect([-1, 0, 1, 2, 3].map((line) => index.lineStart(line))).toEqual([0, 0, 4, 7, 7]);
    expect([0, 1, 2, 9].map((line) => index.lineEnd(line))).toEqual([2, 6, 8, 8]);
  });

  it('locates a span at the start of a line', () => {
    const text = 'first\nKEY=value\n';
    const start = text.indexOf('KEY');
    expect(new LineIndex(text).location(start, start + 3)).toEqual({
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 4,
    });
  });

  it('locates a span in the middle of a CRLF line', () => {
    const text = 'header\r\n  token = "secret-value" # x\r\nfooter';
    const start = text.indexOf('secret-value');
    expect(new LineIndex(text).location(start, start + 'secret-value'.length)).toEqual({
      line: 2,
      column: 12,
      endLine: 2,
      endColumn: 24,
    });
  });

  it('locates a span ending the last line, which has no newline', () => {
    const text = 'a\rb\rlast=value';
    const start = text.indexOf('value');
    expect(new LineIndex(text).location(start, text.length)).toEqual({
      line: 3,
      column: 6,
      endLine: 3,
      endColumn: 11,
    });
  });

  it('locates a span across lines, and an empty span', () => {
    const text = 'ab\ncd\nef';
    const index = new LineIndex(text);
    expect(index.location(1, 5)).toEqual({ line: 1, column: 2, endLine: 2, endColumn: 3 });
    // a span ending just after a newline ends on the line the newline closes
    expect(index.location(0, 3)).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 4 });
    expect(index.location(4, 4)).toEqual({ line: 2, column: 2, endLine: 2, endColumn: 2 });
  });

  it('counts columns in UTF-16 code units', () => {
    const text = '😀 = x';
    expect(new LineIndex(text).location(text.indexOf('x'), text.length)).toEqual({
      line: 1,
      column: 6,
      endLine: 1,
      endColumn: 7,
    });
  });
});
