/**
 * Property-based tests of the whole engine on one text (reliability issue, item 5): `decodeText` →
 * `scanFragment` with the built-in rules, against oracles written here from the README and
 * rules/aws.yaml, never from src/ (no src helper computes an expected value below).
 *
 * 1. insertion   — credentials planted with AWS context in random filler are reported, all of them,
 *                  nothing else, each at the exact line/column (UTF-16 units) it was planted at;
 * 2. encodings   — UTF-8, UTF-8 + BOM, UTF-16LE + BOM, UTF-16BE + BOM of that text give the same findings;
 * 3. noise       — random bytes, random (ill-formed) UTF-16 strings and key-ish noise never throw, and
 *                  every finding is a rule-shaped value sitting at its reported location, with AWS
 *                  context where the rule needs it; noise with no AWS keyword or key id yields no secret;
 * 4. fingerprints — one credential planted at several places, forms and paths has one fingerprint.
 *
 * No key material is written in this file: every value is generated at run time (fast-check, or
 * FakeKeys with a fast-check–chosen seed), so `keysweep scan .` over the repository stays clean.
 * On failure fast-check prints the seed and path; rerun with `{ seed, path }` added to that fc.assert.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { type FragmentOutcome, NO_FILTERS, scanFragment } from '../../src/engine/fragment';
import { BUILTIN_RULES_DIR, loadRules } from '../../src/rules/load';
import { decodeText } from '../../src/sources/decode';
import type { Finding } from '../../src/types';
import { DOC_EXAMPLES, envRef, PLACEHOLDER_ID } from '../accuracy/noise';
import { FakeKeys } from '../support/fake-keys';
import { lineStarts } from '../support/line-starts';

const ruleSet = loadRules([BUILTIN_RULES_DIR], process.cwd());

/** Cases per property; the total (see the last test) is what the issue asks to be at least 10,000. */
const RUNS = {
  insertion: 2_000,
  encodings: 500,
  bytes: 3_000,
  unicode: 2_000,
  keyishNoise: 2_000,
  noContext: 1_500,
  fingerprints: 300,
} as const;
const TIMEOUT_MS = 120_000;

type RuleId =
  | 'aws.access-key-id'
  | 'aws.temporary-access-key-id'
  | 'aws.secret-access-key'
  | 'aws.session-token';

// ---------------------------------------------------------------------------------------------------
// Oracles: what the README and rules/aws.yaml say is (not) a finding, written independently of src/.

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const BASE32 = `${UPPER}234567`;
const BASE64 = `${UPPER}${LOWER}${DIGITS}+/`;
const UPPER_ALNUM = `${UPPER}${DIGITS}`;
const HEX = '0123456789abcdef';
const MODERN_FIFTH = 'QRSTUVWXYZ234567';

function entropy(text: string): number {
  const chars = [...text];
  const counts = new Map<string, number>();
  for (const char of chars) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / chars.length) * Math.log2(count / chars.length);
  return bits;
}

/** Six characters in alphabet order ("CDEFGH", "XYZ234", "345678", "lmnopq"): a placeholder, not a key. */
function hasSequence(text: string): boolean {
  for (let i = 0; i + 6 <= text.length; i++) {
    const run = text.slice(i, i + 6);
    if (BASE32.includes(run) || LOWER.includes(run) || DIGITS.includes(run)) return true;
  }
  return false;
}

/** rules/aws.yaml: an S3-object-key-like path of words and numbers is not a secret. */
const WORD_PATH =
  /^\/?(?:[0-9]+|[A-Z]?[a-z]+(?:[A-Z][a-z]*)*|[A-Z]+)(?:[/](?:[0-9]+|[A-Z]?[a-z]+(?:[A-Z][a-z]*)*|[A-Z]+)){2,}\/?$/;

/** A key id the README says is reported: not a documentation example, placeholder or low-entropy value. */
function reportableKeyId(id: string): boolean {
  return !/EXAMPLE/.test(id) && !/(.)\1{4}/.test(id) && !hasSequence(id) && entropy(id) >= 3.0;
}

/** A secret the README says is reported (entropy >= 4, mixed case plus a digit, "/" or "+", no placeholder). */
function reportableSecret(secret: string): boolean {
  return (
    /^[A-Za-z0-9+/]{40}$/.test(secret) &&
    /[a-z]/.test(secret) &&
    /[A-Z]/.test(secret) &&
    /[0-9+/]/.test(secret) &&
    entropy(secret) >= 4.0 &&
    !/EXAMPLE/.test(secret) &&
    !/^wJalrXUtnFEMI|^je7MtGbClwBF/.test(secret) &&
    !/(.)\1{5}/.test(secret) &&
    !hasSequence(secret) &&
    !WORD_PATH.test(secret)
  );
}

