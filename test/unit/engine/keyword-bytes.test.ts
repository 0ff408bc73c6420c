import fc from 'fast-check';
import { type ByteKeywordScanner, byteKeywordScanner, INPUT_BYTES } from '../../../src/engine/keyword-bytes';
import { keywordsIn } from '../../../src/engine/keywords';
import { BUILTIN_RULES_DIR, loadRules } from '../../../src/rules/load';
import type { Rule } from '../../../src/types';

/**
 * The byte scanner (WebAssembly: a SIMD filter, then Shift-And, over UTF-8) must answer exactly as the regex over the decoded
 * text does: keywordsIn without bytes is the oracle here.
 */
const builtin = loadRules([BUILTIN_RULES_DIR], process.cwd()).rules;
const keywordsOf = (rules: readonly Rule[]) => [...new Set(rules.flatMap((rule) => rule.keywords))].sort();
const BLOCK = 64 * 1024; // the scanner's block: state must carry across it

/**
 * One scanner per set of keywords, as a thread keeps one per rule set: each holds its own memory, with an
 * input area of 16 MiB that V8 counts against the heap, so a new one per call would be mostly garbage
 * collection.
 */
const scanners = new Map<string, ByteKeywordScanner | undefined>();
function scannerFor(keywords: readonly string[]): ByteKeywordScanner | undefined {
  const key = keywords.join('\0');
  if (!scanners.has(key)) scanners.set(key, byteKeywordScanner(keywords));
  return scanners.get(key);
}

/** The keywords found by the regex over the text (keywordsIn) and by the byte scanner, when there is one. */
function both(bytes: Buffer, rules: readonly Rule[] = builtin): { text: string[]; bytes: string[] } {
  const keywords = keywordsOf(rules);
  const viaText = keywordsIn(bytes.toString('utf8'), rules);
  const scanner = scannerFor(keywords);
  const viaBytes = scanner ? (keyword: string) => scanner.found(bytes).has(keyword) : viaText;
  return { text: keywords.filter(viaText), bytes: keywords.filter(viaBytes) };
}

test('keywordsIn hands a large UTF-8 file to the byte scanner, and answers the same', () => {
  const bytes = Buffer.concat([Buffer.alloc(70 * 1024, 'x'), Buffer.from('then AWS and SeCrEt')]);
  const text = bytes.toString('utf8');
  const keywords = keywordsOf(builtin);
  expect(keywords.filter(keywordsIn(text, builtin, bytes))).toEqual(['aws', 'secret']);
  expect(keywords.filter(keywordsIn(text, builtin))).toEqual(['aws', 'secret']);
});

test.each([
  ['no keyword', 'nothing to see here', []],
  ['every letter case', 'AWS aWs Secret sEcReT', ['aws', 'secret']],
  ['overlapping keywords', 'ACCESSECRET', ['access', 'secret']],
  ['keywords with digits', 'A3Tx b3JpZ2lu', ['a3t', 'b3jpz2lu']],
  ['around non-ASCII text', 'é€😀credential😀€é', ['credential']],
])('%s', (_, text, expected) => {
  const found = both(Buffer.from(text));
  expect(found.bytes).toEqual(expected);
  expect(found.bytes).toEqual(found.text);
});

test('a keyword across a block boundary, or only blocks later, is found', () => {
  for (let end = BLOCK - 3; end <= BLOCK + 6; end++) {
    const bytes = Buffer.alloc(end, 'x');
    bytes.write('SeCrEt', end - 6, 'latin1');
    expect(both(bytes).bytes).toEqual(['secret']);
  }
  const late = Buffer.concat([Buffer.alloc(3 * BLOCK + 17, '-'), Buffer.from('aws')]);
  expect(both(late).bytes).toEqual(['aws']);
});

