/**
 * Whether no match of a regex can hold a line break ("\n" or "\r"), as far as its source says so
 * plainly. The context search (detect.ts) then looks at one hit per line: every hit on a line opens the
 * same window, so the rest of that line is skipped, which on a minified file (one line of megabytes) is
 * nearly all of it. False whenever the source has anything that could stand for a break: a negated
 * class, `.` under the s flag, a class escape such as \s, \W or \D, a character escape (\n, \x0a,
 * \u000a, \cJ, \12, …), a control character written as itself (a range such as [\t-\r] would take it), or
 * the v flag's nested classes. An identity escape of a letter, harmless as it is, gives false too: only
 * plain words, classes of printable characters and the escapes of syntax characters pass.
 */
const OUTSIDE_CLASS = new Set([...'bBdw', ...'^$\\.*+?()[]{}|/-']);
/** Inside a class \b is a backspace (0x08), which could start a range over the breaks. */
const INSIDE_CLASS = new Set([...'dw', ...'^$\\.*+?()[]{}|/-']);

export function matchesWithinLine(regex: RegExp): boolean {
  const { source, flags } = regex;
  if (flags.includes('v')) return false;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    if (char < ' ') return false; // a control character written as itself
    if (char === '\\') {
      i++;
      if (!(inClass ? INSIDE_CLASS : OUTSIDE_CLASS).has(source[i] as string)) return false;
    } else if (inClass) {
      inClass = char !== ']';
    } else if (char === '[') {
      if (source[i + 1] === '^') return false;
      inClass = true;
    } else if (char === '.' && flags.includes('s')) {
      return false;
    }
  }
  return true;
}