function reportableToken(token: string): boolean {
  return !/EXAMPLE/.test(token) && entropy(token) >= 4.5;
}

/** Shapes of the reported (decoded) values, from rules/aws.yaml's comments. */
const SHAPES: Record<RuleId, RegExp> = {
  'aws.access-key-id': /^(?:(?:AKIA|ABIA|ACCA)(?:[Q-Z2-7][A-Z2-7]{15}|[IJ][A-Z0-9]{15})|A3T[A-Z0-9]{17})$/,
  'aws.temporary-access-key-id': /^ASIA(?:[Q-Z2-7][A-Z2-7]{15}|[IJ][A-Z0-9]{15})$/,
  'aws.secret-access-key': /^[A-Za-z0-9+/]{40}$/,
  'aws.session-token': /^[A-Za-z0-9+/]{2}o[A-Za-z0-9+/](?:YXdz|ZXIvYXdz|b3JpZ2lu)[A-Za-z0-9+/]{88,}={0,2}$/,
};
const MIN_ENTROPY: Record<RuleId, number> = {
  'aws.access-key-id': 3.0,
  'aws.temporary-access-key-id': 3.0,
  'aws.secret-access-key': 4.0,
  'aws.session-token': 4.5,
};
/** What counts as AWS context for a secret on its own line or the line above (README, rules/aws.yaml). */
const AWS_CONTEXT = /aws|secret|access[_ .-]?key|credential/i;
const KEY_ID_RULES = new Set<string>(['aws.access-key-id', 'aws.temporary-access-key-id']);

/** README: "sha256(ruleId + "\0" + secret), hex, first 32 chars". */
function expectedFingerprint(ruleId: string, secret: string): string {
  return createHash('sha256').update(`${ruleId}\0${secret}`).digest('hex').slice(0, 32);
}

/** README's escapes: `\/`, `\+`, `%2F`, `%2B`, `%3D`. */
function unescapeOracle(raw: string): string {
  const percent: Record<string, string> = { '2f': '/', '2b': '+', '3d': '=' };
  return raw.replace(
    /\\([/+])|%(2[FfBb]|3[Dd])/g,
    (_, escaped: string | undefined, hex: string | undefined) =>
      escaped !== undefined ? escaped : (percent[(hex ?? '').toLowerCase()] ?? ''),
  );
}

