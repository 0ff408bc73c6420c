import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NO_FILTERS, scanFragment } from '../../src/engine/fragment';
import { unescapeSecret } from '../../src/engine/unescape';
import { checkRules } from '../../src/rules/check';
import { BUILTIN_RULES_DIR, loadRules } from '../../src/rules/load';

/** The built-in rules run their own examples through the real engine (rules/check.ts), one test per example. */
const ruleSet = loadRules([BUILTIN_RULES_DIR], process.cwd());

describe.each(ruleSet.rules.map((rule) => [rule.id, rule] as const))('rule %s', (_id, rule) => {
  const findingsOf = (text: string) =>
    scanFragment({ text, provenance: { kind: 'worktree', path: 'example' } }, ruleSet, NO_FILTERS).findings;

  test.each(rule.examples.map((example, i) => [i, example] as const))(
    'example %i is found',
    (_i, example) => {
      const own = findingsOf(example.text).filter((finding) => finding.ruleId === rule.id);
      expect(own.length).toBeGreaterThan(0);
      if (example.severity) expect(own.map((finding) => finding.severity)).toContain(example.severity);
    },
  );

  test.each(rule.negativeExamples.map((example, i) => [i, example] as const))(
    'negative example %i is not',
    (_i, example) => {
      expect(findingsOf(example.text).filter((finding) => finding.ruleId === rule.id)).toEqual([]);
    },
  );

  test('locations point at the secret as written (the secretlint range bug)', () => {
    for (const example of rule.examples) {
      const lines = example.text.split(/\r\n|\r|\n/);
      for (const finding of findingsOf(example.text).filter((f) => f.ruleId === rule.id)) {
        const { line, column, endLine, endColumn } = finding.location;
        expect(endLine).toBe(line);
        const written = (lines[line - 1] ?? '').slice(column - 1, endColumn - 1);
        expect(unescapeSecret(written)).toBe(finding.secret);
      }
    }
  });
});

test('checkRules reports nothing for the built-in rules', () => {
  expect(checkRules(ruleSet)).toEqual([]);
});

test('checkRules catches a run that does not hold: the examples read as bytes and as text disagree', () => {
  // Without "%" and "\\" in the class, the escaped forms of a secret ("%2B", "\\/") break its run.
  const narrow = { chars: /[A-Za-z0-9+/]/, min: 40 };
  const rules = ruleSet.rules.map((rule) =>
    rule.id === 'aws.secret-access-key' ? { ...rule, run: narrow } : rule,
  );
  const problems = checkRules({ ...ruleSet, rules });
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) {
    expect(problem.ruleId).toBe('aws.secret-access-key');
    expect(problem.message).toMatch(
      /^examples\[\d+\]: gives different findings read as UTF-8 bytes and as text/,
    );
  }
});

test('rule ids are unique, provider-prefixed after their file, and listed in the README', () => {
  const ids = ruleSet.rules.map((rule) => rule.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const rule of ruleSet.rules) {
    expect(rule.id.split('.')[0]).toBe(path.basename(rule.origin).replace(/\.ya?ml$/, ''));
  }
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  for (const id of [...ids, ...ruleSet.credentials.map((kind) => kind.id)])
    expect(readme).toContain(`\`${id}\``);
});

test('every rule file in rules/ is loaded', () => {
  const files = readdirSync(BUILTIN_RULES_DIR).filter((name) => name.endsWith('.yaml'));
  expect(new Set(ruleSet.rules.map((rule) => path.basename(rule.origin)))).toEqual(new Set(files));
});

describe('patterns stay linear on adversarial input', () => {
  // Each input is ~1 MB; a catastrophically backtracking pattern would take minutes and hit jest's timeout.
  const adversarial = [
    'A'.repeat(1 << 20),
    'AKIA'.repeat(1 << 18),
    'aws_secret_access_key='.repeat(1 << 15),
    'Ab1/'.repeat(1 << 18),
    '%2F'.repeat(1 << 18),
    '\\/'.repeat(1 << 19),
    `IQoJb3JpZ2lu${'x'.repeat(1 << 20)}=`,
    'YXdz'.repeat(1 << 18),
  ];
  test.each(ruleSet.rules.map((rule) => [rule.id, rule] as const))('%s', (_id, rule) => {
    for (const input of adversarial) {
      const pattern = new RegExp(rule.pattern);
      let count = 0;
      for (let found = pattern.exec(input); found && count < 1e6; found = pattern.exec(input)) count++;
      expect(count).toBeLessThan(1e6);
    }
  });
});
