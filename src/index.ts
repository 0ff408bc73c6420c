/** Public API: re-exports only. */

export type { Io } from './cli/run';
export { run } from './cli/run';
export { loadScanSetup } from './config/setup';
export { accountFromKeyId } from './engine/account';
export { scanFragment } from './engine/fragment';
export { scan } from './engine/scan';
export { formatJson } from './report/json';
export { formatText } from './report/text';
export { checkRules } from './rules/check';
export { BUILTIN_RULES_DIR, loadRules } from './rules/load';
export { worktreeSource } from './sources/worktree';
export * from './types';