test('every keyword, at every place of the first vectors and where a block ends, is found', () => {
  // the filter looks at 16 places a vector and checks three letters back across vectors; a block is
  // copied with the next one's first bytes, so a keyword starting at its last place is seen whole
  for (const keyword of keywordsOf(builtin)) {
    for (let at = 0; at <= 40; at++) {
      const bytes = Buffer.alloc(48 + keyword.length, '.');
      bytes.write(keyword.toUpperCase(), at, 'latin1');
      expect({ keyword, at, found: both(bytes).bytes }).toEqual({ keyword, at, found: [keyword] });
    }
    for (let at = BLOCK - 20; at <= BLOCK + 4; at++) {
      for (const length of [at + keyword.length, BLOCK + 40]) {
        const bytes = Buffer.alloc(length, '-');
        bytes.write(keyword, at, 'latin1');
        expect({ keyword, at, length, found: both(bytes).bytes }).toEqual({
          keyword,
          at,
          length,
          found: [keyword],
        });
      }
    }
  }
});

/** The keywords a text holds, ASCII case ignored, found the slow and obvious way. */
function oracle(bytes: Buffer, keywords: readonly string[]): string[] {
  const folded = Buffer.from(bytes.map((byte) => (byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte)));
  const text = folded.toString('latin1');
  return keywords.filter((keyword) => text.includes(keyword)).sort();
}
const foundBy = (keywords: readonly string[], bytes: Buffer) =>
  [...(scannerFor(keywords)?.found(bytes) ?? ['no scanner'])].sort();

test('keywords of one or two letters, and bytes the filter folds onto letters, are told apart exactly', () => {
  const keywords = ['x', 'ab', 'a3t', 'key_id'];
  for (const text of ['', 'X', 'aB', 'A3T', 'a\x13t', '\x01b', 'KEY\x7fID', 'KEY_ID', 'a@b', '`b', 'zz']) {
    const bytes = Buffer.from(text, 'latin1');
    expect({ text, found: foundBy(keywords, bytes) }).toEqual({ text, found: oracle(bytes, keywords) });
  }
});

test('any set of keywords, planted anywhere in text that nearly holds them, in one block or more', () => {
  const keyword = fc.string({
    unit: fc.constantFrom('a', 'b', 'c', '3', '_', '-'),
    minLength: 1,
    maxLength: 7,
  });
  const input = fc.record({
    keywords: fc.uniqueArray(keyword, { minLength: 1, maxLength: 9 }),
    length: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: BLOCK - 40, max: BLOCK + 40 })),
    fill: fc.array(fc.constantFrom(...'abcABC3_-.x\x13\x01'), { minLength: 1, maxLength: 4 }),
    planted: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 4 }),
  });
  fc.assert(
    fc.property(input, ({ keywords, length, fill, planted }) => {
      const bytes = Buffer.alloc(length, fill.join(''), 'latin1');
      for (const [which, where, upper] of planted) {
        const word = keywords[which % keywords.length] as string;
        if (word.length <= length)
          bytes.write(upper ? word.toUpperCase() : word, where % (length - word.length + 1), 'latin1');
      }
      if (keywords.reduce((sum, word) => sum + word.length, 0) > 64) return;
      expect(foundBy(keywords, bytes)).toEqual(oracle(bytes, keywords));
    }),
    { numRuns: 600 },
  );
});

