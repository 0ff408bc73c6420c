import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * keysweep's own root (package.json, rules/): two levels above this file in src/ and lib/, one above
 * dist/ when the GitHub Action runs the bundled dist/index.js, so it is found rather than assumed.
 */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'rules'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '..', '..');
  }
}
