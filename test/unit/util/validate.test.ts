import { Checker } from '../../../src/util/validate';

const WHERE = 'rules/aws.yaml: rules[0] (aws.x)';

function checker(): Checker {
  return new Checker([], WHERE);
}

describe('Checker.report and at', () => {
  it('prefixes the place and appends an optional hint', () => {
    const check = checker();
    check.report('something is wrong');
    check.report('something else', 'try this');
    expect(check.problems).toEqual([`${WHERE}: something is wrong`, `${WHERE}: something else (try this)`]);
  });

  it('at() reports to the same list under another place', () => {
    const check = checker();
    check.at(`${WHERE}: context`).report('inner');
    check.report('outer');
    expect(check.problems).toEqual([`${WHERE}: context: inner`, `${WHERE}: outer`]);
  });
});

describe('Checker.object', () => {
  const known = ['examples', 'negativeExamples', 'pattern'];

  it('returns a mapping with only known fields, reporting nothing', () => {
    const check = checker();
    const value = { pattern: 'x', examples: [] };
    expect(check.object(value, known)).toBe(value);
    expect(check.problems).toEqual([]);
  });

  it('reports each unknown field, with a suggestion when one is close', () => {
    const check = checker();
    const value = { negative_examples: [], colour: 'red', pattern: 'x' };
    expect(check.object(value, known)).toBe(value);
    expect(check.problems).toEqual([
      `${WHERE}: unknown field "negative_examples" (did you mean "negativeExamples"?)`,
      `${WHERE}: unknown field "colour"`,
    ]);
  });

  it.each([[null], [[]], ['text'], [3], [undefined]])('rejects %j as not a mapping', (value) => {
    const check = checker();
    expect(check.object(value, known, 'a rule')).toBeUndefined();
    expect(check.problems).toEqual([`${WHERE}: a rule must be a mapping`]);
  });

  it('names the value "value" by default', () => {
    const check = checker();
    check.object([], known);
    expect(check.problems).toEqual([`${WHERE}: value must be a mapping`]);
  });
});

describe('Checker field types', () => {
  it('string: non-empty string required unless optional', () => {
    const check = checker();
    const fields = { a: 'ok', b: '', c: '   ', d: 3, e: null };
    expect(check.string(fields, 'a')).toBe('ok');
    expect(check.string(fields, 'b')).toBeUndefined();
    expect(check.string(fields, 'c')).toBeUndefined();
    expect(check.string(fields, 'd')).toBeUndefined();
    expect(check.string(fields, 'e', false)).toBeUndefined();
    expect(check.string(fields, 'missing')).toBeUndefined();
    expect(check.string(fields, 'missing', false)).toBeUndefined();
    expect(check.problems).toEqual([
      `${WHERE}: "b" must be a non-empty string`,
      `${WHERE}: "c" must be a non-empty string`,
      `${WHERE}: "d" must be a non-empty string`,
      `${WHERE}: "e" must be a non-empty string`,
      `${WHERE}: "missing" must be a non-empty string`,
    ]);
  });

  it('number: finite numbers only', () => {
    const check = checker();
    const fields = { a: 4.5, b: 0, c: '4', d: Number.NaN, e: Number.POSITIVE_INFINITY };
    expect(check.number(fields, 'a')).toBe(4.5);
    expect(check.number(fields, 'b')).toBe(0);
    expect(check.number(fields, 'c')).toBeUndefined();
    expect(check.number(fields, 'd')).toBeUndefined();
    expect(check.number(fields, 'e')).toBeUndefined();
    expect(check.number(fields, 'missing', false)).toBeUndefined();
    expect(check.number(fields, 'missing')).toBeUndefined();
    expect(check.problems).toEqual([
      `${WHERE}: "c" must be a number`,
      `${WHERE}: "d" must be a number`,
      `${WHERE}: "e" must be a number`,
      `${WHERE}: "missing" must be a number`,
    ]);
  });

  it('boolean: optional, true or false only', () => {
    const check = checker();
    const fields = { a: true, b: false, c: 'yes', d: 1 };
    expect(check.boolean(fields, 'a')).toBe(true);
    expect(check.boolean(fields, 'b')).toBe(false);
    expect(check.boolean(fields, 'c')).toBeUndefined();
    expect(check.boolean(fields, 'd')).toBeUndefined();
    expect(check.boolean(fields, 'missing')).toBeUndefined();
    expect(check.problems).toEqual([
      `${WHERE}: "c" must be true or false`,
      `${WHERE}: "d" must be true or false`,
    ]);
  });

  it('oneOf: one of the listed choices', () => {
    const check = checker();
    const choices = ['low', 'medium', 'high'] as const;
    const fields = { a: 'high', b: 'HIGH', c: 2 };
    expect(check.oneOf(fields, 'a', choices)).toBe('high');
    expect(check.oneOf(fields, 'b', choices)).toBeUndefined();
    expect(check.oneOf(fields, 'c', choices)).toBeUndefined();
    expect(check.oneOf(fields, 'missing', choices, false)).toBeUndefined();
    expect(check.oneOf(fields, 'missing', choices)).toBeUndefined();
    expect(check.problems).toEqual([
      `${WHERE}: "b" must be one of low, medium, high`,
      `${WHERE}: "c" must be one of low, medium, high`,
      `${WHERE}: "missing" must be one of low, medium, high`,
    ]);
  });

  it('strings: a list of non-empty strings, optionally required and non-empty', () => {
    const check = checker();
    const fields = { a: ['x', 'y'], b: [], c: ['x', ''], d: 'x', e: ['x', 3] };
    expect(check.strings(fields, 'a')).toEqual(['x', 'y']);
    expect(check.strings(fields, 'b')).toEqual([]);
    expect(check.problems).toEqual([]);
    expect(check.strings(fields, 'b', { nonEmpty: true })).toEqual([]);
    expect(check.strings(fields, 'c')).toEqual([]);
    expect(check.strings(fields, 'd')).toEqual([]);
    expect(check.strings(fields, 'e')).toEqual([]);
    expect(check.strings(fields, 'missing')).toEqual([]);
    expect(check.strings(fields, 'missing', { required: true })).toEqual([]);
    expect(check.problems).toEqual([
      `${WHERE}: "b" must not be empty`,
      `${WHERE}: "c" must be a list of non-empty strings`,
      `${WHERE}: "d" must be a list of non-empty strings`,
      `${WHERE}: "e" must be a list of non-empty strings`,
      `${WHERE}: "missing" must be a list of non-empty strings`,
    ]);
  });
});

