/**
 * Seeded, deterministic generators of AWS-credential-shaped values. Nothing key-shaped needs to be
 * committed: tests and fixture plans write `{{fake:aws-secret:1}}` (or call `FakeKeys` directly) and get
 * the same made-up value on every run. Lives in src/ (not test/) because the git-history builder behind
 * `npm run fixture:history` and `npm run demo` needs it at run time; tests import it through
 * `test/support/fake-keys.ts`. It deliberately uses nothing else from src/ (not even the engine's entropy),
 * so tests never check src with src. Uses mulberry32, never Math.random.
 */

/** mulberry32: a small 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
export const BASE32 = `${UPPER}234567`;
export const BASE64 = `${UPPER}${LOWER}${DIGITS}+/`;
export const HEX = '0123456789abcdef';
const UPPER_ALNUM = `${UPPER}${DIGITS}`;
/** Fifth character of a modern (generation bit 1) key id. */
const MODERN_FIFTH = 'QRSTUVWXYZ234567';
export const SESSION_TOKEN_PREFIX = 'IQoJb3JpZ2luX2Vj';

/**
 * Shapes that keysweep's built-in rules deliberately treat as placeholders (five equal characters in a
 * row, AWS's "EXAMPLE" ids); generated ids never contain them, so a generated id is always reportable.
 */
const PLACEHOLDER_ID = /(.)\1{4}|EXAMPLE/;

/**
 * The account number a modern key id encodes (bits 7..46 of the first 48 bits of its base32 body).
 * Only 12-digit values are accounts AWS could have issued, so generated ids stay below 10^12.
 */
function encodedAccount(id: string): bigint {
  let bits = 0n;
  for (const char of id.slice(4, 14)) bits = (bits << 5n) | BigInt(BASE32.indexOf(char));
  return ((bits >> 2n) & 0x7fffffffff80n) >> 7n;
}

/** Shannon entropy in bits per character (kept independent of the engine's, see the top of this file). */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

export class FakeKeys {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** `n` characters drawn uniformly from `alphabet`. */
  chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet.charAt(Math.floor(this.next() * alphabet.length));
    return out;
  }

  /**
   * A modern key id: prefix, one of Q-Z/2-7 (generation bit set), then 15 base32 characters, encoding a
   * 12-digit account as every issued id does.
   */
  keyId(prefix = 'AKIA'): string {
    for (;;) {
      const id = prefix + this.chars(MODERN_FIFTH, 1) + this.chars(BASE32, 15);
      if (!PLACEHOLDER_ID.test(id) && encodedAccount(id) < 1_000_000_000_000n) return id;
    }
  }

  /** A legacy key id: prefix, I or J, then 15 characters of [A-Z0-9]. */
  legacyKeyId(prefix = 'AKIA'): string {
    for (;;) {
      const id = prefix + this.chars('IJ', 1) + this.chars(UPPER_ALNUM, 15);
      if (!PLACEHOLDER_ID.test(id)) return id;
    }
  }

  /** A modern temporary (STS) key id. */
  tempKeyId(): string {
    return this.keyId('ASIA');
  }

  /** 40 base64 characters with a lowercase, an uppercase, a digit or "/" or "+", and entropy >= 4.3. */
  secret(): string {
    for (;;) {
      const secret = this.chars(BASE64, 40);
      if (/[a-z]/.test(secret) && /[A-Z]/.test(secret) && /[0-9+/]/.test(secret) && entropy(secret) >= 4.3) {
        return secret;
      }
    }
  }

  /** A secret that contains both "/" and "+", for tests of JSON-escaped and URL-encoded keys. */
  escapableSecret(): string {
    for (;;) {
      const secret = this.secret();
      if (secret.includes('/') && secret.includes('+')) return secret;
    }
  }

  /** A current-style STS session token: the "origin_ec" marker and 400 base64 characters. */
  sessionToken(): string {
    return SESSION_TOKEN_PREFIX + this.chars(BASE64, 400);
  }
}

export const FAKE_KINDS = [
  'aws-key-id',
  'aws-legacy-key-id',
  'aws-temp-key-id',
  'aws-secret',
  'aws-escapable-secret',
  'aws-session-token',
] as const;
export type FakeKind = (typeof FAKE_KINDS)[number];

function generate(keys: FakeKeys, kind: FakeKind): string {
  switch (kind) {
    case 'aws-key-id':
      return keys.keyId();
    case 'aws-legacy-key-id':
      return keys.legacyKeyId();
    case 'aws-temp-key-id':
      return keys.tempKeyId();
    case 'aws-secret':
      return keys.secret();
    case 'aws-escapable-secret':
      return keys.escapableSecret();
    case 'aws-session-token':
      return keys.sessionToken();
  }
}

/** FNV-1a over `text`, mixed with `seed`: a per-token seed, so a token's value does not depend on order. */
function tokenSeed(seed: number, text: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

const TOKEN = /\{\{fake:([^}]*)\}\}/g;
const TOKEN_BODY = /^([a-z-]+):(-?\d+)(?:\|(json|url))?$/;

/** How a value is written: as is, JSON-escaped (`/` → `\/`), or URL-encoded (`/` → `%2F`, `+` → `%2B`). */
const ENCODINGS: Record<string, (value: string) => string> = {
  json: (value) => value.replace(/\//g, '\\/'),
  url: (value) => encodeURIComponent(value),
};

/**
 * Replaces every `{{fake:KIND:N}}` (or `{{fake:KIND:N|json}}`, `{{fake:KIND:N|url}}`: the same value, escaped) in `text`. The same KIND:N always yields the same value (within a call,
 * and across calls with the same seed); different labels never yield the same value within a call.
 * Malformed tokens and unknown kinds throw, so a typo cannot silently leave a token in a fixture.
 */
export function expandFakes(text: string, seed: number): string {
  const values = new Map<string, string>();
  const used = new Set<string>();
  return text.replace(TOKEN, (token, body: string) => {
    const parsed = TOKEN_BODY.exec(body);
    const kind = parsed?.[1];
    const label = parsed?.[2];
    if (kind === undefined || label === undefined) throw new Error(`malformed fake token ${token}`);
    if (!(FAKE_KINDS as readonly string[]).includes(kind))
      throw new Error(`unknown fake kind "${kind}" in ${token}`);
    const key = `${kind}:${Number(label)}`;
    let value = values.get(key);
    if (value === undefined) {
      const keys = new FakeKeys(tokenSeed(seed, key));
      do value = generate(keys, kind as FakeKind);
      while (used.has(value));
      values.set(key, value);
      used.add(value);
    }
    const encoding = parsed?.[3];
    return encoding ? (ENCODINGS[encoding] ?? String)(value) : value;
  });
}
