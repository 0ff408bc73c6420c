/**
 * Core data types shared by every seam: sources produce `Fragment`s, the engine turns fragments into
 * `Match`es and then `Finding`s, and reporters turn a `ScanResult` into text. No logic lives here.
 */

/** Finding severities, weakest first; the order is used for `--fail-on` thresholds. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where scanned text came from, discriminated on `kind`. `path` is always relative, with forward slashes. */
export type Provenance =
  | { readonly kind: 'worktree'; readonly path: string }
  | { readonly kind: 'staged'; readonly path: string; readonly blob: string }
  | { readonly kind: 'commit'; readonly path: string; readonly blob: string; readonly commit: CommitInfo }
  | ({ readonly kind: 'history'; readonly path: string; readonly blob: string } & HistoryFacts);

export interface CommitInfo {
  readonly sha: string;
  readonly author: string;
  readonly email: string;
  /** ISO-8601, UTC */
  readonly date: string;
  /** First line of the message only. */
  readonly summary: string;
}

/** What a full-history sweep knows about where a secret lives (see sources/history.ts). */
export interface HistoryFacts {
  /** The commit that first introduced the blob; null for an unreachable blob. */
  readonly commit: CommitInfo | null;
  /** How many commits' trees hold this secret (at any path). */
  readonly commits: number;
  /** Whether the secret is still somewhere in HEAD's tree. */
  readonly presentAtHead: boolean;
  /** Refs from which a commit holding the secret is reachable (capped; see `refsTruncated`). */
  readonly refs: readonly string[];
  readonly refsTruncated: boolean;
  /** Found only by `--all-objects`: a blob no ref reaches. */
  readonly unreachable: boolean;
}

/** One version of one file, decoded to text. Whole files, not hunks, so line numbers are exact. */
export interface Fragment {
  readonly text: string;
  /** The UTF-8 bytes `text` was decoded from, if it was, for the byte shortcuts (see `shortcuts`). */
  readonly utf8?: Uint8Array;
  /**
   * The shortcuts `utf8` allows (the byte keyword scanner, rules' runs) are taken once they pay (see
   * engine/shortcuts.ts); `always` takes them wherever they apply, for the rule self-test, which must
   * exercise them on its small examples.
   */
  readonly shortcuts?: 'always';
  /** Which keywords `utf8` holds, when the caller ran the keyword prefilter on it already (scanFile). */
  readonly keywords?: (keyword: string) => boolean;
  readonly provenance: Provenance;
  /**
   * The versions this one replaces (HEAD's for a staged file; every parent's for a commit). When set,
   * only secrets absent from all of them are reported: a change is judged by what it introduces.
   */
  readonly before?: readonly string[];
}

/** A compiled detection rule (see `rules/*.yaml` and `src/rules/schema.ts` for the data form). */
export interface Rule {
  /** e.g. "aws.access-key-id"; part of every fingerprint, so never renamed or reused. */
  readonly id: string;
  readonly title: string;
  /** Severity of a finding of this rule when it is not part of a paired credential. */
  readonly severity: Severity;
  /** Lowercase literals; the rule's pattern runs only on text containing one of them. */
  readonly keywords: readonly string[];
  /** Compiled with flags "gd" plus the rule's own; "d" gives exact capture-group offsets. */
  readonly pattern: RegExp;
  readonly secretGroup: number;
  /** Minimum Shannon entropy (bits per character) of the decoded secret. */
  readonly minEntropy: number;
  /** The decoded secret must match every one of these. */
  readonly mustContain: readonly RegExp[];
  /** Decode `\/`, `\+`, `%2F`, `%2B`, `%3D` inside the matched text before checking it. */
  readonly unescape: boolean;
  /** Rule-level allowlist: documentation examples and placeholders. */
  readonly allowSecrets: readonly RegExp[];
  /** When set, a match counts only with this supporting evidence. */
  readonly context?: RuleContext;
  /**
   * A promise about every match: it lies inside a run of at least `min` characters that `chars` (one
   * character) matches, so the pattern need only run around such runs (see engine/byte-runs.ts). The
   * rule self-test scans each example both with and without this shortcut.
   */
  readonly run?: RuleRun;
  readonly references: readonly string[];
  readonly remediation: string;
  readonly examples: readonly RuleExample[];
  readonly negativeExamples: readonly RuleExample[];
  /** File the rule came from, e.g. "rules/aws.yaml"; named in every error about the rule. */
  readonly origin: string;
}