interface Span {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** 1-based line/column (UTF-16 units) of [start, end) on one line. */
function spanOf(starts: readonly number[], start: number, end: number): Span {
  let line = 0;
  while (line + 1 < starts.length && (starts[line + 1] ?? Infinity) <= start) line++;
  const lineStart = starts[line] ?? 0;
  return { line: line + 1, column: start - lineStart + 1, endLine: line + 1, endColumn: end - lineStart + 1 };
}

/** The summary of a finding that the properties compare: rule, decoded secret, location. */
function summary(finding: Finding): string {
  const { line, column, endLine, endColumn } = finding.location;
  return `${finding.ruleId} ${line}:${column}-${endLine}:${endColumn} ${finding.secret}`;
}

function scanText(text: string, path = 'file.txt'): FragmentOutcome {
  return scanFragment({ text, provenance: { kind: 'worktree', path } }, ruleSet, NO_FILTERS);
}

/**
 * As a scan does: with the UTF-8 bytes beside the text, which the byte shortcuts (keyword scanner, the
 * secret rule's runs) then read instead; taken whatever the size, so that these small texts test them.
 */
function scanDecoded(decoded: { text: string; utf8?: Uint8Array }): FragmentOutcome {
  const { text, utf8 } = decoded;
  return scanFragment(
    {
      text,
      ...(utf8 ? { utf8, shortcuts: 'always' as const } : {}),
      provenance: { kind: 'worktree', path: 'file.txt' },
    },
    ruleSet,
    NO_FILTERS,
  );
}

/**
 * Soundness of one finding, checked against the text alone: the raw text at the reported location
 * decodes to the reported secret, has the rule's shape, entropy and boundaries, is no placeholder, and a
 * secret has AWS context (a keyword on its line or the line above, the secret blanked out, or a key id
 * reported in the same file); the fingerprint is the README's.
 */
function checkFinding(text: string, starts: readonly number[], finding: Finding, all: readonly Finding[]) {
  const ruleId = finding.ruleId as RuleId;
  expect(Object.keys(SHAPES)).toContain(ruleId);
  const { line, column, endLine, endColumn } = finding.location;
  expect(endLine).toBe(line);
  const lineStart = starts[line - 1];
  if (lineStart === undefined) throw new Error(`line ${line} is past the end of the text`);
  const start = lineStart + column - 1;
  const end = lineStart + endColumn - 1;
  const nextLine = starts[line] ?? Infinity;
  expect(end).toBeLessThanOrEqual(Math.min(text.length, nextLine));
  const raw = text.slice(start, end);
  const decoded = KEY_ID_RULES.has(ruleId) ? raw : unescapeOracle(raw);
  expect(finding.secret).toBe(decoded);
  expect(decoded).toMatch(SHAPES[ruleId]);
  expect(entropy(decoded)).toBeGreaterThanOrEqual(MIN_ENTROPY[ruleId]);
  expect(finding.fingerprint).toBe(expectedFingerprint(ruleId, decoded));
  // Not part of a longer token: a non-alphanumeric (base64 for secrets) before and after, or one of the
  // delimiters rules/aws.yaml lists (%3D, %22, %3A, %20, %2C, %26, or an escape such as "\n") before.
  const before = text.slice(Math.max(0, start - 3), start);
  const after = text.slice(end, end + 3);
  const escapedBoundary = /(?:%(?:2[027Cc]|3[ADad]|26)|\\[nrt])$/.test(before);
  if (KEY_ID_RULES.has(ruleId)) {
    expect(escapedBoundary || /(?:^|[^A-Za-z0-9])$/.test(before)).toBe(true);
    expect(after).toMatch(/^(?:$|[^A-Za-z0-9])/);
    expect(reportableKeyId(decoded)).toBe(true);
  } else {
    expect(escapedBoundary || /(?:^|[^A-Za-z0-9+/])$/.test(before)).toBe(true);
    expect(after).not.toMatch(/^(?:[A-Za-z0-9+/=]|\\[/+]|%(?:2[BbFf]|3[Dd]))/);
  }
  if (ruleId === 'aws.secret-access-key') {
    expect(reportableSecret(decoded)).toBe(true);
    const from = starts[Math.max(0, line - 2)] ?? 0;
    const lineEnd = /[\r\n]/.exec(text.slice(end));
    const to = lineEnd ? end + lineEnd.index : text.length;
    const window = `${text.slice(from, start)} ${text.slice(end, to)}`;
    const idInFile = all.some((other) => KEY_ID_RULES.has(other.ruleId));
    expect(idInFile || AWS_CONTEXT.test(window)).toBe(true);
  }
  if (ruleId === 'aws.session-token') expect(reportableToken(decoded)).toBe(true);
}

function checkAll(text: string, outcome: FragmentOutcome): void {
  const starts = lineStarts(text);
  for (const finding of outcome.findings) checkFinding(text, starts, finding, outcome.findings);
}

// ---------------------------------------------------------------------------------------------------
// Key material: valid shapes, minus what the README says is not reported.

/** `n` characters of `alphabet`, unbiased (fast-check's bias towards the first values makes placeholders). */
const chars = (alphabet: string, n: number) =>
  fc.noBias(fc.string({ unit: fc.constantFrom(...alphabet), minLength: n, maxLength: n }));

const modernId = (prefix: string) =>
  fc.tuple(chars(MODERN_FIFTH, 1), chars(BASE32, 15)).map(([fifth, body]) => prefix + fifth + body);
const legacyId = (prefix: string) =>
  fc.tuple(fc.constantFrom('I', 'J'), chars(UPPER_ALNUM, 15)).map(([fifth, body]) => prefix + fifth + body);
const seed = fc.integer({ min: 0, max: 0x7fffffff });

/** Long-term and temporary key ids: modern and legacy, AKIA/ABIA/ACCA/A3T/ASIA, or FakeKeys' own. */
const keyIdArb = fc
  .oneof(
    { weight: 4, arbitrary: modernId('AKIA') },
    { weight: 1, arbitrary: legacyId('AKIA') },
    { weight: 1, arbitrary: fc.constantFrom('ABIA', 'ACCA').chain(modernId) },
    { weight: 1, arbitrary: chars(UPPER_ALNUM, 17).map((body) => `A3T${body}`) },
    { weight: 2, arbitrary: modernId('ASIA') },
    { weight: 1, arbitrary: legacyId('ASIA') },
    { weight: 2, arbitrary: seed.map((s) => new FakeKeys(s).keyId()) },
    { weight: 1, arbitrary: seed.map((s) => new FakeKeys(s).tempKeyId()) },
  )
  .filter(reportableKeyId);
const tempKeyIdArb = fc.oneof(modernId('ASIA'), legacyId('ASIA')).filter(reportableKeyId);

const secretArb = fc
  .oneof(
    chars(BASE64, 40),
    seed.map((s) => new FakeKeys(s).secret()),
    seed.map((s) => new FakeKeys(s).escapableSecret()),
  )
  .filter(reportableSecret);

const tokenArb = fc
  .oneof(
    seed.map((s) => new FakeKeys(s).sessionToken()),
    fc
      .tuple(fc.constantFrom('IQoJb3JpZ2luX2Vj', 'FwoGZXIvYXdzE'), fc.integer({ min: 100, max: 300 }), seed)
      .map(([prefix, n, s]) => prefix + new FakeKeys(s).chars(BASE64, n)),
  )
  .filter(reportableToken);

// ---------------------------------------------------------------------------------------------------
// Documents: filler lines with pieces (credentials in a form with AWS context) inserted.

interface Plant {
  readonly ruleId: RuleId;
  /** The decoded value, as reported. */
  readonly value: string;
  /** How it is written in the text (JSON-escaped, URL-encoded, or as is). */
  readonly raw: string;
}
/** A line break inside a piece, written as the document's line ending at that point. */
const EOL = Symbol('eol');
type Segment = string | Plant | typeof EOL;
type Piece = readonly Segment[];

const id = (value: string): Plant => ({
  ruleId: value.startsWith('ASIA') ? 'aws.temporary-access-key-id' : 'aws.access-key-id',
  value,
  raw: value,
});
const sk = (value: string, raw = value): Plant => ({ ruleId: 'aws.secret-access-key', value, raw });
const tok = (value: string): Plant => ({ ruleId: 'aws.session-token', value, raw: value });
const jsonEscaped = (value: string) => value.replace(/\//g, '\\/');
const urlEncoded = (value: string) => value.replace(/\//g, '%2F').replace(/\+/g, '%2B');

/** Forms the README and rules/aws.yaml's examples show keysweep recognising. */
const ID_FORMS: readonly ((p: Plant) => Piece)[] = [
  (p) => ['aws_access_key_id = ', p],
  (p) => ['AWS_ACCESS_KEY_ID="', p, '"'],
  (p) => ['export AWS_ACCESS_KEY_ID=', p],
  (p) => ['{"AccessKeyId":"', p, '"}'],
  (p) => ['"AccessKeyId": "', p, '",'],
  (p) => ['https://bucket.s3.amazonaws.com/x?X-Amz-Credential=', p, '%2F20240101%2Fus-east-1%2Fs3'],
  (p) => ['form=aws_access_key_id%3D', p, '%26region%3Dus-east-1'],
  (p) => ['printf "aws id:\\n', p, '\\n"'],
  (p) => ["aws_access_key_id: '", p, "'"],
  (p) => ['$Env:AWS_ACCESS_KEY_ID = "', p, '"'],
  (p) => ['<AccessKeyId>', p, '</AccessKeyId>'],
];
/** A Kubernetes/CI env entry: the secret's only AWS context is on the line above. */
const yamlEnvSecret = (s: string): Piece => ['- name: AWS_SECRET_ACCESS_KEY', EOL, '  value: ', sk(s)];
const SECRET_FORMS: readonly ((s: string) => Piece)[] = [
  (s) => ['aws_secret_access_key = ', sk(s)],
  (s) => ['AWS_SECRET_ACCESS_KEY=', sk(s)],
  (s) => ['export AWS_SECRET_ACCESS_KEY="', sk(s), '"'],
  (s) => ["AWS_SECRET_ACCESS_KEY='", sk(s), "'"],
  (s) => ['"SecretAccessKey": "', sk(s), '",'],
  (s) => ['{"SecretAccessKey":"', sk(s, jsonEscaped(s)), '"}'],
  (s) => ['curl -d "secret=', sk(s, urlEncoded(s)), '&x=1" https://example.invalid/aws'],
  (s) => ['provider "aws" { secret_key = "', sk(s), '" }'],
  (s) => ['aws_secret_access_key: ', sk(s)],
  (s) => ['<SecretAccessKey>', sk(s), '</SecretAccessKey>'],
  (s) => ['aws.secretKey=', sk(s)],
  yamlEnvSecret,
];
/** No keyword: these secrets have AWS context only through a key id elsewhere in the same file. */
const BARE_SECRET_FORMS: readonly ((s: string) => Piece)[] = [
  (s) => ['const value = "', sk(s), '";'],
  (s) => ['value: ', sk(s)],
  (s) => [sk(s)],
  (s) => ["x = '", sk(s, jsonEscaped(s)), "'"],
];
const PAIR_FORMS: readonly ((i: string, s: string) => Piece)[] = [
  (i, s) => ['[profile dev]', EOL, 'aws_access_key_id = ', id(i), EOL, 'aws_secret_access_key = ', sk(s)],
  (i, s) => [
    'User name,Password,Access key ID,Secret access key,Console login link',
    EOL,
    'deploy,,',
    id(i),
    ',',
    sk(s),
    ',https://example.invalid',
  ],
  (i, s) => [id(i), ':', sk(s)],
  (i, s) => ['AWS_ACCESS_KEY_ID=', id(i), EOL, 'AWS_SECRET_ACCESS_KEY=', sk(s)],
];
const TOKEN_FORMS: readonly ((t: string) => Piece)[] = [
  (t) => ['aws_session_token = ', tok(t)],
  (t) => ['export AWS_SESSION_TOKEN=', tok(t)],
  (t) => ['"SessionToken": "', tok(t), '"'],
];
const stsPiece = (i: string, s: string, t: string): Piece => [
  '"Credentials": {',
  EOL,
  '  "AccessKeyId": "',
  id(i),
  '",',
  EOL,
  '  "SecretAccessKey": "',
  sk(s),
  '",',
  EOL,
  '  "SessionToken": "',
  tok(t),
  '",',
  EOL,
  '  "Expiration": "2024-01-01T00:00:00Z"',
  EOL,
  '}',
];

const formOf = <F>(forms: readonly F[]) => fc.constantFrom(...forms);

/** One credential item: the pieces it inserts (a far pair inserts its id and secret separately). */
const itemArb: fc.Arbitrary<Piece[]> = fc.oneof(
  fc.tuple(keyIdArb, formOf(ID_FORMS)).map(([i, form]) => [form(id(i))]),
  fc.tuple(secretArb, formOf(SECRET_FORMS)).map(([s, form]) => [form(s)]),
  fc.tuple(keyIdArb, secretArb, formOf(PAIR_FORMS)).map(([i, s, form]) => [form(i, s)]),
  fc
    .tuple(keyIdArb, formOf(ID_FORMS), secretArb, formOf(BARE_SECRET_FORMS))
    .map(([i, idForm, s, secretForm]) => [idForm(id(i)), secretForm(s)]),
  fc.tuple(tempKeyIdArb, secretArb, tokenArb).map(([i, s, t]) => [stsPiece(i, s, t)]),
  fc.tuple(tokenArb, formOf(TOKEN_FORMS)).map(([t, form]) => [form(t)]),
);

/** Code-like words, AWS words (context for nothing on their own) and documented non-findings. */
const CODE_WORDS = [
  'const',
  'let',
  'return',
  'function',
  'import',
  'from',
  'if',
  'else',
  '=>',
  '{',
  '}',
  '[',
  ']',
  '"hello"',
  "'x'",
  '0x1f',
  '42',
  '3.14',
  'null',
  'TODO:',
  '#',
  '//',
  '/*',
  '*/',
  '<div>',
  '</div>',
  'us-east-1',
  'region',
  'bucket',
  's3',
  'aws',
  'AWS',
  'Secret',
  'secret_name',
  'access_key',
  'credentials',
  'key',
  'id',
  'token',
  'password',
  envRef('AWS_SECRET_ACCESS_KEY'),
  '<YOUR_SECRET_KEY>',
  'process.env.AWS_SECRET_ACCESS_KEY',
  DOC_EXAMPLES.id,
  DOC_EXAMPLES.id2,
  DOC_EXAMPLES.tempId,
  DOC_EXAMPLES.secret,
  DOC_EXAMPLES.secret2,
  PLACEHOLDER_ID,
];
const SEPARATORS = [' ', '  ', '\t', ', ', '; ', '(', ')', ' = ', ': ', '.', '\u00a0', ' // ', '-', '_'];

/** Unicode that keeps UTF-8/UTF-16 round trips exact: any code point but NUL, never a lone surrogate. */
const unicodeWord = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }).map((s) => s.replace(/\0/g, '')),
);
const fillerWord = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...CODE_WORDS) },
  { weight: 3, arbitrary: unicodeWord },
  { weight: 1, arbitrary: chars(HEX, 40) }, // a git SHA: 40 characters, entropy < 4
);
const fillerLine = fc
  .array(fc.tuple(fc.constantFrom(...SEPARATORS), fillerWord), { maxLength: 8 })
  .map((words) => words.map(([separator, word], i) => (i === 0 ? word : separator + word)).join(''));

