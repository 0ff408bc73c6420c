/**
 * Offline AWS account decoding from a new-generation access key id (SPECS.md §2): base32-decode the
 * 16 characters after the 4-character prefix, take the first 48 bits, mask bits 7..46. Legacy ids
 * (5th character below "Q", i.e. generation bit 0, e.g. AKIAI…/AKIAJ…) carry no account: null, as do
 * ids that decode past 12 digits (made up, never issued).
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function accountFromKeyId(keyId: string): string | null {
  const body = keyId.slice(4).toUpperCase();
  if (body.length < 10) return null;
  let bits = 0n;
  for (const char of body.slice(0, 10)) {
    const value = BASE32.indexOf(char);
    if (value < 0) return null;
    bits = (bits << 5n) | BigInt(value);
  }
  // 10 base32 chars are 50 bits; the first 48 of them form the big-endian integer z.
  const z = bits >> 2n;
  const generationBit = (z >> 47n) & 1n;
  if (generationBit === 0n) return null;
  const account = (z & 0x7fffffffff80n) >> 7n;
  // 40 bits reach 13 digits, but account ids have 12: a larger value means the id was never issued.
  return account < 1_000_000_000_000n ? account.toString().padStart(12, '0') : null;
}
