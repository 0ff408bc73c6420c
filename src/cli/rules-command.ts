import path from 'node:path';
import { checkRules } from '../rules/check';
import { BUILTIN_RULES_DIR, loadRules } from '../rules/load';
import type { Io } from './run';

/** `keysweep rules list` and `keysweep rules check [DIR]` (the same self-test jest runs on rules/). */
export function rulesListCommand(io: Io): number {
  const ruleSet = loadRules([BUILTIN_RULES_DIR], io.cwd);
  const width = Math.max(...ruleSet.rules.map((rule) => rule.id.length));
  const lines = ruleSet.rules.map(
    (rule) => `${rule.id.padEnd(width)}  ${rule.severity.padEnd(8)}  ${rule.title}`,
  );
  const kinds = ruleSet.credentials.map(
    (kind) =>
      `${kind.id.padEnd(width)}  ${kind.severity.padEnd(8)}  ${kind.title}: ${[kind.keyIdRule, kind.secretRule, kind.tokenRule].filter(Boolean).join(' + ')}`,
  );
  io.stdout.write(
    `${['Rules (severity when found alone):', ...lines, '', 'Credentials (severity when paired in one file):', ...kinds].join('\n')}\n`,
  );
  return 0;
}

/** Exit 0 when every example behaves, 1 when one does not, 2 (thrown) when a rule file is invalid. */
export function rulesCheckCommand(dir: string | undefined, io: Io): number {
  const target = dir ? path.resolve(io.cwd, dir) : BUILTIN_RULES_DIR;
  // User rules may lean on built-in ones (pairing, context), so they are checked together with them.
  const sources = target === BUILTIN_RULES_DIR ? [BUILTIN_RULES_DIR] : [BUILTIN_RULES_DIR, target];
  const ruleSet = loadRules(sources, io.cwd);
  const problems = checkRules(ruleSet);
  for (const problem of problems)
    io.stdout.write(`${problem.origin}: ${problem.ruleId}: ${problem.message}\n`);
  const examples = ruleSet.rules.reduce(
    (sum, rule) => sum + rule.examples.length + rule.negativeExamples.length,
    0,
  );
  io.stdout.write(
    problems.length === 0
      ? `${ruleSet.rules.length} rules, ${examples} examples: all behave as stated\n`
      : `${problems.length} of ${examples} examples do not behave as stated\n`,
  );
  return problems.length === 0 ? 0 : 1;
}
