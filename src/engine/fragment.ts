import { type PathMatcher, suppressionOf } from '../filter/allowlist';
import type { Finding, Fragment, Match, RuleSet } from '../types';
import { detect } from './detect';
import { pairFindings } from './pair';

/**
 * One fragment through the whole engine: detect → allowlists → pairing. This is "the real engine" that
 * both scans and the rule self-test (`rules/check.ts`) use, so examples exercise exactly what users get.
 */
export interface FragmentFilters {
  readonly allowPath: PathMatcher;
  readonly allowSecrets: readonly RegExp[];
}

export const NO_FILTERS: FragmentFilters = { allowPath: () => false, allowSecrets: [] };

export interface FragmentOutcome {
  readonly findings: Finding[];
  readonly suppressed: Record<string, number>;
}

export function scanFragment(
  fragment: Fragment,
  ruleSet: RuleSet,
  filters: FragmentFilters,
): FragmentOutcome {
  const detection = detect(fragment.text, ruleSet.rules);
  const suppressed = detection.suppressed;
  if (detection.matches.length === 0) return { findings: [], suppressed };

  const lines = detection.lines.get();
  const allowedPath = filters.allowPath(fragment.provenance.path);
  const kept: Match[] = [];
  for (const match of detection.matches) {
    const reason = suppressionOf(match, allowedPath, filters.allowSecrets, fragment.text, lines);
    if (reason) suppressed[reason] = (suppressed[reason] ?? 0) + 1;
    else kept.push(match);
  }
  return { findings: pairFindings(kept, ruleSet, lines, fragment.provenance), suppressed };
}
