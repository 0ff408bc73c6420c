import { NO_FILTERS, scanFragment } from '../engine/fragment';
import type { Finding, Rule, RuleExample, RuleSet } from '../types';

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

/**
 * The example's findings of this rule, as a UTF-8 file gets them (the prefilters read its bytes, a
 * rule's `run` shortcut applies), checked against the text-only path a UTF-16 file takes: a `run` that
 * does not hold for the example shows up as the two disagreeing.
 */
function findingsOf(rule: Rule, example: RuleExample, ruleSet: RuleSet) {
  const provenance = { kind: 'worktree' as const, path: 'example' };
  const utf8 = Buffer.from(example.text, 'utf8');
  const ofRule = (findings: readonly Finding[]) => findings.filter((finding) => finding.ruleId === rule.id);
  const asFile = ofRule(
    scanFragment({ text: example.text, utf8, shortcuts: 'always', provenance }, ruleSet, NO_FILTERS).findings,
  );
  const asText = ofRule(scanFragment({ text: example.text, provenance }, ruleSet, NO_FILTERS).findings);
  const disagree = JSON.stringify(asFile) !== JSON.stringify(asText);
  return { findings: asFile, disagree };
}

const DISAGREE = 'gives different findings read as UTF-8 bytes and as text (does its "run" hold?)';

function checkExample(rule: Rule, example: RuleExample, index: number, ruleSet: RuleSet): RuleProblem[] {
  const problem = (message: string) => [
    { ruleId: rule.id, origin: rule.origin, message: `examples[${index}]: ${message}` },
  ];
  const { findings, disagree } = findingsOf(rule, example, ruleSet);
  if (disagree) return problem(DISAGREE);
  if (findings.length === 0) return problem('yields no finding of this rule');
  const wrong = findings.find((finding) => example.severity && finding.severity !== example.severity);
  if (wrong) return problem(`yields severity ${wrong.severity}, expected ${example.severity}`);
  return [];
}

function checkNegative(rule: Rule, example: RuleExample, index: number, ruleSet: RuleSet): RuleProblem[] {
  const { findings, disagree } = findingsOf(rule, example, ruleSet);
  if (disagree)
    return [{ ruleId: rule.id, origin: rule.origin, message: `negativeExamples[${index}]: ${DISAGREE}` }];
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
