import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { BUILTIN_RULES_DIR } from '../rules/load';
import { hashOf, YAML_CACHE } from '../util/yaml-text';

/**
 * Part of `npm run build`: parses the built-in rule files once and stores the documents, keyed by a hash
 * of their text, in lib/ (see util/yaml-text.ts for why).
 */
const documents: Record<string, unknown> = {};
for (const name of readdirSync(BUILTIN_RULES_DIR).filter((file) => /\.ya?ml$/.test(file))) {
  const text = readFileSync(path.join(BUILTIN_RULES_DIR, name), 'utf8');
  documents[hashOf(text)] = parse(text, { prettyErrors: false });
}
writeFileSync(YAML_CACHE, JSON.stringify(documents));
