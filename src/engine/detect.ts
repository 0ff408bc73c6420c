import { isUtf8 } from 'node:buffer';
import type { Match, Rule, RuleRun } from '../types';
import type { Decoding, RunFinder } from './byte-runs';
import { shannonEntropy } from './entropy';
import { type KeywordTest, keywordsIn, nearbyPrefixes } from './keywords';
import { LineIndex } from './line-index';
import { BYTE_SHORTCUTS, shortcutsPay } from './shortcuts';
import { unescapeSecret } from './unescape';
import { matchesWithinLine } from './within-line';

/**
 * The matcher: pure and synchronous. For each rule whose keyword occurs in the text it runs the rule's
 * pattern, decodes the secret group, and keeps a match only if it passes the rule's own checks
 * (entropy, required character classes, rule allowlist, context). Every dropped candidate is counted
 * under the name of the check that dropped it, so "why wasn't this reported?" has an answer.
 */
export interface Detection {
  readonly matches: Match[];
  readonly suppressed: Record<string, number>;
  /** Built only when some check needed line positions; callers reuse it for locations. */
  readonly lines: LazyLines;
}

/** Creates the line index on first use: most fragments have no match and never need one. */
export class LazyLines {
  private index: LineIndex | undefined;
  constructor(private readonly text: string) {}
  get(): LineIndex {
    this.index ??= new LineIndex(this.text);
    return this.index;
  }
}

/**
 * `utf8`: the bytes `text` was decoded from as UTF-8, if it was, for the byte shortcuts (keywordsIn, and
 * rules' runs), taken once they pay in this thread (engine/shortcuts.ts); `always`: take them wherever
 * they apply (see Fragment.shortcuts); `keywords`: the caller ran the keyword prefilter on `utf8`
 * already, having found that the shortcuts pay (see scanFile).
 */
export function detect(
  text: string,
  rules: readonly Rule[],
  utf8?: Uint8Array,
  always = false,
  keywords?: KeywordTest,
): Detection {
  const bytes =
    utf8 && BYTE_SHORTCUTS && (always || keywords !== undefined || shortcutsPay(utf8.length))
      ? utf8
      : undefined;
  const hasKeyword = keywords ?? keywordsIn(text, rules, bytes);
  let decoding: Decoding | undefined | null = bytes === undefined ? null : undefined; // null: no runs
  const suppressed: Record<string, number> = {};
  const drop = (reason: string) => {
    suppressed[reason] = (suppressed[reason] ?? 0) + 1;
  };
  const lines = new LazyLines(text);
  const byRule = new Map<string, Match[]>();
  /** Runs by spec (see runKey): the two key-id rules declare the same run, found once for both. */
  const runsBySpec = new Map<string, number[]>();

  // Rules without context first: their matches are the "key id in the same file" context of the others.
  const ordered = [...rules.filter((rule) => !rule.context), ...rules.filter((rule) => rule.context)];
  for (const rule of ordered) {
    if (!rule.keywords.some(hasKeyword)) continue;
    const kept: Match[] = [];
    let windows = searchWindows(text, rule, byRule, hasKeyword);
    let runs: readonly number[] | undefined;
    if (rule.run && bytes && decoding !== null && (always || runsPay(windows, text.length))) {
      // Run offsets are counted in text units from the bytes, which needs to know how they decoded.
      decoding ??= bytes.length === text.length ? 'byte-per-unit' : isUtf8(bytes) ? 'utf8' : null;
      if (decoding) {
        const key = runKey(rule.run);
        const found = runsBySpec.get(key) ?? findRuns(rule.run, bytes, decoding);
        runsBySpec.set(key, found);
        runs = found;
        windows = intersect(windows, runWindows(found, text.length));
      }
    }
    const starts = runs && rule.run?.starts ? { runs, chars: rule.run.starts } : undefined;
    for (const candidate of candidates(text, rule, windows, starts, drop)) {
      const reason = ruleCheck(rule, candidate.secret, candidate.entropy);
      if (reason) drop(reason);
      else kept.push(candidate);
    }
    byRule.set(rule.id, kept);
  }

  const matches: Match[] = [];
  for (const rule of rules) {
    for (const match of byRule.get(rule.id) ?? []) {
      if (rule.context && !hasContext(text, match, rule.context, byRule, lines)) drop('context');
      else matches.push(match);
    }
  }
  return { matches, suppressed, lines };
}

