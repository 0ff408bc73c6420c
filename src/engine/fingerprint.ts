/**
 * node:crypto is loaded when the first secret is fingerprinted: it is not in a worker thread's startup
 * snapshot, and loading it took ~3 ms of each scan worker's start, for scans that mostly find nothing.
 */
let crypto: typeof import('node:crypto') | undefined;

function sha256Hex(text: string): string {
  crypto ??= require('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** Location-independent identity of a secret: sha256(ruleId + "\0" + secret), first 32 hex chars. */
export function fingerprint(ruleId: string, secret: string): string {
  return sha256Hex(`${ruleId}\0${secret}`).slice(0, 32);
}

/** Identity of one credential (id + secret + token) in one file: a hash of its anchor's fingerprint. */
export function credentialId(anchorFingerprint: string): string {
  return sha256Hex(`credential\0${anchorFingerprint}`).slice(0, 16);
}
