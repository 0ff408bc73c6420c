import { didYouMean, formatError, KeysweepError, ProblemsError, UsageError } from '../../src/errors';

const RULE_FIELDS = ['id', 'title', 'pattern', 'secretGroup', 'minEntropy', 'examples', 'negativeExamples'];

describe('didYouMean', () => {
  it('suggests the closest known name for a misspelling', () => {
    expect(didYouMean('negative_examples', RULE_FIELDS)).toBe('negativeExamples');
    expect(didYouMean('secretgroup', RULE_FIELDS)).toBe('secretGroup');
    expect(didYouMean('minEntorpy', RULE_FIELDS)).toBe('minEntropy');
    expect(didYouMean('exampels', RULE_FIELDS)).toBe('examples');
  });

  it('compares case-insensitively but returns the known spelling', () => {
    expect(didYouMean('MINENTROPY', RULE_FIELDS)).toBe('minEntropy');
  });

  it('suggests nothing for unrelated names or an empty list', () => {
    expect(didYouMean('colour', RULE_FIELDS)).toBeUndefined();
    expect(didYouMean('references', RULE_FIELDS)).toBeUndefined();
    expect(didYouMean('negativeExamples', [])).toBeUndefined();
  });

  it('allows more edits for longer names: max(2, length/3)', () => {
    // "abcdefxyz" (9 characters) allows 3 edits; "abcxyz" (6) allows 2
    expect(didYouMean('abcdefxyz', ['abcdefghi'])).toBe('abcdefghi');
    expect(didYouMean('abcdefwxyz', ['abcdefghij'])).toBeUndefined();
    expect(didYouMean('abcxyz', ['abcdef'])).toBeUndefined();
    expect(didYouMean('abcdxy', ['abcdef'])).toBe('abcdef');
  });

  it('prefers the closest candidate, and the first of equally close ones', () => {
    expect(didYouMean('rulez', ['rule', 'rules'])).toBe('rule');
    expect(didYouMean('rulesx', ['rule', 'rules'])).toBe('rules');
  });
});

describe('KeysweepError', () => {
  it('carries a code, a hint and a cause', () => {
    const cause = new Error('EACCES');
    const error = new KeysweepError('E_IO', 'out.json: cannot write', { hint: 'check permissions', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('KeysweepError');
    expect(error.code).toBe('E_IO');
    expect(error.message).toBe('out.json: cannot write');
    expect(error.hint).toBe('check permissions');
    expect(error.cause).toBe(cause);
  });

  it('has no hint or cause unless given', () => {
    const error = new KeysweepError('E_CONFIG', 'x');
    expect(error.hint).toBeUndefined();
    expect('cause' in error).toBe(false);
  });

  it('UsageError is an E_USAGE error with a default hint', () => {
    const error = new UsageError('unknown option --foo');
    expect(error).toBeInstanceOf(KeysweepError);
    expect(error.name).toBe('UsageError');
    expect(error.code).toBe('E_USAGE');
    expect(error.hint).toBe('run "keysweep --help" for usage');
    expect(new UsageError('x', 'try this').hint).toBe('try this');
  });

  it('ProblemsError keeps every problem and joins them into its message', () => {
    const error = new ProblemsError('E_RULES', ['a.yaml: one', 'b.yaml: two']);
    expect(error).toBeInstanceOf(KeysweepError);
    expect(error.name).toBe('ProblemsError');
    expect(error.code).toBe('E_RULES');
    expect(error.problems).toEqual(['a.yaml: one', 'b.yaml: two']);
    expect(error.message).toBe('a.yaml: one\nb.yaml: two');
    expect(error.hint).toBeUndefined();
  });
});

describe('formatError', () => {
  it('prefixes the message and appends the hint in parentheses', () => {
    expect(
      formatError(new KeysweepError('E_IO', 'out.json: cannot write', { hint: 'check permissions' })),
    ).toBe('keysweep: out.json: cannot write (check permissions)');
    expect(formatError(new UsageError('unknown option --foo'))).toBe(
      'keysweep: unknown option --foo (run "keysweep --help" for usage)',
    );
  });

  it('prints a message without a hint as is', () => {
    expect(formatError(new KeysweepError('E_CONFIG', '.keysweep.yaml: bad'))).toBe(
      'keysweep: .keysweep.yaml: bad',
    );
  });

  it('prints one prefixed line per problem of a ProblemsError', () => {
    const error = new ProblemsError('E_CONFIG', [
      '.keysweep.yaml: unknown field "disabled" (did you mean "disable"?)',
      '.keysweep.yaml: "rules" must be a list of non-empty strings',
    ]);
    expect(formatError(error)).toBe(
      [
        'keysweep: .keysweep.yaml: unknown field "disabled" (did you mean "disable"?)',
        'keysweep: .keysweep.yaml: "rules" must be a list of non-empty strings',
      ].join('\n'),
    );
  });
});
