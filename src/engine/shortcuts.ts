/**
 * Whether the byte shortcuts (the WebAssembly keyword scanner and rules' runs) pay in this thread yet.
 * Once loaded they beat the regexes on files of any size, but loading and instantiating them costs
 * ~5 ms, more than the regexes cost on a pre-commit hook's few small files; so they are taken once the
 * thread has been handed WORTH_BYTES of text in all (at once, for a large file).
 */
const WORTH_BYTES = 1024 * 1024;
let seen = 0;

/**
 * Whether this Node has WebAssembly at all: `node --jitless` has none, and the engine then keeps to its
 * regexes, which give the same findings (a large file used to fail the scan with an internal error).
 */
export const BYTE_SHORTCUTS = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object';

export function shortcutsPay(bytes: number): boolean {
  if (!BYTE_SHORTCUTS) return false;
  if (seen < WORTH_BYTES) seen += bytes;
  return seen >= WORTH_BYTES;
}