interface Line {
  readonly text: string;
  readonly eol: string;
}
interface Insertion {
  /** Line index (modulo the line count) and code-unit position (modulo line length + 1). */
  readonly line: number;
  readonly at: number;
  /** Whitespace choices around the piece. */
  readonly before: number;
  readonly after: number;
  readonly piece: Piece;
}
interface Doc {
  readonly lines: readonly Line[];
  readonly finalEol: boolean;
  readonly insertions: readonly Insertion[];
}

const lineArb = fc.record({ text: fillerLine, eol: fc.constantFrom('\n', '\r\n', '\r') });

function docArb(items: fc.Arbitrary<Piece[][]>): fc.Arbitrary<Doc> {
  return fc
    .tuple(fc.array(lineArb, { maxLength: 12 }), fc.boolean(), items)
    .chain(([lines, finalEol, pieces]) =>
      fc
        .tuple(
          ...pieces.flat().map((piece) =>
            fc.record({
              line: fc.nat(),
              at: fc.nat(),
              before: fc.nat({ max: 5 }),
              after: fc.nat({ max: 5 }),
              piece: fc.constant(piece),
            }),
          ),
        )
        .map((insertions): Doc => ({ lines, finalEol, insertions })),
    );
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;

interface Built {
  readonly text: string;
  readonly planted: readonly { readonly plant: Plant; readonly offset: number }[];
}

/** The document's text, and the offset of every planted value's raw text in it. */
function build(doc: Doc): Built {
  const lines = doc.lines.length > 0 ? doc.lines : [{ text: '', eol: '\n' }];
  let text = '';
  const planted: { plant: Plant; offset: number }[] = [];
  lines.forEach((line, index) => {
    const here = doc.insertions
      .filter((insertion) => insertion.line % lines.length === index)
      .map((insertion) => {
        let at = insertion.at % (line.text.length + 1);
        if (at > 0 && isHigh(line.text.charCodeAt(at - 1))) at--; // never split a surrogate pair
        return { ...insertion, at };
      })
      .sort((a, b) => a.at - b.at);
    let cursor = 0;
    here.forEach((insertion, k) => {
      text += line.text.slice(cursor, insertion.at);
      cursor = insertion.at;
      // Whitespace around the piece keeps it apart from the filler; none at the very start or end of a line.
      const atStart = cursor === 0 && k === 0;
      const atEnd = cursor === line.text.length && k === here.length - 1;
      text += (atStart ? ['', '  ', '\t'] : [' ', '\t', ' \t', '\u3000'])[
        insertion.before % (atStart ? 3 : 4)
      ];
      for (const segment of insertion.piece) {
        if (segment === EOL) text += line.eol;
        else if (typeof segment === 'string') text += segment;
        else {
          planted.push({ plant: segment, offset: text.length });
          text += segment.raw;
        }
      }
      text += (atEnd ? ['', ' ', '\t'] : [' ', '\t', '  '])[insertion.after % 3];
    });
    text += line.text.slice(cursor);
    if (index < lines.length - 1 || doc.finalEol) text += line.eol;
  });
  return { text, planted };
}

/** What the scan must report for a built document: each planted value where it was planted. */
function expectedOf(built: Built): string[] {
  const starts = lineStarts(built.text);
  return built.planted
    .map(({ plant, offset }) => {
      const { line, column, endLine, endColumn } = spanOf(starts, offset, offset + plant.raw.length);
      return `${plant.ruleId} ${line}:${column}-${endLine}:${endColumn} ${plant.value}`;
    })
    .sort();
}

const reportedOf = (outcome: FragmentOutcome) => outcome.findings.map(summary).sort();

const credentialDoc = docArb(fc.array(itemArb, { minLength: 1, maxLength: 4 }));

// ---------------------------------------------------------------------------------------------------
// 1. Insertion

/**
 * KEYSWEEP BUG (found by this property; src/engine/detect.ts `searchWindows`, left for the lead to fix):
 * a secret whose AWS context is only on the line above is missed when the line above that one also
 * holds a context keyword and the file has no key id. The keyword two lines up opens a search window
 * that ends at the end of the next line (the context line), and `nearby.lastIndex` then jumps past that
 * line's own keyword, so no window ever covers the secret's line: the pattern never runs there, and the
 * secret is not even counted in `suppressed`. Minimal text: "aws\n- name: AWS_SECRET_ACCESS_KEY\n  value:
 * <secret>\n": the secret at 3:10 is not reported (without the "aws" line it is, at 2:10). Random runs
 * that found it (replace `examples` below by `seed: N` to replay; counterexamples as fast-check shrank them):
 *   seed -500799587, path "7:1:0:1:1:1:2:2:3:3:3:3:3:3:3:3:3:3:3:4:4:6:0:3:1:1:2:0:6:4:0:0:1:1:1:1:1:1:1":
 *     line 1 "aws_session_token = <token>", line 2 "- name: AWS_SECRET_ACCESS_KEY", line 3 "  value: <secret>"
 *   seed 1738895285, path "161:249:1:2:2:3:3:4:4:4:4:7:0:1:3:1:0:1:2:0:0:1:3:1:0:2:2:2":
 *     line 1 "access_key", line 2 "- name: AWS_SECRET_ACCESS_KEY", line 3 "  value: <secret>"
 * The example below replays it on every run, so this property fails until detect.ts is fixed.
 */
const searchWindowRegression: Doc = {
  lines: [
    { text: 'aws', eol: '\n' },
    { text: '', eol: '\n' },
  ],
  finalEol: true,
  insertions: [{ line: 1, at: 0, before: 0, after: 0, piece: yamlEnvSecret(firstReportableSecret()) }],
};

function firstReportableSecret(): string {
  for (let seed = 1; ; seed++) {
    const secret = new FakeKeys(seed).secret();
    if (reportableSecret(secret)) return secret;
  }
}

describe('property: planted credentials are reported exactly where they were planted', () => {
  test(
    'every planted key id, secret and token, at its line and column, and nothing else',
    () => {
      fc.assert(
        fc.property(credentialDoc, (doc) => {
          const built = build(doc);
          expect(reportedOf(scanText(built.text))).toEqual(expectedOf(built));
        }),
        { numRuns: RUNS.insertion, examples: [[searchWindowRegression]] },
      );
    },
    TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------------
// 2. Encodings

const ENCODINGS: Record<string, (text: string) => Buffer> = {
  'utf-8': (text) => Buffer.from(text, 'utf8'),
  'utf-8 with BOM': (text) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]),
  'utf-16le with BOM': (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
  'utf-16be with BOM': (text) =>
    Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
};

describe('property: the encoding of a file does not change its findings', () => {
  test(
    'UTF-8, UTF-8 + BOM, UTF-16LE + BOM and UTF-16BE + BOM give the same findings',
    () => {
      fc.assert(
        fc.property(credentialDoc, (doc) => {
          const built = build(doc);
          const expected = scanText(built.text).findings;
          for (const [name, encode] of Object.entries(ENCODINGS)) {
            // Plain UTF-8 text that itself starts with U+FEFF is read as having a BOM: that is the BOM's job.
            if (name === 'utf-8' && built.text.startsWith('\uFEFF')) continue;
            const decoded = decodeText(encode(built.text));
            const text = decoded.binary ? undefined : decoded.text;
            expect({ name, text }).toEqual({ name, text: built.text });
            // the UTF-8 forms are prefiltered on their bytes, the UTF-16 ones on the text: same findings
            const findings = scanDecoded(decoded.binary ? { text: '' } : decoded).findings;
            // jest's deep equality is slow on findings; compare their JSON, and let expect show a difference
            if (JSON.stringify(findings) !== JSON.stringify(expected))
              expect({ name, findings }).toEqual({ name, findings: expected });
          }
        }),
        { numRuns: RUNS.encodings },
      );
    },
    TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------------
// 3. Noise

const BOMS = [[], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]];

/** Fragments that sit near the rules' edges: concatenated with no separator, they make odd boundaries. */
const keyishFragment = (aws: boolean) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 36, max: 44 }).chain((n) => chars(BASE64, n)) },
    { weight: 1, arbitrary: fc.integer({ min: 30, max: 44 }).chain((n) => chars(`${UPPER}${DIGITS}`, n)) },
    { weight: 1, arbitrary: chars(HEX, 40) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('IQoJb3JpZ2lu', 'FwoGZXIvYXdz', 'xxoxYXdz', 'AAoAb3JpZ2lu'),
          fc.integer({ min: 80, max: 110 }),
        )
        .chain(([prefix, n]) => chars(BASE64, n).map((body) => prefix + body)),
    },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        '%2F',
        '%2f',
        '%2B',
        '%3D',
        '%22',
        '%3A',
        '%20',
        '%2C',
        '%26',
        '%',
        '\\n',
        '\\r',
        '\\t',
        '\\/',
        '\\+',
        '\\',
        '=',
        '==',
        '"',
        "'",
        ':',
        ' ',
        '\t',
        '/',
        '+',
        '-',
        '_',
        '.',
        ',',
        '\n',
        '\r\n',
        '\r',
        'EXAMPLE',
        'XXXXXX',
        'access',
        'accessToken',
        'access token',
        'KEY',
        'key',
        'value',
        'YXdz',
        'b3JpZ2lu',
      ),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
    { weight: 2, arbitrary: fc.constantFrom('\n', '\r\n', '\r', '\n\n', '\r\r') },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
    },
    ...(aws
      ? [
          {
            weight: 3,
            arbitrary: fc.constantFrom(
              'aws',
              'AWS_',
              'secret',
              'Secret',
              'access_key',
              'accessKey',
              'credential',
              'aws_secret_access_key = ',
              'AWS_ACCESS_KEY_ID=',
              '"AccessKeyId": "',
              'SecretAccessKey',
              'AKIA',
              'ASIA',
              'ABIA',
              'ACCA',
              'A3T',
            ),
          },
          {
            weight: 2,
            arbitrary: fc
              .tuple(
                fc.constantFrom('AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T', 'AIDA', 'akia'),
                fc.integer({ min: 14, max: 18 }),
              )
              .chain(([prefix, n]) =>
                fc.oneof(chars(BASE32, n), chars(UPPER_ALNUM, n)).map((body) => prefix + body),
              ),
          },
          { weight: 1, arbitrary: keyIdArb },
          { weight: 1, arbitrary: secretArb },
        ]
      : []),
  );