test('random UTF-8, invalid bytes and keyword pieces in any case: the same keywords as the regex finds', () => {
  const keywords = keywordsOf(builtin);
  const piece = fc.oneof(
    fc
      .constantFrom(...keywords)
      .chain((keyword) =>
        fc
          .array(fc.boolean(), { minLength: keyword.length, maxLength: keyword.length })
          .map((upper) => [...keyword].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
      ),
    fc.constantFrom(...keywords).map((keyword) => keyword.slice(0, -1)), // almost a keyword
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.string({ maxLength: 8 }),
  );
  const document = fc.tuple(
    fc.array(piece, { maxLength: 30 }).map((pieces) => Buffer.from(pieces.join(''))),
    fc.uint8Array({ maxLength: 64 }).map((raw) => Buffer.from(raw)), // ill-formed UTF-8 too
  );
  fc.assert(
    fc.property(document, ([text, raw]) => {
      const bytes = Buffer.concat([raw, text, raw]);
      const found = both(bytes);
      expect(found.bytes).toEqual(found.text);
    }),
    { numRuns: 2000 },
  );
});

test('keywords that do not fit 64 bits, or are not ASCII, get no byte scanner and keep the regex', () => {
  const long = Array.from({ length: 9 }, (_, i) => `keyword${i}`); // 72 bytes in all
  expect(byteKeywordScanner(long)).toBeUndefined();
  expect(byteKeywordScanner(['clé'])).toBeUndefined();
  expect(byteKeywordScanner(long.slice(0, 8))).toBeDefined(); // 64 bytes: the last bit is used
  // keywordsIn keeps the regex for them, even on a large file
  const rules = [{ keywords: long }] as unknown as Rule[];
  const bytes = Buffer.concat([Buffer.alloc(70 * 1024, 'x'), Buffer.from('a KEYWORD8 here')]);
  expect(long.filter(keywordsIn(bytes.toString('utf8'), rules, bytes))).toEqual(['keyword8']);
});

test('the 64th bit works: a keyword ending in the last bit of the state is found', () => {
  const keywords = Array.from({ length: 8 }, (_, i) => `keyword${i}`); // keyword7 ends at bit 63
  const scanner = byteKeywordScanner(keywords);
  expect([...(scanner?.found(Buffer.from('..KeyWord7..')) ?? [])]).toEqual(['keyword7']);
  expect([...(scanner?.found(Buffer.from('keyword7 keyword0')) ?? [])].sort()).toEqual([
    'keyword0',
    'keyword7',
  ]);
});

describe("bytes read into the scanner's input area, scanned where they lie", () => {
  /** `bytes` written at `at` into the input area, with `before` and `after` around them. */
  function placed(scanner: ByteKeywordScanner, bytes: Buffer, at = 0, before = '', after = ''): Buffer {
    const { input } = scanner;
    input.write(before, at - before.length, 'latin1');
    bytes.copy(input, at);
    input.write(after, at + bytes.length, 'latin1');
    return input.subarray(at, at + bytes.length);
  }

  test('any set of keywords, planted anywhere: the same keywords as copied block by block', () => {
    const keyword = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '3', '_'), minLength: 1, maxLength: 7 });
    const input = fc.record({
      keywords: fc.uniqueArray(keyword, { minLength: 1, maxLength: 9 }),
      length: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: BLOCK - 40, max: BLOCK + 40 })),
      at: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
      fill: fc.array(fc.constantFrom(...'abcABC3_.x'), { minLength: 1, maxLength: 4 }),
      planted: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(input, ({ keywords, length, at, fill, planted }) => {
        if (keywords.reduce((sum, word) => sum + word.length, 0) > 64) return;
        const scanner = scannerFor(keywords) as ByteKeywordScanner;
        const bytes = Buffer.alloc(length, fill.join(''), 'latin1');
        for (const [which, where] of planted) {
          const word = keywords[which % keywords.length] as string;
          if (word.length <= length) bytes.write(word, where % (length - word.length + 1), 'latin1');
        }
        // every keyword right before and right after: bytes of earlier files, which must not count
        const around = keywords.join('.');
        const view = placed(scanner, bytes, at + around.length, around, around);
        expect([...scanner.found(view)].sort()).toEqual(oracle(bytes, keywords));
      }),
      { numRuns: 400 },
    );
  });

  test('a keyword cut by the start or the end of the bytes is not found, one whole at either edge is', () => {
    const scanner = byteKeywordScanner(['secret', 'aws']) as ByteKeywordScanner;
    // "SECRET" lies across the start, "AWS" across the end: the scanner must not read past either (the
    // "AWS" near the start makes the exact stage run in the first vector, from the earliest place allowed)
    const cut = placed(scanner, Buffer.from(`CRET.AWS${'.'.repeat(40)}A`), 8, '..SE', 'WS..');
    expect([...scanner.found(cut)]).toEqual(['aws']);
    const whole = placed(scanner, Buffer.from(`SECRET${'.'.repeat(40)}AWS`), 8, 'xx', 'yy');
    expect([...scanner.found(whole)].sort()).toEqual(['aws', 'secret']);
    expect(scanner.input.length).toBe(INPUT_BYTES);
  });

  test('a file that fills the input area is scanned to its last byte', () => {
    const scanner = byteKeywordScanner(['aws', 'secret']) as ByteKeywordScanner;
    const view = scanner.input.fill('.'.charCodeAt(0));
    view.write('AWS', INPUT_BYTES - 3, 'latin1');
    expect([...scanner.found(view)]).toEqual(['aws']);
  });
});
