import { type ReadText, readFromDisk } from '../config/read-text';
import { KeysweepError, ProblemsError } from '../errors';
import type { BaselineEntry, BaselineOutcome, Finding } from '../types';
import { Checker } from '../util/validate';

/**
 * Baselines: findings a team has looked at and accepted for now, so that a scanner switched on in an
 * old repository reports only what is new. An entry names a finding by its fingerprint (rule + hash of
 * the secret; never the secret) and, optionally, its path — never its line, so moving a key does not
 * revive it, while a different secret on the same line has another fingerprint and is reported. Each
 * entry says why (`reason`) and may lapse (`expires`, a date): an expired entry stops suppressing and
 * says so. The file is sorted, one entry per line and free of timestamps, so it diffs cleanly in review.
 */
export interface Baseline {
  /** The file, as shown to the user. */
  readonly origin: string;
  readonly entries: readonly BaselineEntry[];
}

export const BASELINE_FILE = '.keysweep-baseline.json';
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FINGERPRINT = /^[0-9a-f]{32}$/;

export function loadBaseline(file: string, origin: string, read: ReadText = readFromDisk): Baseline {
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    throw new KeysweepError(
      'E_CONFIG',
      `${origin}: cannot read baseline (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new KeysweepError('E_CONFIG', `${origin}: invalid JSON: ${(error as Error).message}`);
  }
  return { origin, entries: parseBaseline(document, origin) };
}

export function parseBaseline(document: unknown, origin: string): BaselineEntry[] {
  const problems: string[] = [];
  const check = new Checker(problems, origin);
  const fields = check.object(document, ['version', 'entries'], 'the baseline') ?? {};
  if (fields.version !== 1) check.report('"version" must be 1');
  const entries: BaselineEntry[] = [];
  if (!Array.isArray(fields.entries)) check.report('"entries" must be a list');
  for (const [i, raw] of (Array.isArray(fields.entries) ? fields.entries : []).entries()) {
    const at = check.at(`${origin}: entries[${i}]`);
    const entry = at.object(raw, ['fingerprint', 'rule', 'path', 'reason', 'expires'], 'an entry');
    if (!entry) continue;
    const fingerprint = at.string(entry, 'fingerprint');
    if (fingerprint && !FINGERPRINT.test(fingerprint))
      at.report('"fingerprint" must be 32 lowercase hex digits');
    const rule = at.string(entry, 'rule');
    const path = at.string(entry, 'path', false);
    const reason = at.string(entry, 'reason');
    const expires = at.string(entry, 'expires', false);
    if (expires && !(DATE.test(expires) && !Number.isNaN(Date.parse(expires))))
      at.report('"expires" must be a date, YYYY-MM-DD');
    if (fingerprint && rule && reason)
      entries.push({ fingerprint, rule, reason, ...(path ? { path } : {}), ...(expires ? { expires } : {}) });
  }
  if (problems.length > 0) throw new ProblemsError('E_CONFIG', problems);
  return entries;
}

/** Entries for the findings of a scan: one per (rule, fingerprint, path), sorted. */
export function entriesFor(
  findings: readonly Finding[],
  options: { reason: string; expires?: string; anyPath?: boolean },
): BaselineEntry[] {
  const entries = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    const entry: BaselineEntry = {
      fingerprint: finding.fingerprint,
      rule: finding.ruleId,
      ...(options.anyPath ? {} : { path: finding.provenance.path }),
      reason: options.reason,
      ...(options.expires ? { expires: options.expires } : {}),
    };
    entries.set(`${entry.path ?? ''}\0${entry.rule}\0${entry.fingerprint}`, entry);
  }
  return [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry);
}

/** The file's text: stable key order, one entry per line. */
export function formatBaseline(entries: readonly BaselineEntry[]): string {
  const lines = entries.map((entry) =>
    JSON.stringify({
      fingerprint: entry.fingerprint,
      rule: entry.rule,
      ...(entry.path !== undefined ? { path: entry.path } : {}),
      reason: entry.reason,
      ...(entry.expires !== undefined ? { expires: entry.expires } : {}),
    }),
  );
  const body = lines.length > 0 ? `\n    ${lines.join(',\n    ')}\n  ` : '';
  return `{\n  "version": 1,\n  "entries": [${body}]\n}\n`;
}

/**
 * Drops the findings the baseline accepts. `today` is YYYY-MM-DD (UTC). Staleness is only meaningful when
 * the scan saw everything the baseline covers (a full scan or sweep, not one change): `judgeStale`.
 */
export function applyBaseline(
  findings: readonly Finding[],
  baseline: Baseline,
  today: string,
  judgeStale: boolean,
): { findings: Finding[]; outcome: BaselineOutcome } {
  const filter = new BaselineFilter(baseline, today);
  const kept = findings.filter((finding) => filter.keeps(finding));
  return { findings: kept, outcome: filter.outcome(judgeStale) };
}

/**
 * `applyBaseline` one finding at a time, for findings that are reported as they are found (`--format
 * jsonl`): the outcome covers every finding seen so far.
 */
export class BaselineFilter {
  private readonly used = new Set<BaselineEntry>();
  private readonly expired = new Set<BaselineEntry>();
  private suppressed = 0;

  constructor(
    private readonly baseline: Baseline,
    private readonly today: string,
  ) {}

  /** Whether `finding` is still reported: no entry matches it, or only expired ones. */
  keeps(finding: Finding): boolean {
    const matches = this.baseline.entries.filter(
      (entry) =>
        entry.fingerprint === finding.fingerprint &&
        entry.rule === finding.ruleId &&
        (entry.path === undefined || entry.path === finding.provenance.path),
    );
    for (const entry of matches) this.used.add(entry);
    const live = matches.filter((entry) => entry.expires === undefined || entry.expires > this.today);
    for (const entry of matches) if (!live.includes(entry)) this.expired.add(entry);
    if (live.length > 0) this.suppressed++;
    return live.length === 0;
  }

  outcome(judgeStale: boolean): BaselineOutcome {
    return {
      file: this.baseline.origin,
      suppressed: this.suppressed,
      stale: judgeStale ? this.baseline.entries.filter((entry) => !this.used.has(entry)) : [],
      expired: [...this.expired],
    };
  }
}
