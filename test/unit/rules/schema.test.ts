import { parseRuleFile } from '../../../src/rules/schema';
import { FakeKeys } from '../../support/fake-keys';

const ORIGIN = 'rules/aws.yaml';
const keys = new FakeKeys(41);

function keyIdRule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'aws.access-key-id',
    title: 'AWS access key ID',
    severity: 'medium',
    keywords: ['AKIA'],
    pattern: '(AKIA[A-Z2-7]{16})',
    secretGroup: 1,
    remediation: 'Rotate the key.',
    examples: [`id = ${keys.keyId()}`],
    negativeExamples: ['id = none'],
    ...overrides,
  };
}

function secretRule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'aws.secret-access-key',
    title: 'AWS secret access key',
    severity: 'high',
    keywords: ['aws', 'secret'],
    pattern: '([A-Za-z0-9+/]{40})',
    secretGroup: 1,
    minEntropy: 4.0,
    mustContain: ['[a-z]', '[A-Z]'],
    unescape: true,
    allow: { secrets: ['EXAMPLE'] },
    context: { nearby: 'aws|secret', flags: 'i', linesBefore: 1, ruleInFile: ['aws.access-key-id'] },
    references: ['https://docs.aws.amazon.com/'],
    remediation: 'Rotate the secret.',
    examples: [{ text: `secret = ${keys.secret()}`, severity: 'high' }],
    negativeExamples: ['secret = none'],
    ...overrides,
  };
}

function credential(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'aws.long-term-key',
    title: 'AWS long-term access key pair',
    keyId: 'aws.access-key-id',
    secret: 'aws.secret-access-key',
    severity: 'critical',
    remediation: 'Deactivate the key.',
    ...overrides,
  };
}

function parse(document: unknown) {
  const problems: string[] = [];
  const file = parseRuleFile(document, ORIGIN, problems);
  return { ...file, problems };
}

describe('parseRuleFile: valid files', () => {
  it('compiles rules and credential kinds without problems', () => {
    const { rules, credentials, problems } = parse({
      rules: [keyIdRule(), secretRule()],
      credentials: [credential(), credential({ id: 'aws.temporary-key', token: 'aws.session-token' })],
    });
    expect(problems).toEqual([]);
    expect(rules.map((rule) => rule.id)).toEqual(['aws.access-key-id', 'aws.secret-access-key']);
    expect(credentials).toEqual([
      {
        id: 'aws.long-term-key',
        title: 'AWS long-term access key pair',
        keyIdRule: 'aws.access-key-id',
        secretRule: 'aws.secret-access-key',
        severity: 'critical',
        remediation: 'Deactivate the key.',
        origin: ORIGIN,
      },
      expect.objectContaining({ id: 'aws.temporary-key', tokenRule: 'aws.session-token' }),
    ]);
    expect(credentials[0]).not.toHaveProperty('tokenRule');
  });

  it('fills defaults for optional fields and lowercases keywords', () => {
    const [rule] = parse({ rules: [keyIdRule()] }).rules;
    expect(rule).toMatchObject({
      id: 'aws.access-key-id',
      severity: 'medium',
      keywords: ['akia'],
      secretGroup: 1,
      minEntropy: 0,
      mustContain: [],
      unescape: false,
      allowSecrets: [],
      references: [],
      origin: ORIGIN,
    });
    expect(rule?.context).toBeUndefined();
    expect(rule?.pattern.flags).toBe('dg');
    expect(rule?.examples).toEqual([{ text: expect.stringMatching(/^id = AKIA[Q-Z2-7][A-Z2-7]{15}$/) }]);
    expect(rule?.negativeExamples).toEqual([{ text: 'id = none' }]);
  });

  it('compiles patterns with "gd" plus the rule\'s flags, and the optional parts', () => {
    const [rule] = parse({ rules: [secretRule({ flags: 'i' })] }).rules;
    expect(rule?.pattern.flags).toBe('dgi');
    expect(rule?.minEntropy).toBe(4);
    expect(rule?.unescape).toBe(true);
    expect(rule?.mustContain.map(String)).toEqual(['/[a-z]/', '/[A-Z]/']);
    expect(rule?.allowSecrets.map(String)).toEqual(['/EXAMPLE/']);
    expect(rule?.context?.nearby?.flags).toBe('i');
    expect(rule?.context?.nearby?.test('AWS_KEY')).toBe(true);
    expect(rule?.context).toMatchObject({ linesBefore: 1, ruleInFile: ['aws.access-key-id'] });
    expect(rule?.references).toEqual(['https://docs.aws.amazon.com/']);
    expect(rule?.examples).toEqual([{ text: expect.stringMatching(/^secret = /), severity: 'high' }]);
  });

  it('accepts a context with only ruleInFile, and secretGroup 0', () => {
    const { rules, problems } = parse({
      rules: [secretRule({ secretGroup: 0, context: { ruleInFile: ['aws.access-key-id'] } })],
    });
    expect(problems).toEqual([]);
    expect(rules[0]?.secretGroup).toBe(0);
    expect(rules[0]?.context).toEqual({ linesBefore: 0, ruleInFile: ['aws.access-key-id'] });
  });

  it('accepts a file with neither rules nor credentials', () => {
    expect(parse({})).toEqual({ rules: [], credentials: [], problems: [] });
  });
});

