/**
 * The only place a secret is turned into printable text. Redacted form keeps the first four characters
 * (enough to tell AKIA from ASIA) and masks the rest with at most 36 asterisks, so long tokens do not
 * flood the report and their length is not given away.
 */
const KEPT = 4;
const MAX_MASK = 36;

export function redact(secret: string): string {
  if (secret.length <= KEPT) return '*'.repeat(secret.length);
  return secret.slice(0, KEPT) + '*'.repeat(Math.min(secret.length - KEPT, MAX_MASK));
}

export function shownSecret(secret: string, redacted: boolean): string {
  return redacted ? redact(secret) : secret;
}
