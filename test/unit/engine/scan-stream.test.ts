import { NO_FILTERS } from '../../../src/engine/fragment';
import { scan } from '../../../src/engine/scan';
import { BUILTIN_RULES_DIR, loadRules } from '../../../src/rules/load';
import type { Source, SourceItem } from '../../../src/sources/source';
import type { Finding } from '../../../src/types';
import { FakeKeys } from '../../support/fake-keys';

/**
 * ScanOptions.onFindings: the findings go to the callback instead of the result. Without a `finish`
 * (a working tree) each file's are handed over as soon as it is merged and the scan keeps none; with one,
 * all of them once the scan is over, as the result would have held them.
 */
const ruleSet = loadRules([BUILTIN_RULES_DIR], process.cwd());
const keys = new FakeKeys(41);
const ids = [keys.keyId(), keys.keyId(), keys.keyId()];

/** Three files with key ids (the second twice: found once), a clean one; `pulled` counts items pulled. */
function source(finish?: Source['finish']): Source & { pulled: () => number } {
  let pulled = 0;
  const file = (path: string, text: string): SourceItem => ({
    kind: 'file',
    provenance: { kind: 'worktree', path },
    bytes: Buffer.from(text),
  });
  return {
    pulled: () => pulled,
    async *items(): AsyncGenerator<SourceItem> {
      const items = [
        file('a.env', `KEY=${ids[0]}\n`),
        file('b.env', `KEY=${ids[1]}\nAGAIN=${ids[1]}\nOTHER=${ids[2]}\n`),
        file('c.txt', 'nothing here\n'),
        file('d.env', `KEY=${ids[2]}\n`),
      ];
      for (const item of items) {
        pulled++;
        yield item;
      }
    },
    ...(finish ? { finish } : {}),
  };
}

const where = (finding: Finding) => [finding.provenance.path, finding.location.line];

test("each file's findings are handed over once it is merged, and the result keeps none", async () => {
  const plain = await scan(source(), ruleSet, NO_FILTERS);
  const streamed = source();
  const calls: { findings: Finding[]; pulledBefore: number }[] = [];
  const result = await scan(streamed, ruleSet, NO_FILTERS, {
    onFindings: (findings) => calls.push({ findings: [...findings], pulledBefore: streamed.pulled() }),
  });
  expect(result.findings).toEqual([]);
  expect(result.stats).toEqual({ ...plain.stats, durationMs: result.stats.durationMs });
  // one call per file with findings, each before the next file was pulled (no lookahead without workers)
  expect(calls.map((call) => [call.findings.map(where), call.pulledBefore])).toEqual([
    [[['a.env', 1]], 1],
    [
      [
        ['b.env', 1],
        ['b.env', 3],
      ],
      2,
    ],
    [[['d.env', 1]], 4],
  ]);
  expect(calls.flatMap((call) => call.findings)).toEqual(plain.findings);
});

test('a source that judges its findings after the scan hands them all over then, sorted', async () => {
  // (a finish that drops the first file's finding, as a change's moved secrets are dropped)
  const finish: Source['finish'] = async (findings) => ({
    findings: findings.filter((finding) => finding.provenance.path !== 'a.env'),
  });
  const plain = await scan(source(finish), ruleSet, NO_FILTERS);
  const calls: Finding[][] = [];
  const result = await scan(source(finish), ruleSet, NO_FILTERS, {
    onFindings: (findings) => calls.push([...findings]),
  });
  expect(result.findings).toEqual([]);
  expect(calls).toEqual([plain.findings]);
  expect(plain.findings.map(where)).toEqual([
    ['b.env', 1],
    ['b.env', 3],
    ['d.env', 1],
  ]);
});
