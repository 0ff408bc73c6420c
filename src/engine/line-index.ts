import type { Location } from '../types';

/**
 * Maps string offsets to 1-based line and column. Built lazily, only for fragments that have a match,
 * so the hot path never splits text into lines. A line ends at "\n", "\r\n" or a lone "\r".
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    // Breaks found with indexOf, which V8 runs as a fast search, rather than a loop over every character:
    // a 50 MB minified line took 200 ms the other way. A file without CRs costs one search for them.
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r');
    while (lf >= 0 || cr >= 0) {
      if (cr < 0 || (lf >= 0 && lf < cr)) {
        this.starts.push(lf + 1);
        lf = text.indexOf('\n', lf + 1);
      } else {
        const crlf = lf === cr + 1;
        this.starts.push(crlf ? lf + 1 : cr + 1);
        if (crlf) lf = text.indexOf('\n', lf + 1);
        cr = text.indexOf('\r', cr + 1);
      }
    }
  }

  /** 0-based line number holding `offset`. */
  lineOf(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** Offset where 0-based `line` starts (clamped to the text). */
  lineStart(line: number): number {
    if (line <= 0) return 0;
    return this.starts[Math.min(line, this.starts.length - 1)] ?? 0;
  }

  /** Offset just past the content of 0-based `line`, before its line terminator. */
  lineEnd(line: number): number {
    const next = this.starts[line + 1];
    if (next === undefined) return this.text.length;
    let end = next;
    if (this.text.charCodeAt(end - 1) === 10) end--;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** Text of 0-based `line` without its terminator. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  location(start: number, end: number): Location {
    const line = this.lineOf(start);
    const endLine = this.lineOf(Math.max(start, end - 1));
    return {
      line: line + 1,
      column: start - this.lineStart(line) + 1,
      endLine: endLine + 1,
      endColumn: end - this.lineStart(endLine) + 1,
    };
  }
}
