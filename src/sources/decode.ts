/**
 * Bytes → text, once per file. UTF-16 files (PowerShell and Windows tools write them) are recognised by
 * their byte-order mark and decoded, so keys inside them are found; a UTF-8 BOM is dropped so columns
 * match what an editor shows. Anything else with a NUL byte in its first 8 KiB is binary (ripgrep's
 * heuristic). Invalid UTF-8 decodes to U+FFFD, which leaves the keys around it intact.
 */
export type Decoded =
  | {
      readonly binary: false;
      readonly text: string;
      /** The bytes the text was decoded from, when they were UTF-8 (the byte shortcuts read them). */
      readonly utf8?: Buffer;
    }
  | { readonly binary: true };

const SNIFF_BYTES = 8192;

export function decodeText(bytes: Buffer): Decoded {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { binary: false, text: bytes.toString('utf16le', 2) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const body = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    return { binary: false, text: body.swap16().toString('utf16le') };
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (bytes.subarray(start, start + SNIFF_BYTES).includes(0)) return { binary: true };
  return {
    binary: false,
    text: bytes.toString('utf8', start),
    utf8: start === 0 ? bytes : bytes.subarray(start),
  };
}
