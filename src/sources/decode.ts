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
/** The bytes at a file's start that decide whether `decodeText` calls it binary: a UTF-8 BOM, then 8 KiB. */
export const BINARY_SNIFF = 3 + SNIFF_BYTES;

/**
 * Whether `decodeText` calls any bytes starting with `start` (at least their first BINARY_SNIFF, or all
 * of them) binary: a reader can then leave the rest of the file unread.
 */
export function binaryStart(start: Buffer): boolean {
  return !isUtf16(start) && utf8Body(start) === undefined; // (utf8Body looks no further either)
}

/**
 * The bytes `decodeText` would decode as UTF-8 (without a UTF-8 BOM), or undefined when it would decode
 * UTF-16 or call them binary: what the byte shortcuts can read before anything is decoded.
 */
export function utf8Body(bytes: Buffer): Buffer | undefined {
  if (isUtf16(bytes)) return undefined;
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (bytes.subarray(start, start + SNIFF_BYTES).includes(0)) return undefined;
  return start === 0 ? bytes : bytes.subarray(start);
}

function isUtf16(bytes: Buffer): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/** `utf8`: `utf8Body(bytes)`, when the caller has it already (scanFile looks at the bytes first). */
export function decodeText(bytes: Buffer, utf8 = utf8Body(bytes)): Decoded {
  if (utf8) return { binary: false, text: utf8.toString('utf8'), utf8 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { binary: false, text: bytes.toString('utf16le', 2) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const body = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    return { binary: false, text: body.swap16().toString('utf16le') };
  }
  return { binary: true };
}