/** [start, end) ranges of the text a rule's pattern has to search. */
type Window = readonly [number, number];

/**
 * Where a context rule can possibly match. Unless a `ruleInFile` rule matched (then the whole text), a
 * match needs a `nearby` hit on its own line or up to `linesBefore` lines above, so only the lines from
 * each hit down to `linesBefore` lines below it are searched. `hasContext` still checks every match
 * exactly; this only skips text where the answer is certainly no, which keeps an expensive pattern
 * (a 40-character base64 word has no literal to search for) off most of a large file.
 */
function searchWindows(
  text: string,
  rule: Rule,
  byRule: ReadonlyMap<string, Match[]>,
  hasKeyword: KeywordTest,
): Window[] {
  const context = rule.context;
  const whole: Window[] = [[0, text.length]];
  if (!context?.nearby || context.ruleInFile.some((id) => (byRule.get(id)?.length ?? 0) > 0)) return whole;
  // none of the words every `nearby` hit starts with is in the text: there is no hit to search around
  if (nearbyPrefixes(rule)?.some(hasKeyword) === false) return [];
  const nearby = new RegExp(context.nearby.source, `${context.nearby.flags.replace(/[gy]/g, '')}g`);
  const windows: [number, number][] = [];
  // Hits come in text order, so each line break is looked at once, going forward: a search back from
  // each hit to its line start (or forward to its line end) would cross the same text again for every
  // hit on a long line — quadratic on a minified file. Breaks are found with indexOf, which V8 runs at
  // memory speed; lastIndexOf over the text between two hits took ~2.5 ns a character.
  const lf = new NextBreak(text, '\n');
  const cr = new NextBreak(text, '\r');
  const oneHitPerLine = withinLine(context.nearby);
  let start = 0;
  let end = -1; // the window end for hits on the line starting at `start`; -1 until needed
  for (let hit = nearby.exec(text); hit; hit = nearby.exec(text)) {
    if (hit[0].length === 0) nearby.lastIndex++;
    const lastBreak = Math.max(lf.lastBefore(hit.index), cr.lastBefore(hit.index));
    if (lastBreak >= 0) {
      start = lastBreak + 1;
      end = -1;
    }
    const hitEnd = hit.index + hit[0].length;
    // (a hit that itself spans lines, possible with a user's pattern, ends its window further down)
    if (end < 0 || /[\r\n]/.test(hit[0]))
      end = Math.max(end, lineEndAfter(text, hitEnd, context.linesBefore, cr.upcoming() < 0));
    const last = windows[windows.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else windows.push([start, end]);
    // Every hit must extend the window, even one inside it: skipping ahead to the window's end once
    // missed a secret whose context was a keyword on the last line of that window. Skipping to the next
    // line is exact when no hit can span lines: every later hit on this line opens this same window.
    if (oneHitPerLine) {
      const nextBreak = firstOf(lf.upcoming(), cr.upcoming());
      if (nextBreak < 0) break;
      nearby.lastIndex = Math.max(nearby.lastIndex, nextBreak + 1);
    }
  }
  return windows;
}

const withinLineOf = new WeakMap<RegExp, boolean>();

function withinLine(nearby: RegExp): boolean {
  let within = withinLineOf.get(nearby);
  if (within === undefined) {
    within = matchesWithinLine(nearby);
    withinLineOf.set(nearby, within);
  }
  return within;
}

/** The smaller of two offsets, -1 meaning none. */
function firstOf(a: number, b: number): number {
  return a < 0 ? b : b < 0 ? a : Math.min(a, b);
}

/** One kind of line break, met in text order. */
class NextBreak {
  private next: number;

  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {
    this.next = text.indexOf(char);
  }

  /** The first break not passed yet: at or after the last offset asked about (-1 if none). */
  upcoming(): number {
    return this.next;
  }

  /** The last break before `offset` not returned before (-1 if none); offsets must not decrease. */
  lastBefore(offset: number): number {
    let last = -1;
    while (this.next >= 0 && this.next < offset) {
      last = this.next;
      this.next = this.text.indexOf(this.char, this.next + 1);
    }
    return last;
  }
}

/**
 * Runs are looked for when a rule's windows cover more than 1/RUN_WORTH of the text: finding them costs
 * ~1.7 ns a byte over the whole file, the pattern ~12 ns a character over its windows.
 */
const RUN_WORTH = 8;

function runsPay(windows: readonly Window[], length: number): boolean {
  return covered(windows) * RUN_WORTH > length;
}

const RUN_MARGIN = 2;
/** Finders by spec (see runKey), each a WebAssembly instance with its class's tables. */
const finders = new Map<string, RunFinder>();

/** What makes two rules' runs the same: their class and their least length. */
function runKey(run: RuleRun): string {
  return `${run.min} ${run.chars.flags} ${run.chars.source}`;
}

function covered(windows: readonly Window[]): number {
  return windows.reduce((sum, [from, to]) => sum + to - from, 0);
}

/**
 * Where a rule with a `run` can match: each run with what lies right before and after it (which the
 * pattern's boundaries look at: one character, two units when it is a surrogate pair, or an escape
 * such as "\n"), overlapping windows merged. A boundary that may be longer ("%3d" before a key id) keeps
 * its tail in the rule's class, so that what precedes it is still within the margin.
 */
function runWindows(found: readonly number[], length: number): Window[] {
  const windows: [number, number][] = [];
  for (let k = 0; k < found.length; k += 2) {
    const from = Math.max(0, (found[k] as number) - RUN_MARGIN);
    const to = Math.min(length, (found[k + 1] as number) + RUN_MARGIN);
    const last = windows[windows.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else windows.push([from, to]);
  }
  return windows;
}

/** The rule's runs in the text: [start, end) offsets, flattened (see RunFinder). */
function findRuns(run: RuleRun, utf8: Uint8Array, decoding: Decoding): number[] {
  const key = runKey(run);
  let finder = finders.get(key);
  if (!finder) {
    // loaded on first use: most small scans (a pre-commit hook's) never get here
    const { runFinder } = require('./byte-runs') as typeof import('./byte-runs');
    finder = runFinder(run.chars, run.min);
    finders.set(key, finder);
  }
  return finder.runs(utf8, decoding);
}

/** The ranges in both sorted lists of ranges. */
function intersect(a: readonly Window[], b: readonly Window[]): Window[] {
  const both: Window[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [aFrom, aTo] = a[i] as Window;
    const [bFrom, bTo] = b[j] as Window;
    const from = Math.max(aFrom, bFrom);
    const to = Math.min(aTo, bTo);
    if (from < to) both.push([from, to]);
    if (aTo < bTo) i++;
    else j++;
  }
  return both;
}

/**
 * End of the line holding `offset`, extended by `extraLines` further lines ("\n", "\r\n" or "\r").
 * `lfOnly`: no "\r" from `offset` on, so the breaks are found with indexOf, which V8 runs at memory speed
 * (the regex took ~0.5 ns a character: on a minified line it crossed megabytes for each window).
 */
function lineEndAfter(text: string, offset: number, extraLines: number, lfOnly: boolean): number {
  if (lfOnly) {
    let end = offset - 1;
    for (let line = 0; line <= extraLines; line++) {
      end = text.indexOf('\n', end + 1);
      if (end < 0) return text.length;
    }
    return end;
  }
  const breaks = /\r\n?|\n/g;
  breaks.lastIndex = offset;
  let end = text.length;
  for (let line = 0; line <= extraLines; line++) {
    const found = breaks.exec(text);
    if (!found) return text.length;
    end = found.index;
  }
  return end;
}

/** The runs of a rule whose run has `starts`, and those characters (see RuleRun.starts). */
interface RunStarts {
  readonly runs: readonly number[];
  readonly chars: string;
}

/**
 * The rule's matches in the windows. One whose entropy is below the rule's minimum is dropped here (and
 * counted), before its secret is cut out of the text or a match is made for it: most matches of a
 * pattern of 40 base64 characters are long identifiers and the like (on the bench tree, 18,374 of
 * 18,394), and the first, cold scan of the tree took ~7 % less (173 → 161 ms, medians of eight).
 */
function* candidates(
  text: string,
  rule: Rule,
  windows: readonly Window[],
  starts: RunStarts | undefined,
  drop: (reason: string) => void,
): Generator<Match> {
  const pattern = new RegExp(rule.pattern); // a private copy: lastIndex is per-scan state
  const sticky = starts && new RegExp(rule.pattern.source, `${rule.pattern.flags.replace(/[gy]/g, '')}y`);
  const next = starts && nextStart(text, starts);
  for (const [from, to] of windows) {
    // A window starts at a line start and ends at a line end, so its edges are boundaries for the
    // pattern's look-arounds just as the line breaks around it are; a run's window (runWindows) keeps
    // the characters around the run, which are not in its class, and which the rule's look-arounds see.
    const haystack = from === 0 && to === text.length ? text : text.slice(from, to);
    pattern.lastIndex = 0;
    const search =
      sticky && next
        ? () => stickySearch(sticky, haystack, from, next, pattern)
        : () => pattern.exec(haystack);
    for (let found = search(); found; found = search()) {
      if (found[0].length === 0) pattern.lastIndex++;
      const span = found.indices?.[rule.secretGroup];
      if (!span) continue;
      const [start, end] = [span[0] + from, span[1] + from];
      // Where the text holds no escape, the secret is the text itself (unescapeSecret returns it as is).
      const plain = !rule.unescape || !holdsEscape(text, start, end);
      const measured = plain ? shannonEntropy(text, start, end) : undefined;
      if (measured !== undefined && measured < rule.minEntropy) {
        drop('entropy');
        continue;
      }
      const raw = text.slice(start, end);
      const secret = plain ? raw : unescapeSecret(raw);
      yield { rule, secret, start, end, entropy: measured ?? shannonEntropy(secret) };
    }
  }
}

/** Whether `text` holds a `\` or a `%` from `start` to `end`: what unescapeSecret would decode. */
function holdsEscape(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c || code === 0x25) return true;
  }
  return false;
}

