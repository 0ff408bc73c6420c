import type { LineIndex } from '../engine/line-index';
import type { Match } from '../types';

/**
 * Suppression after detection, in precedence order: the config's path globs, the config's secret
 * regexes, then a `keysweep:allow` comment on the matched line (gitleaks' `gitleaks:allow`). Each
 * returns the name of the check that suppressed a match, counted in the scan statistics.
 */
export interface Allowlist {
  /** picomatch globs relative to the scanned root. */
  readonly paths: readonly string[];
  /** Regexes tested on the decoded secret. */
  readonly secrets: readonly RegExp[];
}

export const INLINE_ALLOW = 'keysweep:allow';

export type PathMatcher = (path: string) => boolean;

export function compilePaths(globs: readonly string[]): PathMatcher {
  if (globs.length === 0) return () => false;
  // loaded only for a config that has globs: most runs (and every pre-commit hook without a config) do not
  const picomatch = require('picomatch') as typeof import('picomatch');
  return picomatch([...globs], { dot: true });
}

/** `text`: the fragment's text, or undefined when it holds no `keysweep:allow` at all. */
export function suppressionOf(
  match: Match,
  allowedPath: boolean,
  secrets: readonly RegExp[],
  text: string | undefined,
  lines: LineIndex,
): string | undefined {
  if (allowedPath) return 'allow-path';
  if (secrets.some((allowed) => allowed.test(match.secret))) return 'allow-secret';
  if (text !== undefined && hasInlineAllow(text, match, lines)) return 'allow-inline';
  return undefined;
}

function hasInlineAllow(text: string, match: Match, lines: LineIndex): boolean {
  return matchedLines(text, match, lines).includes(INLINE_ALLOW);
}

/** The whole line (or lines) a match sits on. */
export function matchedLines(text: string, match: Match, lines: LineIndex): string {
  const first = lines.lineOf(match.start);
  const last = lines.lineOf(match.end - 1);
  return text.slice(lines.lineStart(first), lines.lineEnd(last));
}
