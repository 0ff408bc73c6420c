/** Scores keysweep findings against the corpus ground truth and formats a readable report. */
import { RULE_IDS, type RuleId, type Truth } from './builder';
import type { Corpus } from './corpus';

export interface ReportedFinding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  secret: string;
}

export interface Counts {
  truths: number;
  tp: number;
  fp: number;
  fn: number;
}

/** One false positive / false negative, described without revealing more than 4 chars of a secret. */
export interface Miss {
  where: string;
  ruleId: string;
  kind: string;
  value: string;
  snippet: string;
}

export interface Scored {
  overall: Counts;
  perRule: Record<RuleId, Counts>;
  falsePositives: Miss[];
  falseNegatives: Miss[];
  /** findings of rule ids outside the four scored ones (listed, not scored) */
  otherRules: Miss[];
}

export const precision = (c: Counts): number => (c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp));
export const recall = (c: Counts): number => (c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn));

/** First 4 chars, then an ellipsis and the length. */
export const short = (s: string): string => `${s.slice(0, 4)}…(${s.length})`;

/** Masks every long token-like run so snippets never reveal a full secret. */
export const mask = (s: string): string => s.replace(/[A-Za-z0-9+/%\\=]{12,}/g, (m) => `${m.slice(0, 4)}…`);

const isRule = (r: string): r is RuleId => (RULE_IDS as readonly string[]).includes(r);
const keyOf = (f: { file: string; line: number; column: number; ruleId: string }) =>
  `${f.file}\u0000${f.line}\u0000${f.column}\u0000${f.ruleId}`;

export function score(corpus: Corpus, findings: readonly ReportedFinding[]): Scored {
  const lines = new Map(
    corpus.files.map((f) => [
      f.file,
      f.content
        .replace(/^\uFEFF/, '')
        .split('\n')
        .map((l) => l.replace(/\r$/, '')),
    ]),
  );
  const kinds = new Map(corpus.files.map((f) => [f.file, f.kind]));
  const snippet = (file: string, line: number, column: number) => {
    const text = lines.get(file)?.[line - 1] ?? '';
    const from = Math.max(0, column - 1 - 50);
    return (from > 0 ? '…' : '') + mask(text.slice(from, column - 1 + 70));
  };
  const truthByKey = new Map(corpus.truths.map((t) => [keyOf(t), t]));
  const used = new Set<string>();
  const blank = (): Counts => ({ truths: 0, tp: 0, fp: 0, fn: 0 });
  const perRule = Object.fromEntries(RULE_IDS.map((r) => [r, blank()])) as Record<RuleId, Counts>;
  for (const t of corpus.truths) perRule[t.ruleId].truths++;
  const falsePositives: Miss[] = [];
  const otherRules: Miss[] = [];

  for (const f of findings) {
    const where = `${f.file}:${f.line}:${f.column}`;
    const miss = (kind: string): Miss => ({
      where,
      ruleId: f.ruleId,
      kind,
      value: short(f.secret),
      snippet: snippet(f.file, f.line, f.column),
    });
    if (!isRule(f.ruleId)) {
      otherRules.push(miss(kinds.get(f.file) ?? 'unknown file'));
      continue;
    }
    const key = keyOf(f);
    const truth = truthByKey.get(key);
    if (truth && !used.has(key) && truth.value === f.secret) {
      used.add(key);
      perRule[f.ruleId].tp++;
      continue;
    }
    perRule[f.ruleId].fp++;
    falsePositives.push(miss(describeFalsePositive(corpus, f, truth, used.has(key))));
  }

  const falseNegatives: Miss[] = [];
  for (const t of corpus.truths) {
    if (used.has(keyOf(t))) continue;
    perRule[t.ruleId].fn++;
    const near = findings.filter((f) => f.file === t.file && f.line === t.line);
    const note = near.length
      ? ` [findings on this line: ${near.map((f) => `${f.ruleId}@${f.column}`).join(', ')}]`
      : '';
    falseNegatives.push({
      where: `${t.file}:${t.line}:${t.column}`,
      ruleId: t.ruleId,
      kind: (kinds.get(t.file) ?? '?') + note,
      value: short(t.value),
      snippet: snippet(t.file, t.line, t.column),
    });
  }

  const overall = blank();
  for (const c of Object.values(perRule)) {
    overall.truths += c.truths;
    overall.tp += c.tp;
    overall.fp += c.fp;
    overall.fn += c.fn;
  }
  return { overall, perRule, falsePositives, falseNegatives, otherRules };
}

function describeFalsePositive(
  corpus: Corpus,
  f: ReportedFinding,
  exact: Truth | undefined,
  duplicate: boolean,
): string {
  if (exact && duplicate) return 'duplicate finding';
  if (exact) return `value mismatch (expected ${short(exact.value)}, got ${short(f.secret)})`;
  const sameSpot = corpus.truths.find((t) => t.file === f.file && t.line === f.line && t.column === f.column);
  if (sameSpot) return `wrong rule (truth is ${sameSpot.ruleId})`;
  const sameLine = corpus.truths.find(
    (t) => t.file === f.file && t.line === f.line && t.value.includes(f.secret.slice(0, 8)),
  );
  if (sameLine) return `misplaced (truth ${sameLine.ruleId} at column ${sameLine.column})`;
  const mark = corpus.negatives.find(
    (n) => n.file === f.file && n.line === f.line && n.column <= f.column && f.column < n.column + n.length,
  );
  const fileKind = corpus.files.find((x) => x.file === f.file)?.kind ?? 'unknown file';
  return mark ? `${mark.kind} (in ${fileKind})` : `unmarked content (in ${fileKind})`;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);

export function formatReport(s: Scored): string {
  const row = (name: string, c: Counts) =>
    `${name.padEnd(28)} ${String(c.truths).padStart(6)} ${String(c.tp).padStart(5)} ${String(c.fp).padStart(5)} ${String(c.fn).padStart(5)} ${pct(precision(c))} ${pct(recall(c))}`;
  const out = [
    `${'rule'.padEnd(28)} ${'truths'.padStart(6)} ${'TP'.padStart(5)} ${'FP'.padStart(5)} ${'FN'.padStart(5)} ${'prec'.padStart(7)} ${'recall'.padStart(7)}`,
    ...RULE_IDS.map((r) => row(r, s.perRule[r])),
    row('OVERALL', s.overall),
  ];
  const list = (title: string, misses: Miss[]) => {
    out.push('', `${title} (${misses.length})`);
    for (const m of misses)
      out.push(`  ${m.where} ${m.ruleId} ${m.value} — ${m.kind}`, `      | ${m.snippet}`);
  };
  list('FALSE POSITIVES', s.falsePositives);
  list('FALSE NEGATIVES', s.falseNegatives);
  if (s.otherRules.length) list('OTHER RULE IDS (not scored)', s.otherRules);
  return out.join('\n');
}
