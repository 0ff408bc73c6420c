import { NO_FILTERS, scanFragment } from '../engine/fragment';
import type { Rule, RuleExample, RuleSet } from '../types';

/**
 * The rule self-test, shared by jest (`test/rules/`) and `keysweep rules check`: every example of a rule
 * must yield a finding of that rule through the real engine (keywords, entropy, allowlists, context and
 * pairing included), with the example's severity when it names one; every negative example must not.
 */
export interface RuleProblem {
  readonly ruleId: string;
  readonly origin: string;
  readonly message: string;
}

export function checkRules(ruleSet: RuleSet): RuleProblem[] {
  return ruleSet.rules.flatMap((rule) => [
    ...rule.examples.flatMap((example, i) => checkExample(rule, example, i, ruleSet)),
    ...rule.negativeExamples.flatMap((example, i) => checkNegative(rule, example, i, ruleSet)),
  ]);
}

function findingsOf(rule: Rule, example: RuleExample, ruleSet: RuleSet) {
  const fragment = { text: example.text, provenance: { kind: 'worktree' as const, path: 'example' } };
  return scanFragment(fragment, ruleSet, NO_FILTERS).findings.filter((finding) => finding.ruleId === rule.id);
}

function checkExample(rule: Rule, example: RuleExample, index: number, ruleSet: RuleSet): RuleProblem[] {
  const problem = (message: string) => [
    { ruleId: rule.id, origin: rule.origin, message: `examples[${index}]: ${message}` },
  ];
  const findings = findingsOf(rule, example, ruleSet);
  if (findings.length === 0) return problem('yields no finding of this rule');
  const wrong = findings.find((finding) => example.severity && finding.severity !== example.severity);
  if (wrong) return problem(`yields severity ${wrong.severity}, expected ${example.severity}`);
  return [];
}

function checkNegative(rule: Rule, example: RuleExample, index: number, ruleSet: RuleSet): RuleProblem[] {
  const findings = findingsOf(rule, example, ruleSet);
  if (findings.length === 0) return [];
  const where = findings.map((f) => `${f.location.line}:${f.location.column}`).join(', ');
  return [
    {
      ruleId: rule.id,
      origin: rule.origin,
      message: `negativeExamples[${index}]: yields a finding at ${where}`,
    },
  ];
}
