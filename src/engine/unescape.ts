/**
 * Decodes the escapes under which keys hide in JSON (`\/`), shell or source strings (`\+`) and URLs
 * (`%2F`, `%2B`, `%3D`). Rules with `unescape: true` match the raw text, so locations stay real, and
 * check and fingerprint the decoded secret, so one key has one fingerprint however it was written.
 */
const ESCAPE = /\\([/+])|%(2[FfBb]|3[Dd])/g;
const PERCENT: Record<string, string> = { '2f': '/', '2b': '+', '3d': '=' };

export function unescapeSecret(raw: string): string {
  if (!raw.includes('\\') && !raw.includes('%')) return raw;
  return raw.replace(ESCAPE, (_, escaped: string | undefined, hex: string | undefined) =>
    escaped !== undefined ? escaped : (PERCENT[(hex ?? '').toLowerCase()] ?? ''),
  );
}
