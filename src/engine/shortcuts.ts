/**
 * Whether the byte shortcuts (the WebAssembly keyword scanner and rules' runs) pay in this thread yet.
 * Once loaded they beat the regexes on files of any size, but loading and instantiating them costs
 * ~5 ms, more than the regexes cost on a pre-commit hook's few small files; so they are taken once the
 * thread has been handed WORTH_BYTES of text in all (at once, for a large file).
 */
const WORTH_BYTES = 1024 * 1024;
let seen = 0;

export function shortcutsPay(bytes: number): boolean {
  if (seen < WORTH_BYTES) seen += bytes;
  return seen >= WORTH_BYTES;
}
