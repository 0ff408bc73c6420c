/**
 * Fatal errors. Everything that should stop a run (bad usage, config, rules, I/O on an input the user
 * named) is a `KeysweepError`; per-file trouble is a warning instead. Messages follow one shape,
 * `<where>: <what went wrong>`, with an optional hint printed in parentheses, and never contain a secret.
 */

export type ErrorCode = 'E_USAGE' | 'E_CONFIG' | 'E_RULES' | 'E_IO' | 'E_GIT';

export class KeysweepError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeysweepError';
    this.code = code;
    this.hint = options.hint;
  }
}

export class UsageError extends KeysweepError {
  constructor(message: string, hint = 'run "keysweep --help" for usage') {
    super('E_USAGE', message, { hint });
    this.name = 'UsageError';
  }
}

/** Collects every problem in a config or rule file so the user can fix them all in one pass. */
export class ProblemsError extends KeysweepError {
  readonly problems: readonly string[];

  constructor(code: 'E_CONFIG' | 'E_RULES', problems: readonly string[]) {
    super(code, problems.join('\n'));
    this.name = 'ProblemsError';
    this.problems = problems;
  }
}

/** The one-line (or, for aggregated problems, one-line-each) form printed by the CLI. */
export function formatError(error: KeysweepError): string {
  const lines = error instanceof ProblemsError ? error.problems : [error.message];
  const text = lines.map((line) => `keysweep: ${line}`).join('\n');
  return error.hint ? `${text} (${error.hint})` : text;
}

/** Suggests the closest known name for a misspelt key, esbuild/yargs style. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    // Up to a third of the longer name may differ (at least one character): close enough to be a typo.
    const allowed = Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
