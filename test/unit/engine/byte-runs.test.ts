import fc from 'fast-check';
import { type Decoding, MIN_RUN, runFinder } from '../../../src/engine/byte-runs';
import { detect } from '../../../src/engine/detect';
import { BUILTIN_RULES_DIR, loadRules } from '../../../src/rules/load';
import { FakeKeys } from '../../support/fake-keys';

const BASE64ISH = /[A-Za-z0-9+/%\\]/;
const BLOCK = 64 * 1024; // the finder's block: a run must carry across it

/** [start, end, text] of each run, from the finder, over the text's UTF-8 (or, ASCII aside, latin1) bytes. */
function runsIn(
  text: string,
  chars = BASE64ISH,
  min = 40,
  decoding: Decoding = 'utf8',
): [number, number, string][] {
  const bytes = Buffer.from(text, decoding === 'utf8' ? 'utf8' : 'latin1');
  const flat = runFinder(chars, min).runs(bytes, decoding);
  const runs: [number, number, string][] = [];
  for (let k = 0; k < flat.length; k += 2) {
    const [start, end] = [flat[k] as number, flat[k + 1] as number];
    runs.push([start, end, text.slice(start, end)]);
  }
  return runs;
}

/** The oracle: a regex over the text (every run is a maximal match of the class repeated min+ times). */
function expectedRuns(text: string, chars = BASE64ISH, min = 40): [number, number, string][] {
  const all = new RegExp(`${chars.source}{${min},}`, 'g');
  return [...text.matchAll(all)].map((m) => [m.index, m.index + m[0].length, m[0]]);
}

test('runs of at least min characters, with their exact bounds, at the start and the end too', () => {
  const run40 = 'a'.repeat(40);
  for (const text of [
    '',
    'short words',
    `${run40}`,
    `x=${run40};`,
    `${'b'.repeat(39)} ${run40}`,
    `${run40}=${run40}`,
  ])
    expect(runsIn(text)).toEqual(expectedRuns(text));
  expect(runsIn(`x=${'b'.repeat(39)};`)).toEqual([]);
});

test('a run across a block boundary, or through several blocks, is one run', () => {
  for (const start of [BLOCK - 41, BLOCK - 20, BLOCK - 1, BLOCK]) {
    const text = `${'-'.repeat(start)}${'Q'.repeat(45)}--`;
    expect(runsIn(text)).toEqual([[start, start + 45, 'Q'.repeat(45)]]);
  }
  const long = `-${'Z'.repeat(3 * BLOCK + 5)}`;
  expect(runsIn(long).map(([start, end]) => [start, end])).toEqual([[1, long.length]]);
});

test('offsets are UTF-16 units of the decoded text, whatever characters come before', () => {
  const run = 'R'.repeat(40);
  const text = `é€😀 ${run} ü😀😀 ${run}é`;
  expect(runsIn(text)).toEqual(expectedRuns(text));
  expect(runsIn(text).map(([, , found]) => found)).toEqual([run, run]);
});

test('bytes from 0x80 up are never part of a run (the class is ASCII)', () => {
  const text = `x${'\u00e9'.repeat(20)}y`; // latin1: twenty 0xE9 bytes, each one unit when decoded
  expect(runsIn(text, /[ -~]/, 16, 'byte-per-unit')).toEqual([]);
  const ascii = `\u00e9${'a'.repeat(20)}\u00e9`;
  expect(runsIn(ascii, /[a-z]/, 16, 'byte-per-unit')).toEqual([[1, 21, 'a'.repeat(20)]]);
});

test('a run starting and ending at every lane of a vector, after multi-byte characters in it or not', () => {
  // the finder reads 16 bytes at a time: a run may begin and end at any lane, and the UTF-16 units of
  // the bytes before it in its vector (é: two bytes, one unit; 😀: four bytes, two units) must be counted
  for (const lead of ['', 'é', '😀', 'x😀é']) {
    for (let at = 0; at < 20; at++) {
      for (const length of [15, 16, 17, 31, 32, 33, 40, 47, 48]) {
        const text = `${'-'.repeat(at)}${lead}${'k'.repeat(length)}=${lead}`;
        expect({ lead, at, length, runs: runsIn(text, /[a-z]/, 16) }).toEqual({
          lead,
          at,
          length,
          runs: expectedRuns(text, /[a-z]/, 16),
        });
      }
    }
  }
});

test('a run ending a file or a block in the middle of a vector, in one byte per unit or in UTF-8', () => {
  for (const length of [BLOCK - 17, BLOCK - 3, BLOCK, BLOCK + 1, BLOCK + 15, 2 * BLOCK + 7]) {
    for (const runLength of [16, 40]) {
      const text = `${'é'.repeat(length - runLength)}${'Q'.repeat(runLength)}`;
      for (const decoding of ['byte-per-unit', 'utf8'] as const)
        expect({ length, runLength, decoding, runs: runsIn(text, /[A-Z]/, 16, decoding) }).toEqual({
          length,
          runLength,
          decoding,
          runs: [[length - runLength, length, 'Q'.repeat(runLength)]],
        });
    }
  }
});

