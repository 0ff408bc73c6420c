/**
 * Held-out accuracy measurement: scans the generated corpus with keysweep in-process and compares
 * the JSON report with the ground truth. Set KEYSWEEP_KEEP_CORPUS=1 to keep the corpus directory and
 * KEYSWEEP_CORPUS_SEED=<n> to measure on another generated corpus (default seed 1).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../src/cli/run';
import { RULE_IDS } from './builder';
import { type Corpus, writeCorpus } from './corpus';
import { formatReport, precision, type ReportedFinding, recall, type Scored, score } from './score';

interface JsonReport {
  version: number;
  findings: ReportedFinding[];
}

const SEED = Number(process.env.KEYSWEEP_CORPUS_SEED ?? 1);

describe('keysweep accuracy on the held-out corpus', () => {
  let dir = '';
  let corpus: Corpus;
  let exitCode = -1;
  let stderr = '';
  let report: JsonReport;
  let result: Scored;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keysweep-accuracy-'));
    corpus = writeCorpus(dir, SEED);
    let stdout = '';
    exitCode = await run(['scan', dir, '--format', 'json', '--no-redact'], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      cwd: dir,
      env: { PATH: process.env.PATH },
    });
    report = JSON.parse(stdout) as JsonReport;
    result = score(corpus, report.findings);
    console.log(
      `keysweep accuracy (seed ${SEED}, ${corpus.files.length} files, ${corpus.truths.length} planted)\n${formatReport(result)}`,
    );
  }, 120_000);

  afterAll(() => {
    if (process.env.KEYSWEEP_KEEP_CORPUS) console.log(`corpus kept in ${dir}`);
    else if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 because findings exist, with nothing on stderr', () => {
    expect(stderr).toBe('');
    expect(exitCode).toBe(1);
  });

  it('reports relative forward-slash paths in a version 1 JSON report', () => {
    expect(report.version).toBe(1);
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) {
      expect(path.isAbsolute(f.file)).toBe(false);
      expect(f.file).not.toContain('\\');
    }
  });

  it('has overall precision >= 0.95', () => {
    expect(precision(result.overall)).toBeGreaterThanOrEqual(0.95);
  });

  it('has overall recall >= 0.95', () => {
    expect(recall(result.overall)).toBeGreaterThanOrEqual(0.95);
  });

  it.each(RULE_IDS)('has recall >= 0.9 for %s', (rule) => {
    expect(recall(result.perRule[rule])).toBeGreaterThanOrEqual(0.9);
  });
});
