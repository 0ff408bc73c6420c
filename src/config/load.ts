import path from 'node:path';
import { KeysweepError, ProblemsError } from '../errors';
import { displayPath } from '../rules/load';
import { parseSize, SIZE_HINT } from '../util/size';
import { Checker } from '../util/validate';
import { parseYamlText } from '../util/yaml-text';
import { type ReadText, readFromDisk } from './read-text';

/**
 * `.keysweep.yaml`: the per-repository configuration. Read from the scanned root (or `--config FILE`);
 * unknown keys and wrong types are errors that name the file and the key.
 *
 *   allow: { paths: ["test/fixtures/**"], secrets: ["^AKIAI44QH8DHBEXAMPLE$"] }
 *   disable: [aws.session-token]
 *   rules: [./my-rules]
 *   maxFileSize: 10MiB
 *   baseline: .keysweep-baseline.json
 */
export interface Config {
  readonly allowPaths: readonly string[];
  readonly allowSecrets: readonly RegExp[];
  readonly disable: readonly string[];
  /** Absolute rule directories or files, resolved against the config file's folder. */
  readonly rules: readonly string[];
  readonly maxFileSize?: number;
  /** Baseline file, resolved against the config file's folder. */
  readonly baseline?: string;
  /** The file it came from, for messages; undefined when no file was found. */
  readonly origin?: string;
}

export const CONFIG_FILE = '.keysweep.yaml';
export const EMPTY_CONFIG: Config = { allowPaths: [], allowSecrets: [], disable: [], rules: [] };

/** Loads `explicit` (which must exist) or `<root>/.keysweep.yaml` (which may not). */
export function configFile(root: string, cwd: string, explicit?: string): string {
  return explicit ? path.resolve(cwd, explicit) : path.join(root, CONFIG_FILE);
}

export function loadConfig(
  root: string,
  cwd: string,
  explicit?: string,
  read: ReadText = readFromDisk,
): Config {
  const file = configFile(root, cwd, explicit);
  const origin = displayPath(file, cwd);
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!explicit && code === 'ENOENT') return EMPTY_CONFIG;
    throw new KeysweepError('E_CONFIG', `${origin}: cannot read config (${code ?? 'error'})`);
  }
  let document: unknown;
  try {
    document = parseYamlText(text) ?? {};
  } catch (error) {
    throw new KeysweepError(
      'E_CONFIG',
      `${origin}: invalid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  return parseConfig(document, origin, path.dirname(file));
}

export function parseConfig(document: unknown, origin: string, baseDir: string): Config {
  const problems: string[] = [];
  const check = new Checker(problems, origin);
  const fields =
    check.object(document, ['allow', 'disable', 'rules', 'maxFileSize', 'baseline'], 'the config') ?? {};
  const allowCheck = check.at(`${origin}: allow`);
  const allow =
    fields.allow === undefined ? {} : (allowCheck.object(fields.allow, ['paths', 'secrets']) ?? {});
  let maxFileSize: number | undefined;
  if (fields.maxFileSize !== undefined) {
    const raw = fields.maxFileSize;
    maxFileSize = typeof raw === 'string' || typeof raw === 'number' ? parseSize(raw) : undefined;
    if (maxFileSize === undefined) check.report(`"maxFileSize" must be ${SIZE_HINT}`);
  }
  const config: Config = {
    allowPaths: allowCheck.strings(allow, 'paths'),
    allowSecrets: allowCheck.regexes(allow, 'secrets'),
    disable: check.strings(fields, 'disable'),
    rules: check.strings(fields, 'rules').map((dir) => path.resolve(baseDir, dir)),
    ...(maxFileSize !== undefined ? { maxFileSize } : {}),
    ...(fields.baseline !== undefined ? baselineField(check, fields, baseDir) : {}),
    origin,
  };
  if (problems.length > 0) throw new ProblemsError('E_CONFIG', problems);
  return config;
}

function baselineField(
  check: Checker,
  fields: Record<string, unknown>,
  baseDir: string,
): { baseline?: string } {
  const file = check.string(fields, 'baseline');
  return file ? { baseline: path.resolve(baseDir, file) } : {};
}
