import { keywordInput, keywordsIn, keywordsInBytes } from '../../../src/engine/keywords';
import type { Rule } from '../../../src/types';

// keywordsIn reads only the rules' keywords
const rules = [
  { keywords: ['aws', 'access', 'akia'] },
  { keywords: ['secret', 'ssec'] },
] as unknown as Rule[];
const found = (text: string) =>
  ['aws', 'access', 'akia', 'secret', 'ssec'].filter((keyword) => keywordsIn(text, rules)(keyword));

test.each([
  ['an empty text', '', []],
  ['no keyword', 'nothing to see here', []],
  ['any letter case', 'AWS Aws aWs', ['aws']],
  ['a keyword in mixed case', 'the AccEss key', ['access']],
  // a keyword found many times, then the others, far apart
  [
    'one keyword 10,000 times, then two more',
    `${'access '.repeat(10_000)}then AKIA and later secret`,
    ['access', 'akia', 'secret'],
  ],
  // keywords that overlap or sit inside one another are each found
  ['overlapping keywords', 'accessecret', ['access', 'secret', 'ssec']],
  ['adjacent keywords', 'awsaccess', ['aws', 'access']],
  ['a keyword at the very end', 'xSSEC', ['ssec']],
])('%s', (_, text, expected) => {
  expect(found(text)).toEqual(expected);
});

test('the same rule set gives the same answers on every call (cached scanners keep no state)', () => {
  const texts = ['secret aws', 'akia', 'access', 'secret aws'];
  const first = texts.map(found);
  expect(texts.map(found)).toEqual(first);
  expect(first).toEqual([['aws', 'secret'], ['akia'], ['access'], ['aws', 'secret']]);
});

test("keywordInput: the rules' byte scanner's input area once one is in use, where a file is scanned as it lies", () => {
  const own = [{ keywords: ['aws', 'secret'] }] as unknown as Rule[];
  expect(keywordInput(own)).toBeUndefined(); // no scanner yet: a small scan never loads one
  const copied = Buffer.from(`${'x'.repeat(100)} SECRET`);
  expect(['aws', 'secret'].filter(keywordsInBytes(copied, own) ?? (() => false))).toEqual(['secret']);
  const input = keywordInput(own) as Buffer;
  expect(input.length).toBeGreaterThanOrEqual(16 * 1024 * 1024);
  copied.copy(input);
  const inPlace = keywordsInBytes(input.subarray(0, copied.length), own);
  expect(['aws', 'secret'].filter(inPlace ?? (() => false))).toEqual(['secret']);
  expect(keywordInput(own)).toBe(input); // the same area every time
});
