import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FakeKeys } from '../../support/fake-keys';
import { GitRepo } from '../../support/git-repo';
import { runCli } from '../../support/run-cli';
import { TempTree } from '../../support/temp-tree';

/** The annotation, Markdown and JUnit reports, through the real CLI. */
const keys = new FakeKeys(91);
const pair = { id: keys.keyId(), secret: keys.secret() };
const envText = (id = pair.id, secret = pair.secret) =>
  `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`;
const awkward = 'odd,name: 100%|`x`\nline.env';
let tree: TempTree;

beforeAll(() => {
  tree = new TempTree();
  tree.write('.env', envText());
  tree.write(awkward, envText());
  tree.write('src/app.ts', `const id = '${keys.keyId()}';\n`);
});
afterAll(() => tree.remove());

const report = async (format: string, ...args: string[]) =>
  runCli(['scan', tree.root, '--format', format, ...args]);

describe('github', () => {
  test('one annotation per finding, exactly as workflow commands read them, escaped', async () => {
    const { stdout, code } = await report('github');
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^::error file=\.env,line=1,endLine=1,col=19,endColumn=39,title=keysweep%3A AWS long-term access key ID::AWS long-term access key ID: AKIA\*{16} \(critical\), account \d{12}\. Critical: a long-term AWS access key pair, which never expires\.$/,
    );
    // the awkward name: `,` `:` `%` and the newline escaped, so the command stays one line
    expect(lines).toContainEqual(
      expect.stringMatching(/^::error file=odd%2Cname%3A 100%25\|`x`%0Aline\.env,line=1,/),
    );
    expect(lines.filter((line) => line.startsWith('::'))).toHaveLength(5);
    expect(lines.at(-1)).toMatch(/^keysweep: 5 findings \(4 critical, 1 medium\); scanned 3 files/);
    expect(stdout).not.toContain(pair.secret);
    expect((await report('github', '--no-redact')).stdout).toContain(pair.secret);
  });

  test('at most 10 errors and 10 warnings, then a notice pointing at the summary', async () => {
    const many = new TempTree();
    try {
      for (let i = 0; i < 13; i++)
        many.write(`k${String(i).padStart(2, '0')}.env`, envText(keys.keyId(), keys.secret()));
      const { stdout } = await runCli(['scan', many.root, '--format', 'github']);
      const commands = stdout.split('\n').filter((line) => line.startsWith('::'));
      expect(commands.filter((line) => line.startsWith('::error '))).toHaveLength(10);
      expect(commands.at(-1)).toBe(
        '::notice title=keysweep::16 more not annotated (GitHub shows 10 errors and 10 warnings per step): see the job summary or the full report',
      );
    } finally {
      many.remove();
    }
  });
});

describe('markdown', () => {
  test('a table with escaped cells, each remediation once, and what was scanned', async () => {
    const { stdout } = await report('markdown');
    expect(stdout).toMatch(/^\*\*5 findings \(4 critical, 1 medium\) in 3 file\(s\)\.\*\*\n/);
    expect(stdout).toContain(
      '| Severity | Location | Rule | Secret | Account |\n| --- | --- | --- | --- | --- |',
    );
    expect(stdout).not.toContain('| Commit |'); // no git findings, no commit column
    expect(stdout).toContain('| critical | odd,name: 100%\\|\\`x\\`\\u000aline.env:1 |');
    const table = stdout
      .split('\n')
      .filter((line) => line.startsWith('| critical') || line.startsWith('| medium'));
    for (const row of table) expect(row.split(/(?<!\\)\|/).length).toBe(7); // 5 cells, never split by a name
    expect(stdout.match(/Critical: a long-term AWS access key pair/g)).toHaveLength(1);
    expect(stdout).toMatch(/### What was scanned\n\n- Scanned 3 files \([\d.]+ [KM]?i?B\) in \d+ ms\.\n/);
    expect(stdout).not.toContain(pair.secret);
  });

  test('git findings get a commit column; a clean scan says so', async () => {
    const repo = new GitRepo();
    try {
      const sha = repo.commit('add', { 'deploy.env': envText() });
      const { stdout } = await runCli(['history', repo.root, '--format', 'markdown']);
      expect(stdout).toContain('| Severity | Location | Rule | Secret | Account | Commit |');
      expect(stdout).toContain(`| \`${sha.slice(0, 7)}\` 2024-01-01 |`);
      const clean = new TempTree();
      clean.write('ok.txt', 'fine\n');
      expect((await runCli(['scan', clean.root, '--format', 'markdown'])).stdout).toMatch(
        /^\*\*No AWS credentials found\.\*\*\n\n### What was scanned\n\n- Scanned 1 file/,
      );
      clean.remove();
    } finally {
      repo.remove();
    }
  });
});

describe('junit', () => {
  test('well-formed XML: one failing case per finding, control characters dropped, counts right', async () => {
    const { stdout } = await report('junit');
    expect(XMLValidator.validate(stdout)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(stdout);
    const suite = parsed.testsuites.testsuite;
    expect(parsed.testsuites.tests).toBe('5');
    expect(parsed.testsuites.failures).toBe('5');
    expect(suite.testcase).toHaveLength(5);
    const odd = suite.testcase.find((c: { file: string }) => c.file.startsWith('odd'));
    expect(stdout).toContain('file="odd,name: 100%|`x`&#10;line.env"'); // the newline, as a character reference
    expect(odd.failure.type).toBe('critical');
    expect(odd.failure['#text']).toContain('Deactivate the key now');
    expect(stdout).not.toContain(pair.secret);

    const weird = new TempTree();
    try {
      weird.write('bell\u0007\u001b[31m.env', envText());
      const out = (await runCli(['scan', weird.root, '--format', 'junit'])).stdout;
      expect(XMLValidator.validate(out)).toBe(true);
      expect(out).toContain('file="bell[31m.env"');
    } finally {
      weird.remove();
    }
  });

  test('no findings is one passing case', async () => {
    const clean = new TempTree();
    try {
      clean.write('ok.txt', 'fine\n');
      const { stdout, code } = await runCli(['scan', clean.root, '--format', 'junit']);
      expect(code).toBe(0);
      const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(stdout);
      expect(parsed.testsuites.failures).toBe('0');
      expect(parsed.testsuites.testsuite.testcase.name).toBe('no AWS credentials found');
    } finally {
      clean.remove();
    }
  });
});
