import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './package-root';

/**
 * YAML parsing with two start-up savings (a pre-commit hook runs on every commit, and the yaml library
 * plus parsing the built-in rules cost ~85 ms of it): the library is loaded only when something must
 * really be parsed, and documents whose exact text was parsed at build time (the built-in rules; see
 * devtools/cache-yaml.ts) come from a JSON cache keyed by a hash of that text — so an edited file is
 * never served stale, it just misses the cache.
 */
export const YAML_CACHE = path.join(PACKAGE_ROOT, 'lib', 'yaml-cache.json');

let cache: Map<string, unknown> | undefined;

export function parseYamlText(text: string): unknown {
  cache ??= loadCache();
  const key = hashOf(text);
  if (cache.has(key)) return structuredClone(cache.get(key));
  const { parse } = require('yaml') as typeof import('yaml');
  return parse(text, { prettyErrors: false });
}

export function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function loadCache(): Map<string, unknown> {
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(YAML_CACHE, 'utf8'))));
  } catch {
    return new Map(); // no cache (before the first build, or the bundled action): parse everything
  }
}
