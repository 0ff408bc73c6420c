/**
 * Offsets at which lines start; a line ends at "\n", "\r\n" or a lone "\r" (README). Written from that
 * definition, one character at a time, as an oracle for the engine's LineIndex and locations.
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') starts.push(i + 1);
    else if (text[i] === '\r') {
      if (text[i + 1] === '\n') i++;
      starts.push(i + 1);
    }
  }
  return starts;
}
