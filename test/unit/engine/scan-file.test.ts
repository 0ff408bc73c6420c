import { NO_FILTERS } from '../../../src/engine/fragment';
import { scanFile } from '../../../src/engine/scan-file';
import { BUILTIN_RULES_DIR, loadRules } from '../../../src/rules/load';
import type { FileItem } from '../../../src/sources/source';
import { FakeKeys } from '../../support/fake-keys';

/**
 * scanFile once the byte shortcuts pay (after 1 MiB in this thread): the keyword prefilter reads the
 * bytes first, and a file with no keyword is clean without being decoded. Whatever the path, a file
 * must come out as it would have: binary files binary, UTF-16 files scanned as text.
 */
const ruleSet = loadRules([BUILTIN_RULES_DIR], process.cwd());
const keys = new FakeKeys(11);
const item = (bytes: Buffer): FileItem => ({
  kind: 'file',
  provenance: { kind: 'worktree', path: 'f.txt' },
  bytes,
});
const scanned = (bytes: Buffer) => scanFile(item(bytes), ruleSet, NO_FILTERS, false);

describe('scanFile with the byte shortcuts on', () => {
  beforeAll(() => {
    // two MiB without a keyword: past the thread's threshold, and itself clean
    expect(scanned(Buffer.alloc(2 * 1024 * 1024, 'plain text\n'))).toEqual({
      kind: 'scanned',
      bytes: 2 * 1024 * 1024,
      binary: false,
      findings: [],
      suppressed: {},
    });
  });

  it('finds a key pair in UTF-8, with or without a byte-order mark, and in UTF-16', () => {
    const text = `aws_access_key_id = ${keys.keyId()}\naws_secret_access_key = ${keys.secret()}\n`;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    for (const bytes of [Buffer.from(text), bom, utf16]) {
      const outcome = scanned(bytes);
      expect(outcome.binary).toBe(false);
      expect(outcome.findings.map((finding) => finding.ruleId).sort()).toEqual([
        'aws.access-key-id',
        'aws.secret-access-key',
      ]);
    }
  });

  it('still calls a file with a NUL byte binary, keywords or not', () => {
    expect(scanned(Buffer.from('no keyword\0here')).binary).toBe(true);
    expect(scanned(Buffer.from(`\0aws_access_key_id = ${keys.keyId()}`)).binary).toBe(true);
  });

  it('counts the checks that dropped candidates in a file with keywords but no finding', () => {
    const outcome = scanned(Buffer.from(`aws_secret_access_key = ${'ab'.repeat(19)}A1\n`));
    expect(outcome.findings).toEqual([]);
    expect(outcome.suppressed).toEqual({ entropy: 1 });
  });

  it('drops and counts a low-entropy candidate alike whether it holds escapes or not', () => {
    // the secret rule unescapes `\/` and `%2F`: these decode to the same low-entropy 40 characters
    const plain = `${'ab'.repeat(19)}A/`;
    for (const written of [plain, `${'ab'.repeat(19)}A\\/`, `${'ab'.repeat(19)}A%2F`]) {
      const outcome = scanned(Buffer.from(`aws_secret_access_key = "${written}"\n`));
      expect({ written, findings: outcome.findings, suppressed: outcome.suppressed }).toEqual({
        written,
        findings: [],
        suppressed: { entropy: 1 },
      });
    }
    // measured as written (the escapes add three characters) this one would pass, decoded it does not
    const decoded = 'abc/de/fghABCD123abcdefghABCD123abcdefgh';
    const outcome = scanned(Buffer.from(`aws_secret_access_key = "${decoded.replaceAll('/', '%2F')}"\n`));
    expect({ findings: outcome.findings, suppressed: outcome.suppressed }).toEqual({
      findings: [],
      suppressed: { entropy: 1 },
    });
  });
});
