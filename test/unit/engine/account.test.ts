import { accountFromKeyId } from '../../../src/engine/account';
import { BASE32, FakeKeys } from '../../support/fake-keys';

describe('accountFromKeyId', () => {
  // Published key id → account pairs (SPECS.md §2).
  const vectors: [string, string][] = [
    ['ASIAY34FZKBOKMUTVV7A', '609629065308'], // keysweep:allow
    ['ASIAY34FZKBNKMUTVV7A', '609629065306'], // keysweep:allow
    ['ASIAY34FZKAOKMUTVV7A', '609629065244'], // keysweep:allow
    ['AKIAZAVB57H55F3T4BKH', '619888638459'], // keysweep:allow
    ['AKIASP2TPHJSQH3FJRUX', '171436882533'], // keysweep:allow
    ['ASIAQNZGKIQY56JQ7WML', '029608264753'], // keysweep:allow
    ['ASIAVJ2E6QGR2WZILJFM', '364679954851'], // keysweep:allow
    ['AKIARZPUZDIKGB2VALC4', '123456789012'], // keysweep:allow
    ['ASIAQAAAAAAAGMKEM7X5', '000000000000'], // keysweep:allow
  ];

  it.each(vectors)('decodes %s to account %s', (keyId, account) => {
    expect(accountFromKeyId(keyId)).toBe(account);
  });

  it('is case-insensitive in the body', () => {
    const [keyId, account] = vectors[3] ?? ['', ''];
    expect(accountFromKeyId(keyId.slice(0, 4) + keyId.slice(4).toLowerCase())).toBe(account);
  });

  it('returns null for legacy key ids, which carry no account', () => {
    expect(accountFromKeyId('AKIAIOSFODNN7EXAMPLE')).toBeNull(); // keysweep:allow
    expect(accountFromKeyId('AKIAJSIE27KKMHXI3BJQ')).toBeNull(); // keysweep:allow
    const keys = new FakeKeys(11);
    for (let i = 0; i < 50; i++) expect(accountFromKeyId(keys.legacyKeyId())).toBeNull();
  });

  /** Builds a modern key id carrying `account`, with random generation-independent bits elsewhere. */
  function keyIdFor(account: bigint, keys: FakeKeys, prefix: string): string {
    const low7 = BigInt(Number.parseInt(keys.chars('01', 7), 2));
    const z = (1n << 47n) | (account << 7n) | low7; // 48 bits: generation bit, account, 7 more bits
    let bits = (z << 2n) | BigInt(Number.parseInt(keys.chars('0123', 1), 4)); // 50 bits = 10 characters
    let body = '';
    for (let i = 0; i < 10; i++) {
      body = BASE32.charAt(Number(bits & 31n)) + body;
      bits >>= 5n;
    }
    return prefix + body + keys.chars(BASE32, 6);
  }

  it('recovers the account encoded in a modern key id', () => {
    const keys = new FakeKeys(12);
    for (let i = 0; i < 200; i++) {
      const account = keys.chars('0123456789', 12);
      const prefix = i % 2 === 0 ? 'AKIA' : 'ASIA';
      const keyId = keyIdFor(BigInt(account), keys, prefix);
      expect(keyId).toMatch(/^A[KS]IA[Q-Z2-7][A-Z2-7]{15}$/);
      expect(accountFromKeyId(keyId)).toBe(account);
    }
  });

  it('returns null for an id that decodes past 12 digits, which AWS never issued', () => {
    const keys = new FakeKeys(14);
    expect(accountFromKeyId(keyIdFor(999_999_999_999n, keys, 'AKIA'))).toBe('999999999999');
    expect(accountFromKeyId(keyIdFor(1_000_000_000_000n, keys, 'AKIA'))).toBeNull();
    expect(accountFromKeyId(keyIdFor(2n ** 40n - 1n, keys, 'ASIA'))).toBeNull();
  });

  it('returns an account for every generated modern key id', () => {
    const keys = new FakeKeys(15);
    for (let i = 0; i < 100; i++) expect(accountFromKeyId(keys.keyId())).toMatch(/^\d{12}$/);
  });

  it('depends only on the first 10 body characters', () => {
    const keys = new FakeKeys(13);
    const id = keys.keyId();
    const other = id.slice(0, 14) + keys.keyId().slice(14);
    expect(accountFromKeyId(other)).toBe(accountFromKeyId(id));
  });

  it('returns null for a body that is too short or not base32', () => {
    expect(accountFromKeyId('AKIAQAAAAAAAG')).toBeNull();
    expect(accountFromKeyId('AKIA')).toBeNull();
    expect(accountFromKeyId('')).toBeNull();
    // "0", "1", "8", "9" are not base32 digits; only the first 10 body characters are decoded
    expect(accountFromKeyId('AKIAQAAAAAAAGM0EM7X5')).toBe('000000000000');
    expect(accountFromKeyId('AKIAQAAAA1AAGMKEM7X5')).toBeNull();
    expect(accountFromKeyId('AKIAQ8AAAAAAGMKEM7X5')).toBeNull();
  });
});
