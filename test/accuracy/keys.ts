/**
 * Deterministic PRNG and AWS-credential-shaped value generators for the accuracy corpus.
 * All key material is produced at run time; nothing key-shaped is committed.
 */

import { mulberry32 } from '../support/fake-keys';

export { mulberry32 };

export class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  float(): number {
    return this.next();
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new Error('pick from empty list');
    return item;
  }

  chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet.charAt(this.int(0, alphabet.length - 1));
    return out;
  }
}

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const HEX = '0123456789abcdef';
export const BASE32 = `${UPPER}234567`;
export const BASE64 = `${UPPER}${LOWER}${DIGITS}+/`;
const UPPER_ALNUM = `${UPPER}${DIGITS}`;
const MODERN_FIFTH = 'QRSTUVWXYZ234567';

/** Substrings that random filler must never contain (they would create unplanned key-id-like text). */
const FORBIDDEN = /AKIA|ASIA|ABIA|ACCA|AIDA|AROA|EXAMPLE/;

export const SESSION_TOKEN_PREFIXES = ['IQoJb3JpZ2luX2Vj', 'FwoGZXIvYXdzE'] as const;

export type IdStyle = 'modern' | 'legacy';
export type IdPrefix = 'AKIA' | 'ASIA' | 'ABIA' | 'ACCA';

export interface KeyPair {
  id: string;
  secret: string;
}

export interface TempCreds extends KeyPair {
  token: string;
}

export interface SecretOptions {
  /** Force the last character. */
  end?: '/' | '+';
  /** Guarantee at least one `/` and one `+` (used where encodings are exercised). */
  needSpecials?: boolean;
}

/** Random string over `alphabet` avoiding FORBIDDEN substrings. */
export function cleanChars(rng: Rng, alphabet: string, n: number): string {
  for (;;) {
    const s = rng.chars(alphabet, n);
    if (!FORBIDDEN.test(s)) return s;
  }
}

/** Produces unique credential material; every value is generated once. */
export class KeyFactory {
  private readonly seen = new Set<string>();

  constructor(readonly rng: Rng) {}

  /** Calls `make` until it yields a value (non-null) that was never produced before. */
  private unique(make: () => string | null): string {
    for (;;) {
      const v = make();
      if (v !== null && !this.seen.has(v)) {
        this.seen.add(v);
        return v;
      }
    }
  }

  /** AKIA/ASIA/ABIA/ACCA + 16 chars: modern = [Q-Z2-7] + 15 base32; legacy = I|J + 15 [A-Z0-9]. */
  keyId(prefix: IdPrefix = 'AKIA', style: IdStyle = 'modern'): string {
    return this.unique(() => {
      const rest =
        style === 'modern'
          ? this.rng.pick([...MODERN_FIFTH]) + cleanChars(this.rng, BASE32, 15)
          : this.rng.pick(['I', 'J']) + cleanChars(this.rng, UPPER_ALNUM, 15);
      return prefix + rest;
    });
  }

  /** Mostly modern, sometimes legacy. */
  anyKeyId(prefix: IdPrefix = 'AKIA'): string {
    return this.keyId(prefix, this.rng.chance(0.25) ? 'legacy' : 'modern');
  }

  secret(opts: SecretOptions = {}): string {
    return this.unique(() => {
      const body = cleanChars(this.rng, BASE64, 40).split('');
      if (opts.needSpecials) {
        const a = this.rng.int(1, 18);
        const b = this.rng.int(20, 37);
        body[a] = '/';
        body[b] = '+';
      }
      if (opts.end) body[39] = opts.end;
      const s = body.join('');
      return FORBIDDEN.test(s) ? null : s;
    });
  }

  sessionToken(): string {
    return this.unique(() => {
      const prefix = this.rng.pick(SESSION_TOKEN_PREFIXES);
      const pad = this.rng.chance(0.4);
      let n = this.rng.int(300, 900);
      // keep the total length a multiple of 4, like real base64
      while ((prefix.length + n + (pad ? 1 : 0)) % 4 !== 0) n++;
      return prefix + cleanChars(this.rng, BASE64, n) + (pad ? '=' : '');
    });
  }

  pair(prefix: IdPrefix = 'AKIA', style?: IdStyle, secret: SecretOptions = {}): KeyPair {
    const id = style ? this.keyId(prefix, style) : this.anyKeyId(prefix);
    return { id, secret: this.secret(secret) };
  }

  temp(): TempCreds {
    const id = this.anyKeyId('ASIA');
    return { id, secret: this.secret(), token: this.sessionToken() };
  }
}
