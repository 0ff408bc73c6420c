import type { Location } from '../types';

/**
 * Maps string offsets to 1-based line and column. Built lazily, only for fragments that have a match,
 * so the hot path never splits text into lines. A line ends at "\n", "\r\n" or a lone "\r".
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 10) this.starts.push(i + 1);
      else if (code === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
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