describe('parseRuleFile: problems', () => {
  it('names the allow place for a bad allowlist regex', () => {
    const { problems } = parse({ rules: [secretRule({ allow: { secrets: ['(?i)example'] } })] });
    expect(problems).toEqual([
      `${ORIGIN}: rules[0] (aws.secret-access-key): allow: "secrets[0]" starts with "(?i)"; JavaScript RegExp has no inline flags (use flags: i)`,
    ]);
  });

  it('rejects context flags other than i, m, s, u, v (a sticky or global nearby would misfire)', () => {
    for (const flags of ['y', 'zz']) {
      const { problems, rules } = parse({ rules: [secretRule({ context: { nearby: 'aws', flags } })] });
      expect(problems).toEqual([
        `${ORIGIN}: rules[0] (aws.secret-access-key): context: "flags" may only contain i, m, s, u or v`,
      ]);
      expect(rules).toEqual([]);
    }
  });

  it('does not return a rule whose only problem is an unknown field', () => {
    const { problems, rules, credentials } = parse({
      rules: [keyIdRule({ negative_examples: [] })],
      credentials: [credential({ colour: 'red' })],
    });
    expect(problems).toHaveLength(2);
    expect(rules).toEqual([]);
    expect(credentials).toEqual([]);
  });

  it('names the field of a rule with the wrong type', () => {
    const { rules, problems } = parse({ rules: [keyIdRule(), secretRule({ minEntropy: 'high' })] });
    expect(problems).toEqual([`${ORIGIN}: rules[1] (aws.secret-access-key): "minEntropy" must be a number`]);
    expect(rules.map((rule) => rule.id)).toEqual(['aws.access-key-id']);
  });

  it('suggests the right name for a misspelt field of a rule without an id', () => {
    const rule = keyIdRule({ negative_examples: ['x'] });
    delete rule.id;
    delete rule.negativeExamples;
    const { rules, problems } = parse({ rules: [rule] });
    expect(problems).toEqual([
      `${ORIGIN}: rules[0]: unknown field "negative_examples" (did you mean "negativeExamples"?)`,
      `${ORIGIN}: rules[0]: "id" must be a non-empty string`,
      `${ORIGIN}: rules[0]: "negativeExamples" must be a non-empty list of examples`,
    ]);
    expect(rules).toEqual([]);
  });

  it('checks secretGroup against the number of capture groups', () => {
    expect(parse({ rules: [keyIdRule({ secretGroup: 2 })] }).problems).toEqual([
      `${ORIGIN}: rules[0] (aws.access-key-id): secretGroup is 2 but the pattern has 1 capture group`,
    ]);
    expect(parse({ rules: [keyIdRule({ pattern: '(A)(K)(?:I)', secretGroup: 3 })] }).problems).toEqual([
      `${ORIGIN}: rules[0] (aws.access-key-id): secretGroup is 3 but the pattern has 2 capture groups`,
    ]);
    expect(parse({ rules: [keyIdRule({ pattern: 'AKIA', secretGroup: 1 })] }).problems).toEqual([
      `${ORIGIN}: rules[0] (aws.access-key-id): secretGroup is 1 but the pattern has 0 capture groups`,
    ]);
    expect(parse({ rules: [keyIdRule({ secretGroup: 0.5 })] }).problems).toEqual([
      `${ORIGIN}: rules[0] (aws.access-key-id): secretGroup is 0.5 but the pattern has 1 capture group`,
    ]);
    expect(parse({ rules: [keyIdRule({ secretGroup: -1 })] }).problems).toEqual([
      `${ORIGIN}: rules[0] (aws.access-key-id): secretGroup is -1 but the pattern has 1 capture group`,
    ]);
  });

  it('reports every problem of a file at once', () => {
    const { rules, credentials, problems } = parse({
      rules: [
        keyIdRule({ id: 'AWS Key', severity: 'urgent', pattern: '(?i)akia' }),
        secretRule({ minEntropy: 'high', flags: 'g', keywords: [], unescape: 'yes' }),
        secretRule({ id: 'aws.third', context: { linesBefore: 2 } }),
      ],
      credentials: [credential({ secret: 7 })],
      extra: true,
    });
    expect(problems).toEqual([
      `${ORIGIN}: unknown field "extra"`,
      `${ORIGIN}: rules[0] (AWS Key): "id" must look like "provider.kebab-name"`,
      `${ORIGIN}: rules[0] (AWS Key): "pattern" starts with "(?i)"; JavaScript RegExp has no inline flags (use flags: i)`,
      `${ORIGIN}: rules[0] (AWS Key): "severity" must be one of low, medium, high, critical`,
      `${ORIGIN}: rules[1] (aws.secret-access-key): "flags" may only contain i, m, s, u or v`,
      `${ORIGIN}: rules[1] (aws.secret-access-key): "pattern" is not a valid regular expression: Invalid flags supplied to RegExp constructor 'gdg'`,
      `${ORIGIN}: rules[1] (aws.secret-access-key): "keywords" must not be empty`,
      `${ORIGIN}: rules[1] (aws.secret-access-key): "minEntropy" must be a number`,
      `${ORIGIN}: rules[1] (aws.secret-access-key): "unescape" must be true or false`,
      `${ORIGIN}: rules[2] (aws.third): context: needs "nearby" or "ruleInFile"`,
      `${ORIGIN}: credentials[0] (aws.long-term-key): "secret" must be a non-empty string`,
    ]);
    expect(problems).toHaveLength(11);
    expect(rules).toEqual([]);
    expect(credentials).toEqual([]);
  });

  it('reports problems inside context, allow and examples under their own place', () => {
    const { problems } = parse({
      rules: [
        secretRule({
          context: { nearby: '(?i)aws', linesBefore: -1, near: 'x' },
          allow: { secret: ['EXAMPLE'] },
          examples: [3, { text: 'x', severity: 'urgent' }, { text: '' }],
        }),
      ],
    });
    const at = `${ORIGIN}: rules[0] (aws.secret-access-key)`;
    expect(problems).toEqual([
      `${at}: allow: unknown field "secret" (did you mean "secrets"?)`,
      `${at}: context: unknown field "near" (did you mean "nearby"?)`,
      `${at}: context: "linesBefore" must be a whole number`,
      `${at}: context: "nearby" starts with "(?i)"; JavaScript RegExp has no inline flags (use flags: i)`,
      `${at}: examples[0]: an example must be a mapping`,
      `${at}: examples[1]: "severity" must be one of low, medium, high, critical`,
      `${at}: examples[2]: "text" must be a non-empty string`,
    ]);
  });

  it('reads a run, and refuses one that is not a single bracketed class or is too short', () => {
    const valid = parse({ rules: [secretRule({ run: { chars: '[A-Za-z0-9+/%\\\\]', min: 40 } })] });
    expect(valid.problems).toEqual([]);
    expect(valid.rules[0]?.run).toEqual({ chars: /[A-Za-z0-9+/%\\]/, min: 40 });
    expect(parse({ rules: [secretRule()] }).rules[0]?.run).toBeUndefined();
    const at = `${ORIGIN}: rules[0] (aws.secret-access-key): run`;
    const invalid = parse({ rules: [secretRule({ run: { chars: '[a-z]+', min: 8, max: 3 } })] });
    expect(invalid.problems).toEqual([
      `${at}: unknown field "max"`,
      `${at}: "min" must be a whole number of at least 16`,
      `${at}: "chars" must be one class of ASCII characters in brackets, such as [A-Za-z0-9+/]`,
    ]);
    expect(invalid.rules).toEqual([]);
    for (const chars of ['[^a-z]', '[\\w]', '[a-zé]', '[\\p{L}]'])
      expect(parse({ rules: [secretRule({ run: { chars, min: 40 } })] }).problems).toEqual([
        `${at}: "chars" must be one class of ASCII characters in brackets, such as [A-Za-z0-9+/]`,
      ]);
    expect(parse({ rules: [secretRule({ run: { chars: '[a-z', min: 40 } })] }).problems).toEqual([
      `${at}: "chars" must be one class of ASCII characters in brackets, such as [A-Za-z0-9+/]`,
      `${at}: "chars" is not a valid regular expression: Invalid regular expression: /[a-z/: Unterminated character class`,
    ]);
  });

  it('reads the characters a match can begin at inside a run, which must be of the run', () => {
    const run = (starts: unknown) =>
      parse({ rules: [secretRule({ run: { chars: '[A-Za-z%]', min: 40, starts } })] });
    expect(run('%').rules[0]?.run).toEqual({ chars: /[A-Za-z%]/, min: 40, starts: '%' });
    const problem = `${ORIGIN}: rules[0] (aws.secret-access-key): run: "starts" must be characters of "chars" (a match can begin outside a run anyway)`;
    expect(run('%=').problems).toEqual([problem]);
    for (const starts of ['', 3])
      expect(run(starts).problems).toEqual([
        `${ORIGIN}: rules[0] (aws.secret-access-key): run: "starts" must be a non-empty string`,
      ]);
  });

  it('lists every missing required field of an empty rule and credential kind', () => {
    const { rules, credentials, problems } = parse({ rules: [{}], credentials: [{}] });
    const rule = `${ORIGIN}: rules[0]`;
    const kind = `${ORIGIN}: credentials[0]`;
    expect(problems).toEqual([
      `${rule}: "id" must be a non-empty string`,
      `${rule}: "pattern" must be a non-empty string`,
      `${rule}: "secretGroup" must be a number`,
      `${rule}: "title" must be a non-empty string`,
      `${rule}: "severity" must be one of low, medium, high, critical`,
      `${rule}: "keywords" must be a list of non-empty strings`,
      `${rule}: "remediation" must be a non-empty string`,
      `${rule}: "examples" must be a non-empty list of examples`,
      `${rule}: "negativeExamples" must be a non-empty list of examples`,
      `${kind}: "id" must be a non-empty string`,
      `${kind}: "title" must be a non-empty string`,
      `${kind}: "keyId" must be a non-empty string`,
      `${kind}: "secret" must be a non-empty string`,
      `${kind}: "severity" must be one of low, medium, high, critical`,
      `${kind}: "remediation" must be a non-empty string`,
    ]);
    expect(rules).toEqual([]);
    expect(credentials).toEqual([]);
  });

  it('reports an allow or context that is not a mapping', () => {
    const at = `${ORIGIN}: rules[0] (aws.secret-access-key)`;
    expect(parse({ rules: [secretRule({ allow: ['EXAMPLE'], context: 'aws' })] }).problems).toEqual([
      `${at}: allow: value must be a mapping`,
      `${at}: context: value must be a mapping`,
    ]);
  });

  it('rejects a document, a list or an entry of the wrong shape', () => {
    expect(parse(['rules']).problems).toEqual([`${ORIGIN}: the rule file must be a mapping`]);
    expect(parse(null).problems).toEqual([`${ORIGIN}: the rule file must be a mapping`]);
    expect(parse({ rules: { id: 'aws.x' }, credentials: 'none' }).problems).toEqual([
      `${ORIGIN}: "rules" must be a list`,
      `${ORIGIN}: "credentials" must be a list`,
    ]);
    expect(parse({ rules: ['aws.x', null], credentials: [[]] }).problems).toEqual([
      `${ORIGIN}: rules[0]: a rule must be a mapping`,
      `${ORIGIN}: rules[1]: a rule must be a mapping`,
      `${ORIGIN}: credentials[0]: a credential kind must be a mapping`,
    ]);
  });

  it('appends to the problems already collected from other files', () => {
    const problems = ['rules/other.yaml: earlier problem'];
    parseRuleFile({ rules: [keyIdRule({ title: '' })] }, ORIGIN, problems);
    expect(problems).toEqual([
      'rules/other.yaml: earlier problem',
      `${ORIGIN}: rules[0] (aws.access-key-id): "title" must be a non-empty string`,
    ]);
  });
});
