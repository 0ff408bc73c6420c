import { generateCorpus } from './corpus';
import { formatReport, precision, type ReportedFinding, recall, score } from './score';

describe('accuracy scoring', () => {
  const corpus = generateCorpus(1);
  const perfect: ReportedFinding[] = corpus.truths.map((t) => ({ ...t, secret: t.value }));

  it('scores the ground truth itself as perfect', () => {
    const s = score(corpus, perfect);
    expect(s.overall).toEqual({ truths: corpus.truths.length, tp: corpus.truths.length, fp: 0, fn: 0 });
    expect(precision(s.overall)).toBe(1);
    expect(recall(s.overall)).toBe(1);
  });

  it('counts misses, wrong values, duplicates and flagged negatives', () => {
    const [first, second, ...rest] = perfect;
    if (!first || !second) throw new Error('corpus too small');
    const mark = corpus.negatives.find((n) => n.kind === 'git-sha');
    if (!mark) throw new Error('no git-sha negative');
    const flagged: ReportedFinding = { ...mark, ruleId: 'aws.secret-access-key', secret: 'x'.repeat(40) };
    const s = score(corpus, [
      { ...second, secret: `${second.secret}=` },
      ...rest,
      rest[0] ?? second,
      flagged,
    ]);
    expect(s.overall.fn).toBe(2);
    expect(s.overall.fp).toBe(3);
    const kinds = s.falsePositives.map((m) => m.kind).join('\n');
    expect(kinds).toMatch(/value mismatch/);
    expect(kinds).toMatch(/duplicate finding/);
    expect(kinds).toMatch(/git-sha/);
    const text = formatReport(s);
    expect(text).toContain('FALSE NEGATIVES (2)');
    for (const t of corpus.truths) expect(text).not.toContain(t.value);
  });

  it('lists findings of other rule ids without scoring them', () => {
    const s = score(corpus, [
      ...perfect,
      { file: 'config.json', line: 1, column: 1, ruleId: 'aws.other', secret: '' },
    ]);
    expect(s.otherRules).toHaveLength(1);
    expect(s.overall.fp).toBe(0);
  });
});