/**
 * `pattern.exec(haystack)` for a rule whose run has `starts`: the same leftmost match from
 * `pattern.lastIndex`, found by trying the pattern (`sticky`) only where a match can begin: the
 * haystack's start, outside the runs, and at a `starts` character inside one. `pattern.lastIndex` is
 * left where a global search would leave it.
 */
function stickySearch(
  sticky: RegExp,
  haystack: string,
  from: number,
  next: (offset: number) => number,
  pattern: RegExp,
): RegExpExecArray | null {
  for (let at = pattern.lastIndex; at < haystack.length; ) {
    const start = at === 0 ? 0 : next(from + at) - from;
    if (start >= haystack.length) break;
    sticky.lastIndex = start;
    const found = sticky.exec(haystack);
    if (found) {
      pattern.lastIndex = start + found[0].length;
      return found;
    }
    at = start + 1;
  }
  pattern.lastIndex = 0;
  return null;
}

/**
 * For text offsets in increasing order: the first offset from the given one where a match can begin,
 * which is the offset itself outside the runs, and inside a run the next `starts` character in it, or
 * the run's end.
 */
function nextStart(text: string, { runs, chars }: RunStarts): (offset: number) => number {
  let k = 0; // the first run not wholly before the offset asked about
  // Where each `starts` character next occurs (Infinity: nowhere further), searched for again only once
  // passed: a character a file lacks would otherwise be searched for to its end at every run.
  const ahead = [...chars].map(() => -1);
  return (offset) => {
    while (k < runs.length && (runs[k + 1] as number) <= offset) k += 2;
    if (k >= runs.length || offset < (runs[k] as number)) return offset;
    let first = runs[k + 1] as number;
    for (let c = 0; c < chars.length; c++) {
      if ((ahead[c] as number) < offset) {
        const found = text.indexOf(chars[c] as string, offset);
        ahead[c] = found < 0 ? Number.POSITIVE_INFINITY : found;
      }
      first = Math.min(first, ahead[c] as number);
    }
    return first;
  };
}

function ruleCheck(rule: Rule, secret: string, entropy: number): string | undefined {
  if (entropy < rule.minEntropy) return 'entropy';
  if (!rule.mustContain.every((required) => required.test(secret))) return 'shape';
  if (rule.allowSecrets.some((allowed) => allowed.test(secret))) return 'rule-allowlist';
  return undefined;
}

function hasContext(
  text: string,
  match: Match,
  context: NonNullable<Rule['context']>,
  byRule: ReadonlyMap<string, Match[]>,
  lazyLines: LazyLines,
): boolean {
  if (context.ruleInFile.some((id) => (byRule.get(id)?.length ?? 0) > 0)) return true;
  if (!context.nearby) return false;
  const lines = lazyLines.get();
  const from = lines.lineStart(lines.lineOf(match.start) - context.linesBefore);
  const to = lines.lineEnd(lines.lineOf(match.end - 1));
  // Blank the secret out so that a keyword inside the random string itself is not its own context.
  const window = `${text.slice(from, match.start)} ${text.slice(match.end, to)}`;
  return context.nearby.test(window);
}
