import { createHash } from 'node:crypto';
import type { Finding, Provenance, Rule, RuleSet, ScanResult, ScanWarning, Severity } from '../types';
import { redact } from './redact';
import type { ReportOptions } from './reporter';
import { printablePath } from './text';

/**
 * SARIF 2.1.0 for GitHub code scanning (shared/SPECS.md §4): one run, every rule the scan ran with in
 * `tool.driver.rules`, one result per finding. SARIF gets uploaded, so the raw secret is never written,
 * whatever `options.redact` says: no snippet, no secret in messages, properties or fingerprints.
 *
 * History findings may sit in files the analysed checkout no longer has, where GitHub's upload action
 * cannot compute a fingerprint; keysweep always supplies its own `primaryLocationLineHash`, built from the
 * rule, the path and the secret's fingerprint, so an alert keeps its identity from run to run.
 */
const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/keysweep/keysweep';
/** Partial fingerprint key of keysweep's own, location-independent identity of a secret. */
const FINGERPRINT_KEY = 'keysweep/v1';
/** GitHub's limit on rule descriptions. */
const MAX_DESCRIPTION = 1024;
/** CWE-798, "Use of Hard-coded Credentials", in GitHub's tag form. */
const CWE_TAG = 'external/cwe/cwe-798';

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/** GitHub's security-severity bands: > 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

export function formatSarif(result: ScanResult, options: ReportOptions): string {
  const { rules } = options.ruleSet;
  const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  const invocation: Record<string, unknown> = { executionSuccessful: true };
  if (result.warnings.length > 0) invocation.toolExecutionNotifications = result.warnings.map(notification);
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keysweep',
            version: options.version,
            ...(SEMVER.test(options.version) ? { semanticVersion: options.version } : {}),
            informationUri: INFORMATION_URI,
            rules: rules.map(ruleDescriptor),
          },
        },
        invocations: [invocation],
        columnKind: 'utf16CodeUnits',
        results: result.findings.map((finding) =>
          sarifResult(finding, ruleIndex.get(finding.ruleId), options.ruleSet),
        ),
      },
    ],
  };
  return scrub(`${JSON.stringify(log, null, 2)}\n`, result.findings);
}

/** Semantic Versioning 2.0 (the pattern semver.org recommends), for `semanticVersion`. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function ruleDescriptor(rule: Rule): Record<string, unknown> {
  const provider = rule.id.includes('.') ? rule.id.slice(0, rule.id.indexOf('.')) : undefined;
  const references = rule.references.map((uri) => `- [${uri}](${uri})`);
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: truncate(`${sentence(rule.title)} ${rule.remediation}`, MAX_DESCRIPTION) },
    help: {
      text: rule.remediation,
      markdown:
        references.length > 0
          ? `${rule.remediation}\n\nReferences:\n\n${references.join('\n')}`
          : rule.remediation,
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: [...new Set(['security', 'secret', ...(provider ? [provider] : []), CWE_TAG])],
      // A rule that needs supporting context (a keyword nearby, a key id in the file) matches text that
      // is not always a credential; a rule that matches a fixed prefix or marker rarely misfires.
      precision: rule.context ? 'high' : 'very-high',
      'security-severity': SECURITY_SEVERITY[rule.severity],
    },
  };
}

function sarifResult(
  finding: Finding,
  ruleIndex: number | undefined,
  ruleSet: RuleSet,
): Record<string, unknown> {
  const path = finding.provenance.path;
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: LEVEL[finding.severity],
    message: { text: message(finding, ruleSet) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uriReference(path) },
          region: {
            startLine: finding.location.line,
            startColumn: finding.location.column,
            endLine: finding.location.endLine,
            endColumn: finding.location.endColumn,
          },
        },
      },
    ],
    partialFingerprints: {
      primaryLocationLineHash: primaryLocationLineHash(finding),
      [FINGERPRINT_KEY]: finding.fingerprint,
    },
    properties: {
      severity: finding.severity,
      credential: finding.credential,
      credentialKind: finding.credentialKind,
      account: finding.account,
      ...gitProperties(finding.provenance),
    },
  };
}

/**
 * The fingerprint GitHub de-duplicates alerts by: first 16 hex of sha256(ruleId, path, fingerprint), in
 * the `<hex>:<n>` shape of GitHub's own. The engine reports a secret once per file, so n is always 1.
 */
export function primaryLocationLineHash(finding: Finding): string {
  const hash = createHash('sha256')
    .update(`${finding.ruleId}\0${finding.provenance.path}\0${finding.fingerprint}`)
    .digest('hex');
  return `${hash.slice(0, 16)}:1`;
}

