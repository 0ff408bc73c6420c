import fc from 'fast-check';
import { detect } from '../../../src/engine/detect';
import { matchesWithinLine } from '../../../src/engine/within-line';
import { BUILTIN_RULES_DIR, loadRules } from '../../../src/rules/load';
import type { Rule } from '../../../src/types';
import { FakeKeys } from '../../support/fake-keys';

describe('matchesWithinLine', () => {
  it.each([
    ['aws|secret|access[_ .-]?key|credential', 'i'],
    ['token\\.id\\b', ''],
    ['[A-Za-z0-9_]{4,}', 'i'],
    ['\\d+\\w*', ''],
    ['[ -~]+', ''], // printable ASCII only: from 0x20 up
    ['a.b', 'm'], // without the s flag, . matches no line break
    ['(?:x|y)\\/(?=z)\\$', 'u'],
  ])('says yes to /%s/%s', (source, flags) => {
    expect(matchesWithinLine(new RegExp(source, flags))).toBe(true);
  });

  it.each([
    ['[^a]', ''],
    ['a.b', 's'],
    ['\\s', ''],
    ['\\S', ''],
    ['\\W', ''],
    ['\\D', ''],
    ['\\n', ''],
    ['\\r', ''],
    ['\\x0a', ''],
    ['\\u000a', ''],
    ['\\u{d}', 'u'],
    ['\\cJ', ''],
    ['\\12', ''], // an octal escape without the u flag
    ['[\\b-~]', ''], // \b is a backspace in a class, and starts a range over the breaks
    ['[\\t-\\r]', ''],
    ['[\t-z]', ''], // a tab written as itself starts such a range too
    ['a\nb', ''],
    ['\\p{L}', 'u'],
    ['[a]', 'v'],
    ['\\a', ''], // an identity escape: harmless, but not plain
  ])('says no to /%s/%s', (source, flags) => {
    expect(matchesWithinLine(new RegExp(source, flags))).toBe(false);
  });

  it('is never wrong when it says yes: no match of such a pattern holds a line break', () => {
    const piece = fc.constantFrom(
      'a',
      'b',
      '.',
      '\\s',
      '\\S',
      '\\w',
      '\\W',
      '\\d',
      '\\D',
      '[^a]',
      '[a-z]',
      '[ -~]',
      '[\\t-\\r]',
      '\\n',
      '\\x0d',
      '\\b',
      '\\B',
      '\\.',
      '(?:a|\\r)',
      '*',
      '+',
      '?',
      '|',
    );
    const pattern = fc
      .tuple(fc.array(piece, { minLength: 1, maxLength: 6 }), fc.constantFrom('', 'i', 's', 'm'))
      .map(([pieces, flags]) => {
        try {
          return new RegExp(pieces.join(''), `${flags}g`);
        } catch {
          return undefined; // a quantifier with nothing to repeat
        }
      })
      .filter((regex): regex is RegExp => regex !== undefined);
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', 'z', '1', ' ', '.', '\t', '\n', '\r'),
      maxLength: 30,
    });
    fc.assert(
      fc.property(pattern, text, (regex, subject) => {
        if (!matchesWithinLine(regex)) return;
        for (const match of subject.matchAll(regex)) expect(match[0]).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 3000 },
    );
  });
});

/**
 * The context search skips the rest of a line after a `nearby` hit when no hit can span lines. Exact:
 * the builtin rules must detect the same matches, and drop the same candidates, as with a `nearby` that
 * matches the same words but is not plain enough to be known line-bound (so every hit is looked at).
 */
describe('searching around nearby hits one line at a time', () => {
  const rules = loadRules([BUILTIN_RULES_DIR], process.cwd()).rules;
  const everyHit: Rule[] = rules.map((rule) =>
    rule.context?.nearby
      ? {
          ...rule,
          context: {
            ...rule.context,
            // [^]{0} matches nothing, and is a negated class: not known to stay within a line
            nearby: new RegExp(`(?:${rule.context.nearby.source})(?:[^]{0})`, rule.context.nearby.flags),
          },
        }
      : rule,
  );
  it('is what the rules were changed for', () => {
    const secretRule = rules.find((rule) => rule.id === 'aws.secret-access-key');
    expect(secretRule?.context?.nearby && matchesWithinLine(secretRule.context.nearby)).toBe(true);
    const copy = everyHit.find((rule) => rule.id === 'aws.secret-access-key');
    expect(copy?.context?.nearby && matchesWithinLine(copy.context.nearby)).toBe(false);
  });

  const keys = new FakeKeys(23);
  const tokens = [
    'aws',
    'AWS_SECRET_ACCESS_KEY=',
    'secret:',
    'credential',
    'access-key',
    'const',
    'value',
    '=',
    '"',
    ...Array.from({ length: 4 }, () => keys.secret()),
    ...Array.from({ length: 2 }, () => keys.keyId()),
    'a'.repeat(40),
    '0123456789abcdef0123456789abcdef01234567',
  ];
  const line = fc.array(fc.constantFrom(...tokens), { maxLength: 12 }).map((words) => words.join(' '));
  const document = fc
    .tuple(fc.array(line, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n', '\r'))
    .map(([lines, eol]) => lines.join(eol));
  const summary = (text: string, ruleSet: readonly Rule[]) => {
    const detection = detect(text, ruleSet);
    return {
      matches: detection.matches.map((match) => `${match.rule.id} ${match.start}-${match.end}`),
      suppressed: detection.suppressed,
    };
  };

  it('finds and drops the same as looking at every hit, in any text', () => {
    fc.assert(
      fc.property(document, (text) => {
        expect(summary(text, rules)).toEqual(summary(text, everyHit));
      }),
      { numRuns: 1500 },
    );
  });

  it('finds a secret whose context is the first word of a minified line', () => {
    const secret = keys.secret();
    const text = `aws_config={${'"x":1,'.repeat(20000)}"k":"${secret}"}`;
    const found = summary(text, rules);
    expect(found.matches).toEqual([
      `aws.secret-access-key ${text.indexOf(secret)}-${text.indexOf(secret) + 40}`,
    ]);
    expect(found).toEqual(summary(text, everyHit));
  });
});
