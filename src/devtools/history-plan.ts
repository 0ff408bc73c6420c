import { readFileSync } from 'node:fs';
import { Checker, type Fields } from '../util/validate';

/**
 * The plan format of the git-history builder (`history-builder.ts`): a JSON list of steps — commits
 * (optionally on a branch), merges, tags, checkouts and branch deletions — from which the builder makes
 * the same repository, with the same commit ids, on every run. Plans are data (`fixtures/history/*.json`),
 * so they are checked field by field like rule files, and every problem is reported at once.
 */
export interface HistoryPlan {
  readonly steps: readonly Step[];
}

export type Step = CommitStep | MergeStep | TagStep | CheckoutStep | DeleteBranchStep;

/** File changes, applied in this order: rename, delete, write, writeBinary, writeLarge. */
export interface Changes {
  /** path → text; `{{fake:KIND:N}}` tokens are expanded. */
  readonly write?: Readonly<Record<string, string>>;
  readonly delete?: readonly string[];
}

export interface CommitStep extends Changes {
  /** The commit message, and the step's name in `BuiltHistory.commits` (so unique within a plan). */
  readonly commit: string;
  /** Commit on this branch: checked out first, created from the current HEAD commit if missing. */
  readonly branch?: string;
  /** path → text written after `BINARY_HEADER` (a NUL-led 8-byte header), tokens expanded. */
  readonly writeBinary?: Readonly<Record<string, string>>;
  /** path → text plus filler lines up to exactly `padToBytes` bytes; the text comes first unless `at: 'end'`. */
  readonly writeLarge?: Readonly<Record<string, LargeFile>>;
  /** old path → new path, content unchanged. */
  readonly rename?: Readonly<Record<string, string>>;
}

export interface LargeFile {
  readonly text: string;
  readonly padToBytes: number;
  readonly at?: 'start' | 'end';
}

export interface MergeStep extends Changes {
  /** The branch merged into the current branch; the step's own `write`/`delete` are the "resolution". */
  readonly merge: string;
  readonly commit: string;
}

export interface TagStep {
  /** Tags the current HEAD commit. */
  readonly tag: string;
  readonly annotated?: boolean;
}

export interface CheckoutStep {
  readonly checkout: string;
}

export interface DeleteBranchStep {
  readonly deleteBranch: string;
}

const COMMIT_FIELDS = ['commit', 'branch', 'write', 'writeBinary', 'writeLarge', 'delete', 'rename'];
const MERGE_FIELDS = ['merge', 'commit', 'write', 'delete'];

/** Reads and validates a plan file; throws one Error listing every problem. */
export function loadPlan(file: string): HistoryPlan {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read plan: ${(error as Error).message}`);
  }
  return validatePlan(value, file);
}

/** Checks that `value` is a well-formed plan (shapes, safe relative paths, unique messages). */
export function validatePlan(value: unknown, where = 'plan'): HistoryPlan {
  const problems: string[] = [];
  const check = new Checker(problems, where);
  const root = check.object(value, ['steps'], 'the plan');
  const steps = root?.steps;
  if (root && (!Array.isArray(steps) || steps.length === 0)) check.report('"steps" must be a non-empty list');
  const messages = new Set<string>();
  if (Array.isArray(steps)) {
    steps.forEach((step: unknown, i) => {
      const at = check.at(`${where}: steps[${i}]`);
      const message = validateStep(step, at);
      if (message === undefined) return;
      if (messages.has(message))
        at.report(`commit message "${message}" is used twice (messages name commits)`);
      messages.add(message);
    });
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return value as HistoryPlan;
}

/** Validates one step; returns its commit message, if it makes a commit. */
function validateStep(step: unknown, check: Checker): string | undefined {
  const kind = ['merge', 'commit', 'tag', 'checkout', 'deleteBranch'].find(
    (key) => typeof step === 'object' && step !== null && key in step,
  );
  if (kind === 'tag') {
    const fields = check.object(step, ['tag', 'annotated'], 'a step');
    if (fields) {
      check.string(fields, 'tag');
      check.boolean(fields, 'annotated');
    }
    return undefined;
  }
  if (kind === 'checkout' || kind === 'deleteBranch') {
    const fields = check.object(step, [kind], 'a step');
    if (fields) check.string(fields, kind);
    return undefined;
  }
  if (kind === undefined) {
    check.report('a step must have one of "commit", "merge", "tag", "checkout" or "deleteBranch"');
    return undefined;
  }
  const fields = check.object(step, kind === 'merge' ? MERGE_FIELDS : COMMIT_FIELDS, 'a step');
  if (!fields) return undefined;
  if (kind === 'merge') check.string(fields, 'merge');
  check.string(fields, 'branch', false);
  validatePaths(fields, check);
  return check.string(fields, 'commit');
}

function validatePaths(fields: Fields, check: Checker): void {
  for (const key of ['write', 'writeBinary', 'writeLarge', 'rename']) {
    if (fields[key] === undefined) continue;
    const map = mapping(fields[key], `"${key}"`, check);
    for (const [file, content] of Object.entries(map)) {
      checkPath(file, `"${key}"`, check);
      const at = check.at(`${check.where}: ${key}."${file}"`);
      if (key === 'rename') {
        if (typeof content === 'string') checkPath(content, `"rename" target`, check);
        else at.report('the new path must be a string');
      } else if (key === 'writeLarge') {
        const large = at.object(content, ['text', 'padToBytes', 'at']);
        if (!large) continue;
        if (typeof large.text !== 'string') at.report('"text" must be a string');
        const size = at.number(large, 'padToBytes');
        if (size !== undefined && (!Number.isInteger(size) || size < 0))
          at.report('"padToBytes" must be a whole number of bytes');
        at.oneOf(large, 'at', ['start', 'end'] as const, false);
      } else if (typeof content !== 'string') {
        at.report('the content must be a string');
      }
    }
  }
  for (const file of check.strings(fields, 'delete')) checkPath(file, '"delete"', check);
}

/** A path → value mapping (any keys), or an empty one after reporting that it is not a mapping. */
function mapping(value: unknown, what: string, check: Checker): Fields {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Fields;
  check.report(`${what} must be a mapping of paths`);
  return {};
}

/** Plan paths are relative, `/`-separated, and stay inside the working tree and out of `.git`. */
function checkPath(file: string, what: string, check: Checker): void {
  const segments = file.split('/');
  if (
    file === '' ||
    file.includes('\\') ||
    file.includes('\0') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..') ||
    segments[0]?.toLowerCase() === '.git'
  ) {
    check.report(`${what}: "${file}" is not a plain relative path inside the repository`);
  }
}
