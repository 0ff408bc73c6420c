/**
 * Generators for look-alike content that must NOT be reported (hard negatives).
 */
import { BASE32, BASE64, cleanChars, DIGITS, HEX, type Rng } from './keys';

/** Official AWS documentation example credentials (must be ignored). */
export const DOC_EXAMPLES = {
  id: 'AKIAIOSFODNN7EXAMPLE',
  id2: 'AKIAI44QH8DHBEXAMPLE',
  tempId: 'ASIAIOSFODNN7EXAMPLE',
  secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  secret2: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
} as const;

export const PLACEHOLDER_ID = `AKIA${'X'.repeat(16)}`;

/** `${NAME}` shell/compose interpolation. */
export const envRef = (name: string): string => `\${${name}}`;

export const gitSha = (rng: Rng): string => rng.chars(HEX, 40);
export const sha256Hex = (rng: Rng): string => rng.chars(HEX, 64);

export function uuid(rng: Rng): string {
  const h = (n: number) => rng.chars(HEX, n);
  return `${h(8)}-${h(4)}-4${h(3)}-${rng.pick(['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
}

/** npm-style `sha512-<86 chars>==` integrity value. */
export const sha512Integrity = (rng: Rng): string => `sha512-${cleanChars(rng, BASE64, 86)}==`;

export const sha384Integrity = (rng: Rng): string => `sha384-${cleanChars(rng, BASE64, 64)}`;

/** Base64 body of a PNG (starts with the real PNG signature prefix). */
export function pngBase64(rng: Rng): string {
  const n = rng.int(40, 120) * 4;
  return `iVBORw0KGgoAAAANSUhEUgAAA${cleanChars(rng, BASE64, n)}AAAAASUVORK5CYII=`;
}

export const pngDataUri = (rng: Rng): string => `data:image/png;base64,${pngBase64(rng)}`;

/** A 40-char random base64 string (only a negative where no AWS context exists). */
export const opaque40 = (rng: Rng): string => cleanChars(rng, BASE64, 40);

export const accountId = (rng: Rng): string =>
  rng.pick(['1', '2', '3', '4', '5', '6', '7', '8', '9']) + rng.chars(DIGITS, 11);

/** IAM unique ids that are not credentials: AIDA (user), AROA (role), ANPA (policy), AGPA (group). 21 chars. */
export const iamUniqueId = (rng: Rng, prefix: 'AIDA' | 'AROA' | 'ANPA' | 'AGPA'): string =>
  prefix +
  rng.pick(['I', 'J', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z']) +
  cleanChars(rng, BASE32, 16);

const WORDS = [
  'upload',
  'download',
  'multipart',
  'presigned',
  'object',
  'bucket',
  'handler',
  'provider',
  'resolver',
  'factory',
  'manager',
  'service',
  'client',
  'request',
  'response',
  'metadata',
  'endpoint',
  'validation',
  'listener',
  'transform',
  'pipeline',
  'strategy',
  'adapter',
  'builder',
  'options',
  'internal',
  'cached',
  'retry',
  'timeout',
  'thumbnail',
  'progress',
  'event',
  'default',
  'configuration',
  'region',
  'storage',
  'lifecycle',
  'replication',
  'notification',
];
const VERBS = [
  'get',
  'set',
  'create',
  'resolve',
  'handle',
  'build',
  'fetch',
  'compute',
  'update',
  'register',
];
const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/** Exactly-40-char camelCase identifier, e.g. `handleMultipartUploadProgressEventBucket` */
export function camel40(rng: Rng, extraWords: readonly string[] = []): string {
  const words = [...WORDS, ...extraWords];
  for (;;) {
    let s = rng.pick(VERBS);
    while (s.length < 40) s += cap(rng.pick(words));
    if (s.length === 40) return s;
  }
}

const SEGMENTS = [
  'uploads',
  'images',
  'thumbnails',
  'avatars',
  'users',
  'reports',
  'exports',
  'static',
  'assets',
  'media',
  'originals',
  'processed',
  'invoices',
  'archive',
  'backups',
  'daily',
  'monthly',
  '2023',
  '2024',
  '01',
  '02',
  '03',
  '11',
  '12',
  'public',
  'private',
  'tenants',
  'acme',
];
const BASENAMES = [
  'profilePhoto',
  'summary',
  'invoice',
  'banner',
  'heroImage',
  'report',
  'export',
  'snapshot',
];

/** Path whose run of [A-Za-z0-9/] is exactly 40 chars (the extension is appended by the caller). */
export function path40(rng: Rng): string {
  for (;;) {
    const segs = [rng.pick(SEGMENTS)];
    while (segs.join('/').length < 28) {
      const next = rng.pick(SEGMENTS);
      if (!segs.includes(next)) segs.push(next);
    }
    const s = `${segs.join('/')}/${rng.pick(BASENAMES)}`;
    if (s.length === 40) return s;
  }
}

/** 20-char upper-case words that start with ASIA but are not key ids (5th char P). */
export const ASIA_WORDS = ['ASIAPACIFICREGION001', 'ASIAPACIFICWAREHOUSE', 'ASIAPACIFICSALESTEAM'] as const;

/** Random printable console password (never a 40-char base64 run). */
export const consolePassword = (rng: Rng): string =>
  `${cleanChars(rng, BASE64.slice(0, 62), 6)}${rng.pick(['!', '#', '$', '%', '&', '*'])}${cleanChars(rng, BASE64.slice(0, 62), 7)}`;