/** "<title> in <path>[, where it came from]." then, when known, the credential it belongs to and its account. */
function message(finding: Finding, ruleSet: RuleSet): string {
  const first = `${finding.title} in ${printablePath(finding.provenance.path)}${origin(finding.provenance)}.`;
  const kind = finding.credentialKind
    ? (ruleSet.credentials.find((credential) => credential.id === finding.credentialKind)?.title ??
      finding.credentialKind)
    : undefined;
  const account = finding.account ? `AWS account ${finding.account}` : undefined;
  if (kind) return `${first} It is part of a paired credential: ${kind}${account ? `, ${account}` : ''}.`;
  if (account) return `${first} The key belongs to ${account}.`;
  return first;
}

function origin(provenance: Provenance): string {
  switch (provenance.kind) {
    case 'worktree':
      return '';
    case 'staged':
      return `, staged (blob ${short(provenance.blob)})`;
    case 'commit': {
      const { commit } = provenance;
      return `, introduced in commit ${short(commit.sha)} by ${commit.author} on ${commit.date.slice(0, 10)}`;
    }
    case 'history': {
      const { commit } = provenance;
      const where = provenance.unreachable
        ? `, in unreachable blob ${short(provenance.blob)} (no ref reaches it)`
        : commit
          ? `, introduced in commit ${short(commit.sha)} by ${commit.author} on ${commit.date.slice(0, 10)}`
          : `, in blob ${short(provenance.blob)}`;
      const commits = `${provenance.commits} commit${provenance.commits === 1 ? '' : 's'}`;
      return `${where}; found in ${commits}, ${provenance.presentAtHead ? 'still present' : 'not present'} at HEAD`;
    }
  }
}

/** Where a git finding came from, for tools that read the SARIF: never the commit message, which is free text. */
function gitProperties(provenance: Provenance): Record<string, unknown> {
  switch (provenance.kind) {
    case 'worktree':
      return {};
    case 'staged':
      return { blob: provenance.blob };
    case 'commit':
      return {
        commitSha: provenance.commit.sha,
        author: provenance.commit.author,
        date: provenance.commit.date,
        blob: provenance.blob,
      };
    case 'history':
      return {
        ...(provenance.commit
          ? {
              commitSha: provenance.commit.sha,
              author: provenance.commit.author,
              date: provenance.commit.date,
            }
          : {}),
        blob: provenance.blob,
        firstSeenPath: provenance.path,
        commits: provenance.commits,
        presentAtHead: provenance.presentAtHead,
        refs: provenance.refs,
        refsTruncated: provenance.refsTruncated,
        unreachable: provenance.unreachable,
      };
  }
}

function notification(warning: ScanWarning): Record<string, unknown> {
  const text = warning.path ? `${printablePath(warning.path)}: ${warning.message}` : warning.message;
  return {
    level: 'warning',
    message: { text: sentence(text) },
    ...(warning.path
      ? { locations: [{ physicalLocation: { artifactLocation: { uri: uriReference(warning.path) } } }] }
      : {}),
  };
}

/**
 * A repo-relative path as a URI reference (RFC 3986): every character outside `pchar` and "/" is
 * percent-encoded as UTF-8 (spaces, "%", "#", "?", non-ASCII, control characters), and so is ":" in the
 * first segment, where it would read as a scheme.
 */
export function uriReference(path: string): string {
  let uri = '';
  let firstSegment = true;
  for (const char of path) {
    if (char === '/') firstSegment = false;
    uri += PCHAR.test(char) && !(firstSegment && char === ':') ? char : percentEncoded(char);
  }
  return uri;
}

function percentEncoded(char: string): string {
  return [...Buffer.from(char, 'utf8')]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

/** unreserved, sub-delims, ":", "@" and the "/" between segments. */
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/;

/** "aws.access-key-id" → "AwsAccessKeyId": SARIF's convention for `reportingDescriptor.name`. */
function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** At most `max` characters, cut at a word boundary and ended with an ellipsis when cut. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > 0 ? cut.slice(0, space) : cut}…`;
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

/**
 * Defence in depth: nothing above writes a secret, but a path, an author or a ref is data and could
 * carry one. Any occurrence of a finding's raw secret is replaced by its redacted form.
 */
function scrub(text: string, findings: readonly Finding[]): string {
  let scrubbed = text;
  for (const secret of new Set(findings.map((finding) => finding.secret))) {
    if (secret.length >= 8 && scrubbed.includes(secret))
      scrubbed = scrubbed.replaceAll(secret, redact(secret));
  }
  return scrubbed;
}
