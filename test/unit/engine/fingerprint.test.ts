import { credentialId, fingerprint } from '../../../src/engine/fingerprint';
import { FakeKeys } from '../../support/fake-keys';

describe('fingerprint', () => {
  it('is the first 32 hex characters of sha256(ruleId NUL secret)', () => {
    expect(fingerprint('aws.access-key-id', 'not-a-secret')).toBe('70a9471e015fecfd9f98bd5440c47514');
  });

  it('is stable and 32 lowercase hex characters', () => {
    const secret = new FakeKeys(21).secret();
    const first = fingerprint('aws.secret-access-key', secret);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprint('aws.secret-access-key', secret)).toBe(first);
  });

  it('differs by rule id and by secret', () => {
    const keys = new FakeKeys(22);
    const secret = keys.secret();
    const base = fingerprint('aws.secret-access-key', secret);
    expect(fingerprint('aws.session-token', secret)).not.toBe(base);
    expect(fingerprint('aws.secret-access-key', keys.secret())).not.toBe(base);
  });

  it('separates rule id from secret, so moving characters across the boundary changes it', () => {
    expect(fingerprint('rule.a', 'bc')).not.toBe(fingerprint('rule.ab', 'c'));
  });
});

describe('credentialId', () => {
  it('is the first 16 hex characters of sha256("credential" NUL anchor fingerprint)', () => {
    expect(credentialId('abc')).toBe('650d421451023c6a');
  });

  it('is stable and differs between anchors', () => {
    const a = fingerprint('aws.access-key-id', new FakeKeys(23).keyId());
    const b = fingerprint('aws.access-key-id', new FakeKeys(24).keyId());
    expect(credentialId(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(credentialId(a)).toBe(credentialId(a));
    expect(credentialId(a)).not.toBe(credentialId(b));
  });
});