const keyishNoise = fc.array(keyishFragment(true), { maxLength: 40 }).map((parts) => parts.join(''));
const NO_AWS = /aws|secret|access[_ .-]?key|credential|akia|asia|abia|acca|a3t/i;
const noContextNoise = fc
  .array(keyishFragment(false), { maxLength: 40 })
  .map((parts) => parts.join(''))
  .filter((text) => !NO_AWS.test(text));

describe('property: noise never crashes the engine and never invents a key', () => {
  test(
    'arbitrary bytes (with or without a BOM) decode and scan without throwing',
    () => {
      // Sometimes padded to put the bytes around the end of the 8 KiB binary sniff window.
      const padding = fc.option(fc.integer({ min: 8000, max: 8300 }), { freq: 8 });
      fc.assert(
        fc.property(
          fc.constantFrom(...BOMS),
          padding,
          fc.uint8Array({ maxLength: 4096 }),
          (bom, pad, body) => {
            const bytes = Buffer.concat([Buffer.from(bom), Buffer.alloc(pad ?? 0, 0x61), Buffer.from(body)]);
            const decoded = decodeText(bytes);
            // README: binary = a NUL byte in the first 8 KiB, unless a UTF-16 byte-order mark says otherwise.
            const utf16 =
              (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
            const utf8Bom = !utf16 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
            const sniffed = bytes.subarray(utf8Bom ? 3 : 0, (utf8Bom ? 3 : 0) + 8192);
            expect(decoded.binary).toBe(!utf16 && sniffed.includes(0));
            if (!decoded.binary) checkAll(decoded.text, scanDecoded(decoded));
          },
        ),
        { numRuns: RUNS.bytes },
      );
    },
    TIMEOUT_MS,
  );

  test(
    'arbitrary UTF-16 strings, lone surrogates included, scan without throwing',
    () => {
      const unit = fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
        fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
      );
      fc.assert(
        fc.property(fc.string({ unit, maxLength: 300 }), (text) => checkAll(text, scanText(text))),
        { numRuns: RUNS.unicode },
      );
    },
    TIMEOUT_MS,
  );

  test(
    'key-shaped noise: every finding is a rule-shaped value at its location, with AWS context',
    () => {
      fc.assert(
        fc.property(keyishNoise, (text) => checkAll(text, scanText(text))),
        { numRuns: RUNS.keyishNoise },
      );
    },
    TIMEOUT_MS,
  );

  test(
    'noise without an AWS keyword or key id yields no key id and no secret access key',
    () => {
      fc.assert(
        fc.property(noContextNoise, (text) => {
          const outcome = scanText(text);
          checkAll(text, outcome);
          expect(outcome.findings.filter((finding) => finding.ruleId !== 'aws.session-token')).toEqual([]);
        }),
        { numRuns: RUNS.noContext },
      );
    },
    TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------------
// 4. Fingerprints

const pathArb = fc
  .array(fc.constantFrom('src', 'config', '.aws', 'deploy', 'a b', 'ü', 'x.y'), {
    minLength: 0,
    maxLength: 3,
  })
  .chain((dirs) =>
    fc
      .constantFrom('.env', 'credentials', 'main.tf', 'app.json', 'x.yaml')
      .map((file) => [...dirs, file].join('/')),
  );

describe('property: fingerprints do not depend on where a credential sits', () => {
  test(
    'one key pair planted at several places, in several forms, in two files: one fingerprint per value',
    () => {
      const arb = fc.tuple(keyIdArb, secretArb).chain(([keyId, secret]) => {
        // The same pair two or three times per file, each time in its own (possibly escaped) form.
        const copies = fc.array(
          fc
            .tuple(formOf(ID_FORMS), formOf(SECRET_FORMS))
            .map(([idForm, secretForm]) => [idForm(id(keyId)), secretForm(secret)]),
          { minLength: 2, maxLength: 3 },
        );
        return fc.record({
          keyId: fc.constant(keyId),
          secret: fc.constant(secret),
          docs: fc.tuple(docArb(copies), docArb(copies)),
          paths: fc.tuple(pathArb, pathArb),
        });
      });
      fc.assert(
        fc.property(arb, ({ keyId, secret, docs, paths }) => {
          const findings = docs.flatMap((doc, i) => scanText(build(doc).text, paths[i]).findings);
          const idRule = id(keyId).ruleId;
          for (const [ruleId, value] of [
            [idRule, keyId],
            ['aws.secret-access-key', secret],
          ] as const) {
            const fingerprints = findings.filter((f) => f.ruleId === ruleId).map((f) => f.fingerprint);
            expect(fingerprints.length).toBeGreaterThanOrEqual(4);
            expect(new Set(fingerprints)).toEqual(new Set([expectedFingerprint(ruleId, value)]));
          }
        }),
        { numRuns: RUNS.fingerprints },
      );
    },
    TIMEOUT_MS,
  );
});

test('the properties run at least 10,000 cases in all', () => {
  expect(Object.values(RUNS).reduce((sum, runs) => sum + runs, 0)).toBeGreaterThanOrEqual(10_000);
});
