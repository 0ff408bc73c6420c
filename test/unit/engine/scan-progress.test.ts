import { NO_FILTERS } from '../../../src/engine/fragment';
import { scan } from '../../../src/engine/scan';
import { BUILTIN_RULES_DIR, loadRules } from '../../../src/rules/load';
import type { Source, SourceItem } from '../../../src/sources/source';

/**
 * The scan's progress calls: every 64th file and after the last, each with the scan's statistics so far
 * and the source's own as of (at most 64 items before) the file's pull, so that a display moves without
 * the statistics being built for every item, and the calls depend on the items alone.
 */
const ruleSet = loadRules([BUILTIN_RULES_DIR], process.cwd());

/** `count` small files, then a skip; `stats()` counts the items pulled so far as "commits". */
function source(count: number): Source {
  let pulled = 0;
  return {
    async *items(): AsyncGenerator<SourceItem> {
      for (let n = 0; n < count; n++) {
        pulled++;
        yield {
          kind: 'file',
          provenance: { kind: 'worktree', path: `f${n}.txt` },
          bytes: Buffer.from('x\n'),
        };
      }
      pulled++;
      yield { kind: 'skip', path: 'link', reason: 'symlink' };
    },
    stats: () => ({ commits: pulled }),
  };
}

async function progressOf(count: number): Promise<{ files: number; commits: number | undefined }[]> {
  const calls: { files: number; commits: number | undefined }[] = [];
  const result = await scan(source(count), ruleSet, NO_FILTERS, {
    onProgress: (stats) => calls.push({ files: stats.files, commits: stats.commits }),
  });
  expect(result.stats.files).toBe(count);
  return calls;
}

test('progress is reported every 64th file and after the last', async () => {
  const calls = await progressOf(150);
  expect(calls.map((call) => call.files)).toEqual([64, 128, 150]);
  // the source's statistics from the 64th pull before each reported file at most, never from later
  calls.forEach((call) => {
    expect(call.commits).toBeLessThanOrEqual(call.files);
    expect(call.commits).toBeGreaterThan(call.files - 64);
  });
});

test('a scan of fewer than 64 files reports once, at its end; one of exactly 64, once', async () => {
  expect((await progressOf(10)).map((call) => call.files)).toEqual([10]);
  expect((await progressOf(64)).map((call) => call.files)).toEqual([64]);
  expect(await progressOf(0)).toEqual([]);
});
