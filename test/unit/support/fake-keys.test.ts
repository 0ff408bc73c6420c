import { expandFakes, FakeKeys, mulberry32, SESSION_TOKEN_PREFIX } from '../../support/fake-keys';

function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  return [...counts.values()].reduce(
    (bits, count) => bits - (count / text.length) * Math.log2(count / text.length),
    0,
  );
}

describe('mulberry32', () => {
  it('is deterministic for a seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const fromA = Array.from({ length: 100 }, a);
    expect(Array.from({ length: 100 }, b)).toEqual(fromA);
    expect(Array.from({ length: 100 }, c)).not.toEqual(fromA);
    for (const value of fromA) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe('FakeKeys', () => {
  const keys = new FakeKeys(7);
  const sample = <T>(make: () => T): T[] => Array.from({ length: 200 }, make);

  it('makes modern key ids: prefix, a generation-bit character, 15 base32 characters', () => {
    for (const id of sample(() => keys.keyId())) expect(id).toMatch(/^AKIA[Q-Z2-7][A-Z2-7]{15}$/);
    expect(keys.keyId('ABIA')).toMatch(/^ABIA[Q-Z2-7][A-Z2-7]{15}$/);
  });

  it('never makes an id that looks like a placeholder or documentation example', () => {
    const ids = [...sample(() => keys.keyId()), ...sample(() => keys.legacyKeyId())];
    for (const id of ids) expect(id).not.toMatch(/(.)\1{4}|EXAMPLE/);
  });

  it('makes modern key ids that decode to 12-digit accounts', () => {
    for (const id of sample(() => keys.keyId())) {
      let bits = 0n;
      for (const char of id.slice(4, 14))
        bits = (bits << 5n) | BigInt('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(char));
      expect(((bits >> 2n) & 0x7fffffffff80n) >> 7n).toBeLessThan(1_000_000_000_000n);
    }
  });

  it('makes legacy key ids: prefix, I or J, 15 of [A-Z0-9]', () => {
    const ids = sample(() => keys.legacyKeyId());
    for (const id of ids) expect(id).toMatch(/^AKIA[IJ][A-Z0-9]{15}$/);
    expect(new Set(ids.map((id) => id[4]))).toEqual(new Set(['I', 'J']));
  });

  it('makes modern temporary key ids', () => {
    for (const id of sample(() => keys.tempKeyId())) expect(id).toMatch(/^ASIA[Q-Z2-7][A-Z2-7]{15}$/);
  });

  it('makes secrets with mixed case, a digit or symbol, and entropy >= 4.3', () => {
    for (const secret of sample(() => keys.secret())) {
      expect(secret).toMatch(/^[A-Za-z0-9+/]{40}$/);
      expect(secret).toMatch(/[a-z]/);
      expect(secret).toMatch(/[A-Z]/);
      expect(secret).toMatch(/[0-9+/]/);
      expect(entropy(secret)).toBeGreaterThanOrEqual(4.3);
    }
  });

  it('makes session tokens with the origin_ec marker', () => {
    const token = keys.sessionToken();
    expect(token.startsWith(SESSION_TOKEN_PREFIX)).toBe(true);
    expect(token).toHaveLength(SESSION_TOKEN_PREFIX.length + 400);
    expect(token.slice(SESSION_TOKEN_PREFIX.length)).toMatch(/^[A-Za-z0-9+/]{400}$/);
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number) => {
      const k = new FakeKeys(seed);
      return [k.keyId(), k.legacyKeyId(), k.tempKeyId(), k.secret(), k.sessionToken()];
    };
    expect(run(1)).toEqual(run(1));
    expect(run(2)).not.toEqual(run(1));
  });
});

describe('expandFakes', () => {
  const text = [
    'id={{fake:aws-key-id:1}}',
    'again={{fake:aws-key-id:1}}',
    'other={{fake:aws-key-id:2}}',
    'legacy={{fake:aws-legacy-key-id:1}}',
    'temp={{fake:aws-temp-key-id:1}}',
    'secret={{fake:aws-secret:1}}',
    'token={{fake:aws-session-token:1}}',
  ].join('\n');

  it('replaces each token with a value of its kind, the same label with the same value', () => {
    const lines = expandFakes(text, 99).split('\n');
    const value = (i: number) => lines[i]?.split('=')[1] ?? '';
    expect(value(0)).toMatch(/^AKIA[Q-Z2-7][A-Z2-7]{15}$/);
    expect(value(1)).toBe(value(0));
    expect(value(2)).toMatch(/^AKIA[Q-Z2-7][A-Z2-7]{15}$/);
    expect(value(2)).not.toBe(value(0));
    expect(value(3)).toMatch(/^AKIA[IJ][A-Z0-9]{15}$/);
    expect(value(4)).toMatch(/^ASIA[Q-Z2-7][A-Z2-7]{15}$/);
    expect(value(5)).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(value(6)).toMatch(/^IQoJb3JpZ2luX2Vj[A-Za-z0-9+/]{400}$/);
    expect(lines.join('\n')).not.toContain('{{');
  });

  it('gives every distinct label a distinct value', () => {
    const tokens = Array.from({ length: 300 }, (_, i) => `{{fake:aws-secret:${i}}}`).join(' ');
    expect(new Set(expandFakes(tokens, 5).split(' ')).size).toBe(300);
  });

  it('is deterministic for a seed, and a value does not depend on what else is in the text', () => {
    expect(expandFakes(text, 99)).toBe(expandFakes(text, 99));
    expect(expandFakes(text, 100)).not.toBe(expandFakes(text, 99));
    const alone = expandFakes('{{fake:aws-secret:1}}', 99);
    expect(expandFakes(text, 99)).toContain(`secret=${alone}\n`);
  });

  it('leaves other text alone and rejects malformed or unknown tokens', () => {
    expect(expandFakes('no tokens {{here}}', 1)).toBe('no tokens {{here}}');
    expect(() => expandFakes('{{fake:aws-password:1}}', 1)).toThrow(
      'unknown fake kind "aws-password" in {{fake:aws-password:1}}',
    );
    expect(() => expandFakes('{{fake:aws-secret:one}}', 1)).toThrow(
      'malformed fake token {{fake:aws-secret:one}}',
    );
  });
});