/** Evidence a match needs: a nearby keyword, or a match of another rule anywhere in the same file. */
export interface RuleContext {
  /** Tested on the matched line and `linesBefore` lines above it, with the secret itself blanked out. */
  readonly nearby?: RegExp;
  readonly linesBefore: number;
  /** Rule ids whose surviving matches anywhere in the same fragment also count as context. */
  readonly ruleInFile: readonly string[];
}

/** The shortest run a rule may declare (engine/byte-runs.ts sizes its output for it). */
export const MIN_RUN = 16;

export interface RuleRun {
  readonly chars: RegExp;
  readonly min: number;
  /**
   * A further promise: inside a run, a match can only begin at one of these characters (a match may
   * always begin outside a run). The pattern is then tried only there and outside runs, not at every
   * character of a long run (a base64 image in a bundle).
   */
  readonly starts?: string;
}

export interface RuleExample {
  readonly text: string;
  /** When set, the example's finding of this rule must have this severity (checks pairing). */
  readonly severity?: Severity;
}

/**
 * How findings of several rules in one file form one credential (an id plus its secret and token).
 * Paired findings take this severity and remediation instead of their rule's own.
 */
export interface CredentialKind {
  readonly id: string;
  readonly title: string;
  readonly keyIdRule: string;
  readonly secretRule: string;
  readonly tokenRule?: string;
  readonly severity: Severity;
  readonly remediation: string;
  readonly origin: string;
}

export interface RuleSet {
  readonly rules: readonly Rule[];
  readonly credentials: readonly CredentialKind[];
}

/** A raw hit in one fragment, before filtering. Offsets are JS string indices (UTF-16 code units). */
export interface Match {
  readonly rule: Rule;
  /** The decoded secret (unescaped where the rule asks), which fingerprints are computed on. */
  readonly secret: string;
  readonly start: number;
  readonly end: number;
  readonly entropy: number;
}

export interface Location {
  /** 1-based */ readonly line: number;
  /** 1-based, UTF-16 code units */ readonly column: number;
  /** 1-based */ readonly endLine: number;
  /** 1-based, exclusive */ readonly endColumn: number;
}

export interface Finding {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  /** sha256(ruleId + "\0" + secret), hex, first 32 chars: independent of where the secret sits. */
  readonly fingerprint: string;
  /** Raw secret: kept in memory only; reporters must go through report/redact.ts. */
  readonly secret: string;
  readonly location: Location;
  readonly provenance: Provenance;
  readonly entropy: number;
  /** Shared by the findings (key id, secret, token) that form one credential in one file. */
  readonly credential: string;
  /** Id of the credential kind when paired (e.g. "aws.long-term-key"), else null. */
  readonly credentialKind: string | null;
  /** 12-digit AWS account decoded offline from the (paired) key id; null when not decodable. */
  readonly account: string | null;
  readonly remediation: string;
}

export type SkipReason = 'binary' | 'tooLarge' | 'unreadable' | 'symlink' | 'special';

export interface ScanWarning {
  readonly message: string;
  readonly path?: string;
}

export interface ScanStats {
  /** Files (working tree, staged) or unique blobs (git history) scanned. */
  files: number;
  bytes: number;
  /** Git sources only: commits examined. */
  commits?: number;
  /** Git sources only: the repository is a shallow clone, so history before its boundary is absent. */
  shallow?: boolean;
  /** Git sources only: submodule paths seen (listed, not entered). */
  submodules?: string[];
  skipped: Record<SkipReason, number>;
  /** Matches dropped, by the name of the check that dropped them (answers "why not reported?"). */
  suppressed: Record<string, number>;
  durationMs: number;
}

export interface ScanResult {
  readonly findings: readonly Finding[];
  readonly warnings: readonly ScanWarning[];
  readonly stats: ScanStats;
  /** Set when a baseline was applied (see baseline/baseline.ts). */
  readonly baseline?: BaselineOutcome;
}

/** One accepted finding in a baseline file: identified by fingerprint, never by line. */
export interface BaselineEntry {
  readonly fingerprint: string;
  readonly rule: string;
  /** When set, the entry applies at this path only. */
  readonly path?: string;
  readonly reason: string;
  /** YYYY-MM-DD: from this day on, the entry no longer suppresses. */
  readonly expires?: string;
}

/** What applying a baseline did, for the report. */
export interface BaselineOutcome {
  readonly file: string;
  readonly suppressed: number;
  /** Entries that matched no finding (only judged on full scans): the secret is gone, so can the entry. */
  readonly stale: readonly BaselineEntry[];
  /** Entries past their date that matched a finding, which is therefore reported again. */
  readonly expired: readonly BaselineEntry[];
}
