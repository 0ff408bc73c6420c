import { createHash } from 'node:crypto';

/** Location-independent identity of a secret: sha256(ruleId + "\0" + secret), first 32 hex chars. */
export function fingerprint(ruleId: string, secret: string): string {
  return createHash('sha256').update(`${ruleId}\0${secret}`).digest('hex').slice(0, 32);
}

/** Identity of one credential (id + secret + token) in one file: a hash of its anchor's fingerprint. */
export function credentialId(anchorFingerprint: string): string {
  return createHash('sha256').update(`credential\0${anchorFingerprint}`).digest('hex').slice(0, 16);
}
