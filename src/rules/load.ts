import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { KeysweepError, ProblemsError } from '../errors';
import type { RuleSet } from '../types';
import { PACKAGE_ROOT } from '../util/package-root';
import { relativeInside } from '../util/path-inside';
import { readRegularFileSync } from '../util/read-regular-file';
import { parseYamlText } from '../util/yaml-text';
import { parseRuleFile } from './schema';

/** The rules shipped with keysweep (`rules/` at the package root). */
export const BUILTIN_RULES_DIR = path.join(PACKAGE_ROOT, 'rules');

/**
 * Loads every `*.yaml`/`*.yml` file of the given directories (or single files), in name order, and
 * validates the whole set: each file on its own, then across files (unique ids, references between
 * rules). All problems are thrown together as one ProblemsError.
 */
export function loadRules(sources: readonly string[], cwd: string): RuleSet {
  const problems: string[] = [];
  const rules: RuleSet['rules'][number][] = [];
  const credentials: RuleSet['credentials'][number][] = [];
  for (const file of sources.flatMap((source) => ruleFiles(path.resolve(cwd, source), cwd))) {
    const origin = displayPath(file, cwd);
    const document = parseYaml(file, origin, problems);
    if (document === undefined) continue;
    // the built-in rules are checked for catastrophic backtracking by the test suite, not at every start
    const builtIn = path.dirname(file) === BUILTIN_RULES_DIR;
    const parsed = parseRuleFile(document, origin, problems, { checkBacktracking: !builtIn });
    rules.push(...parsed.rules);
    credentials.push(...parsed.credentials);
  }
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.id)) problems.push(`${rule.origin}: rule id "${rule.id}" is defined more than once`);
    seen.add(rule.id);
  }
  for (const kind of credentials) {
    for (const ref of [kind.keyIdRule, kind.secretRule, kind.tokenRule]) {
      if (ref !== undefined && !seen.has(ref))
        problems.push(`${kind.origin}: credentials (${kind.id}): no rule "${ref}"`);
    }
  }
  for (const rule of rules) {
    for (const ref of rule.context?.ruleInFile ?? []) {
      if (!seen.has(ref))
        problems.push(`${rule.origin}: rule ${rule.id}: context.ruleInFile names no rule "${ref}"`);
    }
  }
  if (problems.length > 0) throw new ProblemsError('E_RULES', problems);
  return { rules, credentials };
}

function ruleFiles(source: string, cwd: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(source).isDirectory();
  } catch (error) {
    throw new KeysweepError('E_RULES', `${displayPath(source, cwd)}: cannot read rules (${code(error)})`);
  }
  if (!isDirectory) return [source];
  return readdirSync(source)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(source, name));
}

function parseYaml(file: string, origin: string, problems: string[]): unknown {
  let text: string;
  try {
    text = readRegularFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`${origin}: cannot read file (${code(error)})`);
    return undefined;
  }
  try {
    return parseYamlText(text);
  } catch (error) {
    problems.push(`${origin}: invalid YAML: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

export function displayPath(file: string, cwd: string): string {
  return (relativeInside(cwd, file) ?? file).split(path.sep).join('/');
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
