/**
 * FileBuilder: assembles a corpus file from literal text, planted credentials (ground truth) and
 * marked negatives, tracking 1-based line/column (UTF-16 units) of every planted value.
 */

export type RuleId =
  | 'aws.access-key-id'
  | 'aws.temporary-access-key-id'
  | 'aws.secret-access-key'
  | 'aws.session-token';

export const RULE_IDS: readonly RuleId[] = [
  'aws.access-key-id',
  'aws.temporary-access-key-id',
  'aws.secret-access-key',
  'aws.session-token',
];

export interface Truth {
  /** relative path, forward slashes */
  file: string;
  line: number;
  /** 1-based, UTF-16 units, first char of the key as it appears in the raw text */
  column: number;
  ruleId: RuleId;
  /** decoded secret */
  value: string;
}

/** A span of look-alike content that must not be reported. */
export interface NegativeMark {
  file: string;
  line: number;
  column: number;
  length: number;
  kind: string;
}

export interface Plant {
  type: 'plant';
  ruleId: RuleId;
  value: string;
  /** how the value is written in the file (may be escaped / url-encoded) */
  raw: string;
}

export interface Neg {
  type: 'neg';
  kind: string;
  raw: string;
}

export type Part = string | Plant | Neg;

export const kid = (value: string): Plant => ({
  type: 'plant',
  ruleId: value.startsWith('ASIA') ? 'aws.temporary-access-key-id' : 'aws.access-key-id',
  value,
  raw: value,
});
export const sk = (value: string, raw = value): Plant => ({
  type: 'plant',
  ruleId: 'aws.secret-access-key',
  value,
  raw,
});
export const tok = (value: string): Plant => ({
  type: 'plant',
  ruleId: 'aws.session-token',
  value,
  raw: value,
});
export const neg = (kind: string, raw: string): Neg => ({ type: 'neg', kind, raw });

/** JSON encoders that escape forward slashes (PHP json_encode default). */
export const escapeSlashes = (s: string): string => s.replace(/\//g, '\\/');
/** Query-string encoding of a base64 secret. */
export const urlEncode = (s: string): string => s.replace(/\//g, '%2F').replace(/\+/g, '%2B');

export interface FileOptions {
  /** short description of the content family, used in reports */
  kind: string;
  crlf?: boolean;
  bom?: boolean;
  /** default true */
  finalNewline?: boolean;
}

const HOLE = '\u0000';

/** Removes the first newline, the trailing blank line and the common leading-space indentation. */
export function dedent(strings: readonly string[]): string[] {
  let s = strings.join(HOLE);
  if (s.startsWith('\n')) s = s.slice(1);
  s = s.replace(/\n[ \t]*$/, '');
  const lines = s.split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const indent = indents.length ? Math.min(...indents) : 0;
  const strip = new RegExp(`^ {0,${indent}}`);
  return lines
    .map((l) => l.replace(strip, ''))
    .join('\n')
    .split(HOLE);
}

export class FileBuilder {
  readonly truths: Truth[] = [];
  readonly negatives: NegativeMark[] = [];
  private text = '';
  private pad = '';
  private line = 1;
  private col = 1;

  constructor(
    readonly path: string,
    readonly opts: FileOptions,
  ) {}

  private write(s: string): void {
    this.text += s;
    const nl = s.lastIndexOf('\n');
    if (nl < 0) {
      this.col += s.length;
      return;
    }
    this.line += s.split('\n').length - 1;
    this.col = s.length - nl;
  }

  private put(part: Part): void {
    if (typeof part === 'string') {
      this.write(part);
      return;
    }
    if (part.raw.includes('\n')) throw new Error(`multi-line value in ${this.path}`);
    const at = { file: this.path, line: this.line, column: this.col };
    if (part.type === 'plant') {
      if (this.opts.bom && this.line === 1) throw new Error('no plants on the BOM line');
      this.truths.push({ ...at, ruleId: part.ruleId, value: part.value });
    } else {
      this.negatives.push({ ...at, length: part.raw.length, kind: part.kind });
    }
    this.write(part.raw);
  }

  /** Appends parts verbatim (no newline). */
  raw(...parts: Part[]): this {
    for (const p of parts) this.put(p);
    return this;
  }

  /** Sets a prefix added to every line written by subsequent `t` calls (for nested blocks). */
  indent(pad: string): this {
    this.pad = pad;
    return this;
  }

  /** Tagged template: appends a dedented block followed by a newline. */
  t(strings: TemplateStringsArray, ...parts: Part[]): this {
    const lits = dedent(strings);
    lits.forEach((lit, i) => {
      const padded = lit.replace(/\n/g, `\n${this.pad}`);
      this.write(i === 0 ? this.pad + padded : padded);
      const p = parts[i];
      if (p !== undefined) this.put(p);
    });
    this.write('\n');
    return this;
  }

  /** Final file text with line endings / BOM / final newline applied. Positions are unaffected. */
  content(): string {
    let s = this.text;
    if (this.opts.finalNewline === false) s = s.replace(/\n+$/, '');
    if (this.opts.crlf) s = s.replace(/\n/g, '\r\n');
    if (this.opts.bom) s = `\uFEFF${s}`;
    return s;
  }
}
