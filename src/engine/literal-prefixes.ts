/**
 * The literal words a regex's matches must start with, when its source says so plainly: a top-level
 * alternation whose every branch opens with at least MIN_PREFIX plain characters, such as a context
 * rule's `aws|secret|access[_ .-]?key|credential` (→ aws, secret, access, credential). The keyword
 * prefilter looks for these words too, so a file none of them occurs in (ASCII case ignored) skips the
 * regex: it cannot match there. Anything less plain (a group, a class, an escape or an anchor at the start
 * of a branch) gives undefined, and the regex simply runs.
 */
const MIN_PREFIX = 3;
const PLAIN = /[A-Za-z0-9 _-]/;
const QUANTIFIER = /[?*+{]/;

export function literalPrefixes(source: string): string[] | undefined {
  const prefixes: string[] = [];
  for (const branch of topLevelBranches(source)) {
    let end = 0;
    while (end < branch.length && PLAIN.test(branch[end] as string)) end++;
    // "ab?c": the quantifier makes the letter before it optional, so it is not part of the prefix
    if (end < branch.length && QUANTIFIER.test(branch[end] as string)) end--;
    if (end < MIN_PREFIX) return undefined;
    prefixes.push(branch.slice(0, end).toLowerCase());
  }
  return prefixes.length > 0 ? prefixes : undefined;
}

/** `source` split at each `|` outside groups and character classes (escaped characters skipped). */
function topLevelBranches(source: string): string[] {
  const branches: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') i++;
    else if (inClass) inClass = char !== ']';
    else if (char === '[') inClass = true;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === '|' && depth === 0) {
      branches.push(source.slice(start, i));
      start = i + 1;
    }
  }
  branches.push(source.slice(start));
  return branches;
}
