/**
 * Shannon entropy in bits per character: H = -Σ p·log2(p) over the characters (code points) of `text`,
 * or of its part from `start` to `end` (a candidate measured where it lies, before it is cut out).
 * Every candidate secret is measured, thousands per large file, so ASCII text (nearly all of them) is
 * counted in a reused array; the sum runs over characters in order of first appearance either way, so
 * both paths give the same number to the last bit, as do a part and the same characters cut out.
 */
const counts = new Int32Array(128);
const order = new Uint8Array(128);

export function shannonEntropy(text: string, start = 0, end = text.length): number {
  const length = end - start;
  if (length <= 0) return 0;
  let distinct = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128) {
      for (let k = 0; k < distinct; k++) counts[order[k] as number] = 0;
      return entropyOfCodePoints(text.slice(start, end));
    }
    if ((counts[code] as number) === 0) order[distinct++] = code;
    counts[code] = (counts[code] as number) + 1;
  }
  let entropy = 0;
  for (let k = 0; k < distinct; k++) {
    const code = order[k] as number;
    const p = (counts[code] as number) / length;
    entropy -= p * Math.log2(p);
    counts[code] = 0;
  }
  return entropy;
}

function entropyOfCodePoints(text: string): number {
  const byChar = new Map<string, number>();
  for (const char of text) byChar.set(char, (byChar.get(char) ?? 0) + 1);
  let entropy = 0;
  const length = [...text].length;
  for (const count of byChar.values()) {
    const p = count / length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}
