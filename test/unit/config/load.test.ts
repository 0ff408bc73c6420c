import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_FILE, EMPTY_CONFIG, loadConfig, parseConfig } from '../../../src/config/load';
import { KeysweepError, ProblemsError } from '../../../src/errors';

const ORIGIN = '.keysweep.yaml';
const BASE = path.join(os.tmpdir(), 'keysweep-base');

/** The problems parseConfig throws for `document` (fails the test if it does not throw them). */
function problemsOf(document: unknown): readonly string[] {
  try {
    parseConfig(document, ORIGIN, BASE);
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemsError);
    expect((error as ProblemsError).code).toBe('E_CONFIG');
    return (error as ProblemsError).problems;
  }
  throw new Error('parseConfig did not throw');
}

describe('parseConfig', () => {
  it('reads a full config, resolving rule directories against the config folder', () => {
    const config = parseConfig(
      {
        allow: { paths: ['test/fixtures/**'], secrets: ['^AKIA.*EXAMPLE$'] },
        disable: ['aws.session-token'],
        rules: ['./my-rules', '/abs/rules'],
        maxFileSize: '10MiB',
      },
      ORIGIN,
      BASE,
    );
    expect(config).toEqual({
      allowPaths: ['test/fixtures/**'],
      allowSecrets: [/^AKIA.*EXAMPLE$/],
      disable: ['aws.session-token'],
      rules: [path.join(BASE, 'my-rules'), path.resolve('/abs/rules')],
      maxFileSize: 10 * 1024 * 1024,
      origin: ORIGIN,
    });
  });

  it('gives an empty mapping the empty config, with its origin', () => {
    expect(parseConfig({}, ORIGIN, BASE)).toEqual({ ...EMPTY_CONFIG, origin: ORIGIN });
    expect(parseConfig({}, ORIGIN, BASE)).not.toHaveProperty('maxFileSize');
  });

  it('accepts maxFileSize as a number of bytes', () => {
    expect(parseConfig({ maxFileSize: 2048 }, ORIGIN, BASE).maxFileSize).toBe(2048);
  });

  it('reports an unknown key with a suggestion', () => {
    expect(problemsOf({ disabled: ['aws.session-token'] })).toEqual([
      `${ORIGIN}: unknown field "disabled" (did you mean "disable"?)`,
    ]);
    expect(problemsOf({ allow: { path: ['x'] } })).toEqual([
      `${ORIGIN}: allow: unknown field "path" (did you mean "paths"?)`,
    ]);
    expect(problemsOf({ verbose: true })).toEqual([`${ORIGIN}: unknown field "verbose"`]);
  });

  it('reports wrong types, naming the key', () => {
    expect(problemsOf({ disable: 'aws.session-token', rules: [1], allow: [] })).toEqual([
      `${ORIGIN}: allow: value must be a mapping`,
      `${ORIGIN}: "disable" must be a list of non-empty strings`,
      `${ORIGIN}: "rules" must be a list of non-empty strings`,
    ]);
    expect(problemsOf({ allow: { paths: 'x', secrets: ['(?i)akia', '('] } })).toEqual([
      `${ORIGIN}: allow: "paths" must be a list of non-empty strings`,
      `${ORIGIN}: allow: "secrets[0]" starts with "(?i)"; JavaScript RegExp has no inline flags (use flags: i)`,
      `${ORIGIN}: allow: "secrets[1]" is not a valid regular expression: Invalid regular expression: /(/: Unterminated group`,
    ]);
  });

  it.each([['huge'], ['5XB'], [0], [-1], [1.5], [true], [['10MB']]])(
    'rejects maxFileSize %j',
    (maxFileSize) => {
      expect(problemsOf({ maxFileSize })).toEqual([
        `${ORIGIN}: "maxFileSize" must be a number of bytes, or a size such as 512KB, 10MiB, 100MB`,
      ]);
    },
  );

  it('rejects a document that is not a mapping', () => {
    expect(problemsOf('allow')).toEqual([`${ORIGIN}: the config must be a mapping`]);
    expect(problemsOf([1])).toEqual([`${ORIGIN}: the config must be a mapping`]);
  });

  it('reports all problems together', () => {
    expect(problemsOf({ disabled: [], maxFileSize: 'ten', rules: 'x' })).toHaveLength(3);
  });
});

describe('loadConfig', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keysweep-'));
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function project(name: string, files: Record<string, string> = {}): string {
    const root = path.join(tmp, name);
    fs.mkdirSync(root, { recursive: true });
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(root, file), text);
    return root;
  }

  it('returns EMPTY_CONFIG when the default file does not exist', () => {
    const root = project('none');
    expect(loadConfig(root, root)).toBe(EMPTY_CONFIG);
  });

  it('reads <root>/.keysweep.yaml and names it relative to cwd', () => {
    const root = project('default', { [CONFIG_FILE]: 'disable: [aws.session-token]\nrules: [./more]\n' });
    expect(loadConfig(root, tmp)).toEqual({
      ...EMPTY_CONFIG,
      disable: ['aws.session-token'],
      rules: [path.join(root, 'more')],
      origin: `default/${CONFIG_FILE}`,
    });
  });

  it('treats an empty file as an empty config', () => {
    const root = project('empty', { [CONFIG_FILE]: '' });
    expect(loadConfig(root, root)).toEqual({ ...EMPTY_CONFIG, origin: CONFIG_FILE });
  });

  it('reads an explicit file relative to cwd', () => {
    const root = project('explicit', { 'custom.yaml': 'maxFileSize: 1KB\n' });
    expect(loadConfig(tmp, root, 'custom.yaml')).toEqual({
      ...EMPTY_CONFIG,
      maxFileSize: 1000,
      origin: 'custom.yaml',
    });
  });

  it('throws a KeysweepError naming a missing explicit file', () => {
    const root = project('missing');
    expect(() => loadConfig(root, root, 'nope.yaml')).toThrow(
      new KeysweepError('E_CONFIG', 'nope.yaml: cannot read config (ENOENT)'),
    );
    try {
      loadConfig(root, root, 'nope.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(KeysweepError);
      expect((error as KeysweepError).code).toBe('E_CONFIG');
    }
    expect.assertions(3);
  });

  it('throws a KeysweepError naming a file with invalid YAML', () => {
    const root = project('invalid', { [CONFIG_FILE]: 'allow: [unclosed\n' });
    let thrown: unknown;
    try {
      loadConfig(root, root);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KeysweepError);
    expect(thrown).not.toBeInstanceOf(ProblemsError);
    expect((thrown as KeysweepError).code).toBe('E_CONFIG');
    expect((thrown as KeysweepError).message).toMatch(/^\.keysweep\.yaml: invalid YAML: \S/);
    expect((thrown as KeysweepError).message).not.toContain('\n');
  });

  it('throws the config problems of a file, naming it', () => {
    const root = project('problems', { [CONFIG_FILE]: 'maxFilesize: 10MB\n' });
    expect(() => loadConfig(root, tmp)).toThrow(
      `problems/${CONFIG_FILE}: unknown field "maxFilesize" (did you mean "maxFileSize"?)`,
    );
  });
});