describe('Checker.regex', () => {
  it('compiles a valid pattern with the given flags', () => {
    const check = checker();
    const regex = check.regex('a(b)c', 'gi', 'pattern');
    expect(regex?.source).toBe('a(b)c');
    expect(regex?.flags).toBe('gi');
    expect(check.problems).toEqual([]);
  });

  it('explains that JavaScript has no inline flags', () => {
    const check = checker();
    expect(check.regex('(?i)aws_secret', '', 'pattern')).toBeUndefined();
    expect(check.regex('(?im)x', '', 'nearby')).toBeUndefined();
    expect(check.problems).toEqual([
      `${WHERE}: "pattern" starts with "(?i)"; JavaScript RegExp has no inline flags (use flags: i)`,
      `${WHERE}: "nearby" starts with "(?im)"; JavaScript RegExp has no inline flags (use flags: im)`,
    ]);
  });

  it("reports the engine's complaint about an invalid pattern or invalid flags", () => {
    const check = checker();
    expect(check.regex('(', 'gd', 'pattern')).toBeUndefined();
    expect(check.regex('a', 'x', 'pattern')).toBeUndefined();
    expect(check.problems).toEqual([
      `${WHERE}: "pattern" is not a valid regular expression: Invalid regular expression: /(/dg: Unterminated group`,
      `${WHERE}: "pattern" is not a valid regular expression: Invalid flags supplied to RegExp constructor 'x'`,
    ]);
  });

  it('regexes: compiles a list, naming each bad entry by index', () => {
    const check = checker();
    const compiled = check.regexes({ mustContain: ['[a-z]', '(?i)x', '[A-Z]', '['] }, 'mustContain', 'u');
    expect(compiled.map((regex) => `${regex.source}/${regex.flags}`)).toEqual(['[a-z]/u', '[A-Z]/u']);
    expect(check.problems).toEqual([
      `${WHERE}: "mustContain[1]" starts with "(?i)"; JavaScript RegExp has no inline flags (use flags: i)`,
      `${WHERE}: "mustContain[3]" is not a valid regular expression: Invalid regular expression: /[/u: Unterminated character class`,
    ]);
    expect(check.regexes({}, 'mustContain')).toEqual([]);
  });
});
