import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expandFakes } from '../support/fake-keys';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/**
 * Fixture-driven end-to-end cases, secretlint style: `fixtures/cases/<ok|ng|opt>.<what>/` holds an
 * `input/` tree (keys written as `{{fake:KIND:N}}` tokens, expanded with a fixed seed into a temp copy),
 * optional `args.json`, and `expected.json`: exit code, findings and skip counts, as the CLI reports them.
 * `UPDATE_FIXTURES=1 npx jest test/e2e` rewrites the expectations; review the diff before committing.
 */
const CASES = path.join(__dirname, '..', '..', 'fixtures', 'cases');
const SEED = 1;

const names = readdirSync(CASES).filter((name) => /^(ok|ng|opt)\./.test(name));

test('there are cases of every kind', () => {
  expect(names.some((name) => name.startsWith('ok.'))).toBe(true);
  expect(names.some((name) => name.startsWith('ng.'))).toBe(true);
  expect(names.some((name) => name.startsWith('opt.'))).toBe(true);
});

describe.each(names)('%s', (name) => {
  let tree: TempTree;
  beforeAll(() => {
    tree = new TempTree();
    copyExpanded(path.join(CASES, name, 'input'), tree.root);
  });
  afterAll(() => tree.remove());

  test('reports what expected.json says', async () => {
    const argsFile = path.join(CASES, name, 'args.json');
    const args: string[] = existsSync(argsFile) ? JSON.parse(readFileSync(argsFile, 'utf8')) : [];
    const { code, stdout, stderr } = await runCli(['scan', tree.root, '--format', 'json', ...args]);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout);
    const actual = {
      exitCode: code,
      findings: report.findings.map((f: Record<string, unknown>) => ({
        file: f.file,
        line: f.line,
        column: f.column,
        endColumn: f.endColumn,
        ruleId: f.ruleId,
        severity: f.severity,
        secret: f.secret,
        credentialKind: f.credentialKind,
        account: f.account,
      })),
      credentials: new Set(report.findings.map((f: { credential: string }) => f.credential)).size,
      skipped: report.stats.skipped,
    };
    const expectedFile = path.join(CASES, name, 'expected.json');
    if (process.env.UPDATE_FIXTURES === '1')
      writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
  });
});

/** Copies a tree, expanding fake-key tokens; latin1 keeps binary and non-UTF-8 bytes as they are. */
function copyExpanded(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyExpanded(source, target);
    else writeFileSync(target, Buffer.from(expandFakes(readFileSync(source, 'latin1'), SEED), 'latin1'));
  }
}
