import path from 'node:path';
import { ProblemsError } from '../../../src/errors';
import { displayPath, loadRules } from '../../../src/rules/load';
import { TempTree } from '../../support/temp-tree';

test('displayPath is relative inside cwd (even for names starting with ".."), absolute outside', () => {
  const cwd = path.join(path.sep, 'work');
  expect(displayPath(path.join(cwd, 'rules', 'aws.yaml'), cwd)).toBe('rules/aws.yaml');
  expect(displayPath(path.join(cwd, '..config.yaml'), cwd)).toBe('..config.yaml');
  expect(displayPath(path.join(path.sep, 'elsewhere', 'x.yaml'), cwd)).toBe(
    path.join(path.sep, 'elsewhere', 'x.yaml'),
  );
});

test('problems across files are collected: duplicate ids and dangling references', () => {
  const tree = new TempTree();
  try {
    const rule = (id: string, extra: string[] = []) => [
      `  - id: ${id}`,
      '    title: T',
      '    severity: low',
      '    keywords: [x]',
      "    pattern: '(x+)'",
      '    secretGroup: 1',
      '    remediation: R',
      '    examples: [x]',
      '    negativeExamples: [y]',
      ...extra,
    ];
    tree.write('a.yaml', ['rules:', ...rule('acme.one')].join('\n'));
    tree.write(
      'b.yaml',
      [
        'rules:',
        ...rule('acme.one'),
        ...rule('acme.two', ['    context: { ruleInFile: [acme.none] }']),
        'credentials:',
        '  - { id: acme.pair, title: P, keyId: acme.one, secret: acme.missing, severity: high, remediation: R }',
      ].join('\n'),
    );
    tree.write('notes.txt', 'not a rule file');
    let error: unknown;
    try {
      loadRules([tree.root], tree.root);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProblemsError);
    expect((error as ProblemsError).problems).toEqual([
      'b.yaml: rule id "acme.one" is defined more than once',
      'b.yaml: credentials (acme.pair): no rule "acme.missing"',
      'b.yaml: rule acme.two: context.ruleInFile names no rule "acme.none"',
    ]);
  } finally {
    tree.remove();
  }
});

test('a missing rules path and invalid YAML are named', () => {
  const tree = new TempTree();
  try {
    expect(() => loadRules(['nope'], tree.root)).toThrow('nope: cannot read rules (ENOENT)');
    tree.write('bad.yaml', 'rules: [unclosed\n');
    expect(() => loadRules(['bad.yaml'], tree.root)).toThrow(/^bad\.yaml: invalid YAML: /);
  } finally {
    tree.remove();
  }
});