test('random texts across block boundaries: the same runs as the regex oracle', () => {
  const piece = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'Z', '9', '/'), minLength: 1, maxLength: 70 }),
    fc.constantFrom(' ', '\u00ff', 'é', '€', '😀'),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: BLOCK - 120, max: BLOCK + 8 }),
      fc.array(piece, { maxLength: 12 }),
      (pad, pieces) => {
        const text = `${'p'.repeat(pad)}.${pieces.join('')}`;
        expect(runsIn(text, BASE64ISH, 16)).toEqual(expectedRuns(text, BASE64ISH, 16));
      },
    ),
    { numRuns: 150 },
  );
});

test(`a run shorter than ${MIN_RUN} is refused`, () => {
  expect(() => runFinder(/[a-z]/, MIN_RUN - 1)).toThrow(`at least ${MIN_RUN}`);
});

test('random texts: the same runs as the regex oracle', () => {
  const piece = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'Z', '9', '+', '/', '%', '\\'), minLength: 1, maxLength: 60 }),
    fc.constantFrom(' ', '=', '\n', '"', '\u00ff', 'é', '€', '😀'),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), fc.integer({ min: MIN_RUN, max: 50 }), (pieces, min) => {
      const text = pieces.join('');
      expect(runsIn(text, BASE64ISH, min)).toEqual(expectedRuns(text, BASE64ISH, min));
    }),
    { numRuns: 1000 },
  );
});

test('detect finds the same matches with the run shortcut (UTF-8 bytes) as without (text alone)', () => {
  const ruleSet = loadRules([BUILTIN_RULES_DIR], process.cwd());
  const keys = new FakeKeys(20261129);
  const line = fc.oneof(
    fc.constant(() => `aws_secret_access_key = ${keys.secret()}`),
    fc.constant(() => `const value = "${keys.secret()}";`),
    fc.constant(() => `id = ${keys.keyId()}`),
    // key ids (20 of [A-Z0-9acd] in a row, for their escapes) after every boundary their pattern allows
    fc
      .tuple(
        fc.constantFrom(
          '',
          '=',
          '%3D',
          '%3d',
          '%2c',
          '%2C',
          '%3a',
          '%26',
          '%20',
          '\\n',
          '\\t',
          'Q',
          'a',
          '9',
        ),
        fc.constantFrom(
          () => keys.keyId(),
          () => keys.legacyKeyId(),
          () => keys.keyId('A3TX'),
          () => keys.tempKeyId(),
        ),
        fc.constantFrom('', '%26', 'Z', 'acd', '"'),
      )
      .map(
        ([before, id, after]) =>
          () =>
            `key${before}${id()}${after}`,
      ),
    fc.constant(() => `"secret": "${keys.secret().replace(/\//g, '\\/')}"`),
    fc.constant(() => `url = "https://x.invalid/?aws_secret=${encodeURIComponent(keys.secret())}"`),
    fc.constant(() => `blob = "${keys.secret()}${keys.secret()}"`),
    // what sits right before and after a 40-character run decides whether it is a secret at all
    fc
      .tuple(fc.constantFrom('', '=', '%3D', '\\n', ':'), fc.constantFrom('', '=', '==', '%3D', '\\/', '.'))
      .map(
        ([before, after]) =>
          () =>
            `aws ${before}${keys.secret()}${after}`,
      ),
    // secrets inside one long run of the class, where only its "%" and "\\" can begin a match (run.starts)
    fc.constant(() => `q=aws%3D${keys.secret()}%26b%3D${keys.secret()}%2F${keys.secret()}%26`),
    fc.constant(() => `aws "\\n${keys.secret()}\\n${keys.secret()}\\t${keys.secret()}${keys.secret()}"`),
    fc.string({ maxLength: 80 }).map((text) => () => text.replace(/[^\x20-\x7e]/g, '?')),
    // multi-byte UTF-8 before and after: enough of it to move a run's offsets well past the margin
    fc.constantFrom('é', '€ ', '😀', 'ü=', 'é'.repeat(30), '😀'.repeat(12)).map((text) => () => text),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', ' ; '), (lines, glue) => {
      const text = lines.map((make) => make()).join(glue);
      const summary = (utf8?: Buffer) => {
        const found = detect(text, ruleSet.rules, utf8, true);
        return {
          matches: found.matches.map((m) => [m.rule.id, m.start, m.end, m.secret]),
          found: found.suppressed,
        };
      };
      expect(summary(Buffer.from(text, 'utf8'))).toEqual(summary());
    }),
    { numRuns: 500 },
  );
});
