import fc from 'fast-check';
import { literalPrefixes } from '../../../src/engine/literal-prefixes';

describe('literalPrefixes', () => {
  it.each([
    ['aws|secret|access[_ .-]?key|credential', ['aws', 'secret', 'access', 'credential']],
    ['Token', ['token']],
    ['awsx?|secret', ['aws', 'secret']], // the x is optional
    ['aws|sec(ret|x)', ['aws', 'sec']], // the | inside the group does not split
    ['aws\\b|key[|]id', ['aws', 'key']],
  ])('reads the words every match of %s starts with', (source, expected) => {
    expect(literalPrefixes(source)).toEqual(expected);
  });

  it.each([
    'ab|cde', // too short to be worth looking for
    '(?:aws)|secret', // a group first
    '^aws', // an anchor first
    'aw[s]|secret', // a class within the first three characters
    'a\\wsx', // an escape
    'aws|', // an empty branch matches anywhere
    'a*ws',
  ])('gives no words for %s', (source) => {
    expect(literalPrefixes(source)).toBeUndefined();
  });

  it('never gives words a match can do without', () => {
    const piece = fc.constantFrom(
      'a',
      'b',
      'c',
      'ab',
      '[ab]',
      '(a|bc)',
      'c?',
      'b*',
      '.',
      '\\w',
      '|',
      'x{2}',
      ' ',
    );
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'B', 'x', ' '), maxLength: 30 });
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }), text, (pieces, sample) => {
        const source = pieces.join('');
        let regex: RegExp;
        try {
          regex = new RegExp(source, 'i');
        } catch {
          return; // not a valid pattern
        }
        const prefixes = literalPrefixes(source);
        if (!prefixes) return;
        const match = regex.exec(sample);
        if (match) expect(prefixes.some((prefix) => match[0].toLowerCase().startsWith(prefix))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
