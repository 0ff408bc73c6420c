import type { Checker } from '../util/validate';

/**
 * Catastrophic-backtracking check for rules users bring (the built-in ones are checked by the test suite
 * against adversarial input). A pattern that can take exponential or high polynomial time on some input
 * would let one crafted file stall every scan of every repository that carries the rule — so it is
 * rejected before use, naming the rule and the kind of input that triggers it. recheck (automaton and
 * fuzzing analysis, the most thorough checker for JavaScript regexes) is loaded only when a user rule is.
 */
const TIMEOUT_MS = 2000;

export function checkBacktracking(pattern: RegExp, check: Checker, field = 'pattern'): void {
  // recheck's synchronous check runs its pure-JavaScript analyser in-process when asked to (its documented
  // RECHECK_SYNC_BACKEND switch) instead of a worker around a native binary: nothing to locate, so it
  // also works inside the bundled Action, and nothing is spawned.
  process.env.RECHECK_SYNC_BACKEND ??= 'pure';
  const { checkSync } = require('recheck') as typeof import('recheck');
  // recheck knows the flags that change matching; g and d only change what a match reports
  const flags = pattern.flags.replace(/[gd]/g, '');
  const diagnostics = checkSync(pattern.source, flags, { timeout: TIMEOUT_MS });
  if (diagnostics.status !== 'vulnerable') return;
  const complexity =
    diagnostics.complexity.type === 'exponential'
      ? 'exponential'
      : `polynomial (degree ${diagnostics.complexity.degree})`;
  check.report(
    `"${field}" can backtrack catastrophically: ${complexity} time on input like ${diagnostics.attack.pattern}`,
    'rewrite it so that no two parts can match the same text, e.g. avoid nested or adjacent quantifiers',
  );
}
