import type { CredentialKind, Finding, Match, Provenance, RuleSet } from '../types';
import { accountFromKeyId } from './account';
import { credentialId, fingerprint } from './fingerprint';
import type { LineIndex } from './line-index';

/**
 * Pairing: turns the surviving matches of one fragment into findings. A key id and a secret anywhere in
 * the same file form one credential, not only within N lines, because a rotated secret can sit far from
 * an unchanged id line. Each secret joins the nearest key id (by lines; on a tie, the one above it) and
 * each session token the nearest id whose kind takes tokens, so a credentials file with several profiles
 * pairs each profile with its own id. Paired findings take the credential kind's severity and remediation;
 * every finding carries the account decoded from its credential's key id.
 */
export function pairFindings(
  matches: readonly Match[],
  ruleSet: RuleSet,
  lines: LineIndex,
  provenance: Provenance,
): Finding[] {
  const groups = new Map<Match, Match[]>();
  const kindOfId = new Map<Match, CredentialKind>();
  for (const kind of ruleSet.credentials) {
    for (const match of matches) {
      if (match.rule.id === kind.keyIdRule && !kindOfId.has(match)) {
        kindOfId.set(match, kind);
        groups.set(match, []);
      }
    }
  }
  const anchorOf = new Map<Match, Match>();
  for (const match of matches) {
    if (kindOfId.has(match)) continue;
    const eligible = [...kindOfId].filter(
      ([, kind]) => kind.secretRule === match.rule.id || kind.tokenRule === match.rule.id,
    );
    const anchor = nearest(
      match,
      eligible.map(([id]) => id),
      lines,
    );
    if (anchor) {
      anchorOf.set(match, anchor);
      groups.get(anchor)?.push(match);
    }
  }

  return matches.map((match) => {
    const anchor = kindOfId.has(match) ? match : anchorOf.get(match);
    const kind = anchor ? kindOfId.get(anchor) : undefined;
    const members = anchor ? (groups.get(anchor) ?? []) : [];
    const paired = kind !== undefined && members.some((member) => member.rule.id === kind.secretRule);
    const own = fingerprint(match.rule.id, match.secret);
    return {
      ruleId: match.rule.id,
      title: match.rule.title,
      severity: paired ? kind.severity : match.rule.severity,
      fingerprint: own,
      secret: match.secret,
      location: lines.location(match.start, match.end),
      provenance,
      entropy: match.entropy,
      credential: credentialId(anchor ? fingerprint(anchor.rule.id, anchor.secret) : own),
      credentialKind: paired ? kind.id : null,
      account: anchor ? accountFromKeyId(anchor.secret) : null,
      remediation: paired ? kind.remediation : match.rule.remediation,
    };
  });
}

function nearest(match: Match, ids: readonly Match[], lines: LineIndex): Match | undefined {
  const line = lines.lineOf(match.start);
  let best: Match | undefined;
  let bestKey: readonly number[] = [];
  for (const id of ids) {
    const idLine = lines.lineOf(id.start);
    const key = [Math.abs(idLine - line), id.start > match.start ? 1 : 0, Math.abs(id.start - match.start)];
    if (!best || compareKeys(key, bestKey) < 0) {
      best = id;
      bestKey = key;
    }
  }
  return best;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
