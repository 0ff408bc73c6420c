import type { FragmentFilters } from '../engine/fragment';
import { didYouMean, ProblemsError } from '../errors';
import { compilePaths } from '../filter/allowlist';
import { BUILTIN_RULES_DIR, loadRules } from '../rules/load';
import type { RuleSet } from '../types';
import { type Config, loadConfig } from './load';
import { type ReadText, readFromDisk } from './read-text';

/**
 * Everything a scan needs besides its source, resolved once: the config, the rule set (built-in rules,
 * the config's rule directories, `--rules`, minus `disable`) and the allowlist filters.
 */
export interface ScanSetup {
  readonly config: Config;
  readonly ruleSet: RuleSet;
  readonly filters: FragmentFilters;
  /** How the config was read, and so how its baseline must be. */
  readonly read: ReadText;
}

export function loadScanSetup(
  root: string,
  cwd: string,
  options: { config?: string; rules?: readonly string[]; read?: ReadText },
): ScanSetup {
  const read = options.read ?? readFromDisk;
  const config = loadConfig(root, cwd, options.config, read);
  const all = loadRules([BUILTIN_RULES_DIR, ...config.rules, ...(options.rules ?? [])], cwd);
  const known = all.rules.map((rule) => rule.id);
  const unknown = config.disable.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new ProblemsError(
      'E_CONFIG',
      unknown.map((id) => {
        const suggestion = didYouMean(id, known);
        return `${config.origin}: disable: no rule "${id}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
      }),
    );
  }
  const ruleSet = { ...all, rules: all.rules.filter((rule) => !config.disable.includes(rule.id)) };
  return {
    config,
    ruleSet,
    filters: {
      allowPath: compilePaths(config.allowPaths),
      allowSecrets: config.allowSecrets,
      allowPathGlobs: config.allowPaths,
    },
    read,
  };
}
