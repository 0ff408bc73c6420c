import {
  type CredentialKind,
  MIN_RUN,
  type Rule,
  type RuleContext,
  type RuleExample,
  type RuleRun,
  SEVERITIES,
} from '../types';
import { Checker, type Fields } from '../util/validate';
import { checkBacktracking } from './backtracking';

/**
 * The data form of a rule file (`rules/*.yaml`) and its validation. Validation collects every problem
 * in the file rather than stopping at the first, and compiles what is valid into `Rule`s.
 */
const FILE_FIELDS = ['rules', 'credentials'];
const RULE_FIELDS = [
  'id',
  'title',
  'severity',
  'keywords',
  'pattern',
  'flags',
  'secretGroup',
  'minEntropy',
  'mustContain',
  'unescape',
  'allow',
  'context',
  'run',
  'references',
  'remediation',
  'examples',
  'negativeExamples',
];
const CONTEXT_FIELDS = ['nearby', 'flags', 'linesBefore', 'ruleInFile'];
const RUN_FIELDS = ['chars', 'min', 'starts'];
/** A class of ASCII characters: no negation, no class escapes (\w, \p{…}), only ASCII inside. */
const ASCII_CLASS = /^\[(?!\^)(?:[\x20-\x5b\x5e-\x7e]|\\[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e])+\]$/;
const CREDENTIAL_FIELDS = ['id', 'title', 'keyId', 'secret', 'token', 'severity', 'remediation'];
const ID_FORMAT = /^[a-z0-9]+(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$/;
const EXTRA_FLAGS = /^[imsuv]*$/;

export interface RuleFile {
  readonly rules: Rule[];
  readonly credentials: CredentialKind[];
}

export interface ParseOptions {
  /** Reject patterns that can backtrack catastrophically (user rules; see rules/backtracking.ts). */
  readonly checkBacktracking?: boolean;
}

export function parseRuleFile(
  document: unknown,
  origin: string,
  problems: string[],
  options: ParseOptions = {},
): RuleFile {
  const file = new Checker(problems, origin).object(document, FILE_FIELDS, 'the rule file');
  if (!file) return { rules: [], credentials: [] };
  const list = (key: string): unknown[] => {
    const value = file[key];
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    new Checker(problems, origin).report(`"${key}" must be a list`);
    return [];
  };
  const rules = list('rules').flatMap(
    (raw, i) => parseRule(raw, origin, new Checker(problems, label(origin, 'rules', i, raw)), options) ?? [],
  );
  const credentials = list('credentials').flatMap(
    (raw, i) =>
      parseCredential(raw, origin, new Checker(problems, label(origin, 'credentials', i, raw))) ?? [],
  );
  return { rules, credentials };
}

function label(origin: string, list: string, index: number, raw: unknown): string {
  const id = (raw as Fields | null)?.id;
  return `${origin}: ${list}[${index}]${typeof id === 'string' ? ` (${id})` : ''}`;
}

function parseRule(raw: unknown, origin: string, check: Checker, options: ParseOptions): Rule | undefined {
  const before = check.problems.length;
  const fields = check.object(raw, RULE_FIELDS, 'a rule');
  if (!fields) return undefined;
  const id = check.string(fields, 'id');
  if (id !== undefined && !ID_FORMAT.test(id)) check.report(`"id" must look like "provider.kebab-name"`);
  const flags = check.string(fields, 'flags', false) ?? '';
  if (!EXTRA_FLAGS.test(flags)) check.report(`"flags" may only contain i, m, s, u or v`);
  const source = check.string(fields, 'pattern');
  const pattern = source === undefined ? undefined : check.regex(source, `gd${flags}`, 'pattern');
  const secretGroup = check.number(fields, 'secretGroup');
  if (pattern && secretGroup !== undefined) checkGroup(check, pattern, secretGroup);
  if (pattern && options.checkBacktracking) checkBacktracking(pattern, check);
  const allowCheck = check.at(`${check.where}: allow`);
  const allow = fields.allow === undefined ? {} : allowCheck.object(fields.allow, ['secrets']);
  const rule = {
    id: id ?? '',
    title: check.string(fields, 'title') ?? '',
    severity: check.oneOf(fields, 'severity', SEVERITIES) ?? 'low',
    keywords: check
      .strings(fields, 'keywords', { required: true, nonEmpty: true })
      .map((k) => k.toLowerCase()),
    pattern: pattern ?? /$^/dg,
    secretGroup: secretGroup ?? 0,
    minEntropy: check.number(fields, 'minEntropy', false) ?? 0,
    mustContain: check.regexes(fields, 'mustContain'),
    unescape: check.boolean(fields, 'unescape') ?? false,
    allowSecrets: allow ? allowCheck.regexes(allow, 'secrets') : [],
    context: parseContext(fields.context, check),
    ...parseRun(fields.run, check),
    references: check.strings(fields, 'references'),
    remediation: check.string(fields, 'remediation') ?? '',
    examples: parseExamples(fields, 'examples', check),
    negativeExamples: parseExamples(fields, 'negativeExamples', check),
    origin,
  };
  return check.problems.length === before ? rule : undefined;
}

function checkGroup(check: Checker, pattern: RegExp, secretGroup: number): void {
  const groups = (new RegExp(`${pattern.source}|`, pattern.flags.replace('g', '')).exec('')?.length ?? 1) - 1;
  if (!Number.isInteger(secretGroup) || secretGroup < 0 || secretGroup > groups) {
    const plural = groups === 1 ? 'group' : 'groups';
    check.report(`secretGroup is ${secretGroup} but the pattern has ${groups} capture ${plural}`);
  }
}

function parseContext(raw: unknown, check: Checker): RuleContext | undefined {
  if (raw === undefined) return undefined;
  const at = check.at(`${check.where}: context`);
  const fields = at.object(raw, CONTEXT_FIELDS);
  if (!fields) return undefined;
  const source = at.string(fields, 'nearby', false);
  const flags = at.string(fields, 'flags', false) ?? '';
  if (!EXTRA_FLAGS.test(flags)) at.report(`"flags" may only contain i, m, s, u or v`);
  const linesBefore = at.number(fields, 'linesBefore', false) ?? 0;
  if (!Number.isInteger(linesBefore) || linesBefore < 0) at.report(`"linesBefore" must be a whole number`);
  const nearby =
    source === undefined || !EXTRA_FLAGS.test(flags) ? undefined : at.regex(source, flags, 'nearby');
  const ruleInFile = at.strings(fields, 'ruleInFile');
  if (source === undefined && ruleInFile.length === 0) at.report(`needs "nearby" or "ruleInFile"`);
  return { ...(nearby ? { nearby } : {}), linesBefore, ruleInFile };
}

function parseRun(raw: unknown, check: Checker): { run?: RuleRun } {
  if (raw === undefined) return {};
  const before = check.problems.length;
  const at = check.at(`${check.where}: run`);
  const fields = at.object(raw, RUN_FIELDS);
  if (!fields) return {};
  const source = at.string(fields, 'chars');
  const min = at.number(fields, 'min');
  if (min !== undefined && !(Number.isInteger(min) && min >= MIN_RUN))
    at.report(`"min" must be a whole number of at least ${MIN_RUN}`);
  // one character at a time, and ASCII: runs are found in the bytes (see engine/byte-runs.ts)
  if (source !== undefined && !ASCII_CLASS.test(source))
    at.report(`"chars" must be one class of ASCII characters in brackets, such as [A-Za-z0-9+/]`);
  const chars = source === undefined ? undefined : at.regex(source, '', 'chars');
  const starts = at.string(fields, 'starts', false);
  if (starts !== undefined && chars && [...starts].some((char) => !chars.test(char)))
    at.report(`"starts" must be characters of "chars" (a match can begin outside a run anyway)`);
  if (!chars || min === undefined || check.problems.length > before) return {};
  return { run: { chars, min, ...(starts !== undefined ? { starts } : {}) } };
}

function parseExamples(fields: Fields, key: string, check: Checker): RuleExample[] {
  const value = fields[key];
  if (!Array.isArray(value) || value.length === 0) {
    check.report(`"${key}" must be a non-empty list of examples`);
    return [];
  }
  return value.flatMap((item, i): RuleExample[] => {
    if (typeof item === 'string') return [{ text: item }];
    const at = check.at(`${check.where}: ${key}[${i}]`);
    const example = at.object(item, ['text', 'severity'], 'an example');
    const text = example && at.string(example, 'text');
    if (!example || text === undefined) return [];
    const severity = at.oneOf(example, 'severity', SEVERITIES, false);
    return [severity ? { text, severity } : { text }];
  });
}

function parseCredential(raw: unknown, origin: string, check: Checker): CredentialKind | undefined {
  const before = check.problems.length;
  const fields = check.object(raw, CREDENTIAL_FIELDS, 'a credential kind');
  if (!fields) return undefined;
  const token = check.string(fields, 'token', false);
  const kind = {
    id: check.string(fields, 'id') ?? '',
    title: check.string(fields, 'title') ?? '',
    keyIdRule: check.string(fields, 'keyId') ?? '',
    secretRule: check.string(fields, 'secret') ?? '',
    ...(token ? { tokenRule: token } : {}),
    severity: check.oneOf(fields, 'severity', SEVERITIES) ?? 'low',
    remediation: check.string(fields, 'remediation') ?? '',
    origin,
  };
  return check.problems.length === before ? kind : undefined;
}
