import type { Rule } from '../types';
import type { ByteKeywordScanner } from './keyword-bytes';
import { literalPrefixes } from './literal-prefixes';

/**
 * The keyword prefilter: which of the rules' keywords does a text contain? Keywords are ASCII literals
 * matched ASCII-case-insensitively, in one pass of one regex, written with character classes
 * (`[aA][wW][sS]`) rather than the `i` flag, which V8 runs faster. Once a keyword is found the pass goes
 * on with a regex of the keywords still missing, so a word that occurs thousands of times in a file
 * ("access", "secret") is matched once, not thousands of times; it stops when every keyword has been
 * seen. Measured on a 100 MB source tree, one regex is ~3× faster than lower-casing each file and
 * searching it once per keyword, and dropping found keywords took the prefilter from ~0.5 s to ~0.2 s.
 */
export type KeywordTest = (keyword: string) => boolean;

/**
 * Per rule set: its keywords, a scanner for each set of keywords still missing (keyed by them), and the
 * byte scanner (engine/keyword-bytes.ts) once made: null when the keywords do not suit it.
 */
interface Prefilter {
  readonly keywords: string[];
  readonly scanners: Map<string, RegExp>;
  bytes?: ByteKeywordScanner | null;
}

const prefilters = new WeakMap<readonly Rule[], Prefilter>();

/**
 * `utf8`: the bytes `text` was decoded from as UTF-8, if the byte scanner may read them instead of the
 * text (see engine/shortcuts.ts); it answers the same several times faster.
 */
export function keywordsIn(text: string, rules: readonly Rule[], utf8?: Uint8Array): KeywordTest {
  const inBytes = utf8 && keywordsInBytes(utf8, rules);
  if (inBytes) return inBytes;
  const prefilter = prefilterOf(rules);
  const cache = prefilter.scanners;
  const missing = [...prefilter.keywords];
  const found = new Set<string>();
  let from = 0;
  while (missing.length > 0) {
    const key = missing.join('\0');
    let scanner = cache.get(key);
    if (!scanner) {
      scanner = compileScanner(missing);
      cache.set(key, scanner);
    }
    scanner.lastIndex = from;
    const hit = scanner.exec(text);
    if (!hit) break;
    const keyword = hit[0].toLowerCase();
    found.add(keyword);
    missing.splice(missing.indexOf(keyword), 1);
    // a keyword inside another ("aws" in "awsaccess…") is found from the same place on
    from = hit.index;
  }
  return (keyword) => found.has(keyword);
}

/**
 * The same answer from the UTF-8 bytes alone, before they are decoded (engine/keyword-bytes.ts), or
 * undefined when the keywords do not suit the byte scanner.
 */
export function keywordsInBytes(utf8: Uint8Array, rules: readonly Rule[]): KeywordTest | undefined {
  const prefilter = prefilterOf(rules);
  if (prefilter.bytes === undefined) {
    const { byteKeywordScanner } = require('./keyword-bytes') as typeof import('./keyword-bytes');
    prefilter.bytes = byteKeywordScanner(prefilter.keywords) ?? null;
  }
  if (!prefilter.bytes) return undefined;
  const found = prefilter.bytes.found(utf8);
  return (keyword) => found.has(keyword);
}

/**
 * Where to read a file for `keywordsInBytes` to scan it without a copy: the input area of the rules' byte
 * scanner (see ByteKeywordScanner.input), once one is in use in this thread; undefined before (a small
 * scan never loads it) or where there is none.
 */
export function keywordInput(rules: readonly Rule[]): Buffer | undefined {
  return prefilters.get(rules)?.bytes?.input;
}

function prefilterOf(rules: readonly Rule[]): Prefilter {
  let prefilter = prefilters.get(rules);
  if (!prefilter) {
    const words = rules.flatMap((rule) => [...rule.keywords, ...(nearbyPrefixes(rule) ?? [])]);
    const keywords = [...new Set(words.map((word) => word.toLowerCase()))].sort();
    prefilter = { keywords, scanners: new Map() };
    prefilters.set(rules, prefilter);
  }
  return prefilter;
}

function compileScanner(keywords: readonly string[]): RegExp {
  const unique = [...new Set(keywords)].sort((a, b) => b.length - a.length);
  const alternatives = unique.map((keyword) =>
    [...keyword]
      .map((char) => (/[a-z]/.test(char) ? `[${char}${char.toUpperCase()}]` : escapeRegex(char)))
      .join(''),
  );
  return new RegExp(alternatives.join('|') || '(?!)', 'g');
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

const prefixesOf = new WeakMap<RegExp, string[] | null>();

/**
 * The words every hit of a rule's `nearby` context starts with (engine/literal-prefixes.ts), if its
 * pattern says so plainly: the prefilter looks for them too, and where none occurs the pattern is not run.
 */
export function nearbyPrefixes(rule: Rule): readonly string[] | undefined {
  const nearby = rule.context?.nearby;
  if (!nearby) return undefined;
  let prefixes = prefixesOf.get(nearby);
  if (prefixes === undefined) {
    // Under the u (or v) flag, i matches some non-ASCII letters to ASCII ones ("ſ" to "s"), which the
    // prefilter, ASCII only, would not see: no prefixes then.
    prefixes = /[uv]/.test(nearby.flags) ? null : (literalPrefixes(nearby.source) ?? null);
    prefixesOf.set(nearby, prefixes);
  }
  return prefixes ?? undefined;
}
