import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RULE_IDS } from './builder';
import { buildCorpus, type Corpus, generateCorpus, type Truth } from './corpus';

const decode = (s: string): string => s.replace(/\\\//g, '/').replace(/%2F/g, '/').replace(/%2B/g, '+');

/** Lines split on LF with a trailing CR and a leading BOM removed (neither shifts positions we plant). */
const linesOf = (content: string): string[] =>
  content
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));

const KEY_ID_SHAPE = /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const SECRET_SHAPE = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
const CONTEXT_WORD = /aws|secret|access.?key/i;
const ANY_KEY_ID = /(?:AKIA|ASIA)[A-Z0-9]{16}/;

describe('accuracy corpus generator', () => {
  const corpus: Corpus = generateCorpus(1);
  const byFile = new Map(corpus.files.map((f) => [f.file, f]));
  const lines = new Map(corpus.files.map((f) => [f.file, linesOf(f.content)]));
  const lineAt = (file: string, line: number): string => lines.get(file)?.[line - 1] ?? '';

  /** The detection policy: keyword on the same / previous line, or an AKIA/ASIA id anywhere in the file. */
  const hasAwsContext = (file: string, line: number): boolean =>
    CONTEXT_WORD.test(lineAt(file, line)) ||
    CONTEXT_WORD.test(lineAt(file, line - 1)) ||
    ANY_KEY_ID.test(byFile.get(file)?.content ?? '');

  const isCovered = (file: string, line: number, column: number, length: number): boolean =>
    corpus.truths.some((t) => t.file === file && t.line === line && t.column === column) ||
    corpus.negatives.some(
      (n) =>
        n.file === file && n.line === line && n.column <= column && column + length <= n.column + n.length,
    );

  it('is deterministic for a seed and varies across seeds', () => {
    const again = generateCorpus(1);
    expect(again.files).toEqual(corpus.files);
    expect(again.truths).toEqual(corpus.truths);
    const other = generateCorpus(2);
    expect(other.truths.map((t) => t.value)).not.toEqual(corpus.truths.map((t) => t.value));
  });

  it('writes identical bytes to disk for the same seed', () => {
    const dirs = [1, 2].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'keysweep-corpus-')));
    try {
      const [a, b] = dirs.map((d) => buildCorpus(d, 1));
      expect(a).toEqual(b);
      for (const f of corpus.files) {
        const [x, y] = dirs.map((d) => fs.readFileSync(path.join(d, f.file)));
        expect(x?.equals(y ?? Buffer.alloc(0))).toBe(true);
        expect(x?.toString('utf8')).toBe(f.content);
      }
    } finally {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('has enough planted credentials across files and rules', () => {
    expect(corpus.truths.length).toBeGreaterThanOrEqual(150);
    expect(new Set(corpus.truths.map((t) => t.file)).size).toBeGreaterThanOrEqual(40);
    for (const rule of RULE_IDS) {
      expect(corpus.truths.filter((t) => t.ruleId === rule).length).toBeGreaterThanOrEqual(10);
    }
    const negativeOnly = corpus.files.filter((f) => !corpus.truths.some((t) => t.file === f.file));
    expect(negativeOnly.length).toBeGreaterThanOrEqual(10);
    const keys = new Set(corpus.truths.map((t) => `${t.file}:${t.line}:${t.column}`));
    expect(keys.size).toBe(corpus.truths.length);
  });

  it('covers line-ending / encoding edge cases', () => {
    const contents = corpus.files.map((f) => f.content);
    expect(contents.some((c) => c.startsWith('\uFEFF'))).toBe(true);
    expect(contents.some((c) => c.includes('\r\n'))).toBe(true);
    expect(contents.some((c) => !c.endsWith('\n'))).toBe(true);
    expect(corpus.truths.some((t) => lineAt(t.file, t.line).length > 5000)).toBe(true);
  });

  it('places every truth value at its line/column', () => {
    const bad = corpus.truths.filter((t: Truth) => {
      const rest = lineAt(t.file, t.line).slice(t.column - 1);
      return !decode(rest).startsWith(t.value);
    });
    expect(bad).toEqual([]);
  });

  it('produces realistic credential shapes', () => {
    for (const t of corpus.truths) {
      if (t.ruleId === 'aws.access-key-id' || t.ruleId === 'aws.temporary-access-key-id') {
        expect(t.value).toMatch(/^(AKIA|ABIA|ACCA|ASIA)([Q-Z2-7][A-Z2-7]{15}|[IJ][A-Z0-9]{15})$/);
        expect(t.value.startsWith('ASIA')).toBe(t.ruleId === 'aws.temporary-access-key-id');
      } else if (t.ruleId === 'aws.secret-access-key') {
        expect(t.value).toMatch(/^[A-Za-z0-9+/]{40}$/);
      } else {
        expect(t.value).toMatch(/^(IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9+/]{300,}=?$/);
      }
    }
    const secrets = corpus.truths.filter((t) => t.ruleId === 'aws.secret-access-key').map((t) => t.value);
    expect(secrets.some((s) => s.endsWith('/'))).toBe(true);
    expect(secrets.some((s) => s.endsWith('+'))).toBe(true);
  });

  it('gives every planted secret AWS context and no context to context-free negatives', () => {
    const noContext = corpus.truths.filter(
      (t) => t.ruleId === 'aws.secret-access-key' && !hasAwsContext(t.file, t.line),
    );
    expect(noContext).toEqual([]);
    const contextFree = corpus.negatives.filter((n) => n.kind.includes('no AWS context'));
    expect(contextFree.length).toBeGreaterThanOrEqual(5);
    expect(contextFree.filter((n) => hasAwsContext(n.file, n.line))).toEqual([]);
  });

  it('contains no unplanned key-shaped strings', () => {
    const stray: string[] = [];
    let checked = 0;
    for (const f of corpus.files) {
      linesOf(f.content).forEach((text, i) => {
        for (const re of [KEY_ID_SHAPE, SECRET_SHAPE]) {
          for (const m of text.matchAll(re)) {
            checked++;
            if (!isCovered(f.file, i + 1, m.index + 1, m[0].length))
              stray.push(`${f.file}:${i + 1}:${m.index + 1}`);
          }
        }
      });
    }
    expect(stray).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });
});
