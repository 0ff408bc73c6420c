import { INLINE_ALLOW, matchedLines, type PathMatcher, suppressionOf } from '../filter/allowlist';
import type { Finding, Fragment, Match, RuleSet } from '../types';
import { detect } from './detect';
import { fingerprint } from './fingerprint';
import { pairFindings } from './pair';

/**
 * One fragment through the whole engine: detect → allowlists → pairing. This is "the real engine" that
 * both scans and the rule self-test (`rules/check.ts`) use, so examples exercise exactly what users get.
 */
export interface FragmentFilters {
  readonly allowPath: PathMatcher;
  readonly allowSecrets: readonly RegExp[];
  /** The globs `allowPath` was compiled from, for worker threads to compile again (functions cannot be sent). */
  readonly allowPathGlobs?: readonly string[];
}

export const NO_FILTERS: FragmentFilters = { allowPath: () => false, allowSecrets: [], allowPathGlobs: [] };

export interface FragmentOutcome {
  readonly findings: Finding[];
  readonly suppressed: Record<string, number>;
}

export function scanFragment(
  fragment: Fragment,
  ruleSet: RuleSet,
  filters: FragmentFilters,
): FragmentOutcome {
  const detection = detect(
    fragment.text,
    ruleSet.rules,
    fragment.utf8,
    fragment.shortcuts === 'always',
    fragment.keywords,
  );
  const suppressed = detection.suppressed;
  if (detection.matches.length === 0) return { findings: [], suppressed };

  const lines = detection.lines.get();
  const allowedPath = filters.allowPath(fragment.provenance.path);
  // One search of the whole text, rather than one of each match's line(s): on a minified file that
  // line is the file.
  const inlineAllows = fragment.text.includes(INLINE_ALLOW);
  const kept: Match[] = [];
  for (const match of detection.matches) {
    let reason = suppressionOf(
      match,
      allowedPath,
      filters.allowSecrets,
      inlineAllows ? fragment.text : undefined,
      lines,
    );
    // A change cannot quietly allowlist its own secret: an allow comment it adds still suppresses, but is
    // counted apart so the report can say so.
    if (reason === 'allow-inline' && fragment.before) {
      const line = matchedLines(fragment.text, match, lines);
      if (!fragment.before.some((text) => text.includes(line))) reason = 'allow-inline-added';
    }
    if (reason) suppressed[reason] = (suppressed[reason] ?? 0) + 1;
    else kept.push(match);
  }
  const paired = pairFindings(kept, ruleSet, lines, fragment.provenance);
  if (!fragment.before) return { findings: paired, suppressed };
  // Pairing ran on everything first, so a new key id next to an old secret is still a critical pair.
  const existing = fingerprintsIn(fragment.before, ruleSet);
  const findings = paired.filter((finding) => !existing.has(finding.fingerprint));
  const dropped = paired.length - findings.length;
  if (dropped > 0) suppressed['already-present'] = (suppressed['already-present'] ?? 0) + dropped;
  return { findings, suppressed };
}

/** Fingerprints of every secret the earlier versions held, by the rules' own checks. */
export function fingerprintsIn(texts: readonly string[], ruleSet: RuleSet): Set<string> {
  const fingerprints = new Set<string>();
  for (const text of texts) {
    for (const match of detect(text, ruleSet.rules).matches)
      fingerprints.add(fingerprint(match.rule.id, match.secret));
  }
  return fingerprints;
}
