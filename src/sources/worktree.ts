import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import picomatch from 'picomatch';
import { GitIgnore } from './gitignore';
import { readFileItemSync } from './read-file';
import type { Source, SourceItem } from './source';

/**
 * The working-tree source: lists files with fast-glob (dotfiles included, `.git` never), drops what
 * `.gitignore` and `--exclude` rule out, and yields the rest as `load` items, which the scan reads (in
 * its own thread or in worker threads; see sources/read-file.ts). Symlinks found in the
 * walk are never followed: a link's target inside the root is scanned at its own path anyway, and one
 * outside the root must not be. Every file that is not scanned for another reason is reported as a skip.
 */
export interface WorktreeOptions {
  /** Absolute; reported paths are relative to it. */
  readonly root: string;
  /** Absolute files or directories to scan (often just `root`). */
  readonly targets: readonly string[];
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly gitignore: boolean;
  readonly maxFileSize: number;
  /** Absolute paths never scanned: the files this run writes its reports to (see cli/scan-command.ts). */
  readonly skip?: ReadonlySet<string>;
}

export function worktreeSource(options: WorktreeOptions): Source {
  const listing: Listing = { ahead: 0 };
  return {
    items: () => walkWorktree(options, listing),
    ahead: () => listing.ahead,
    load: (item, into) => {
      if (item.spec.from !== 'file') throw new Error(`a working tree cannot load a ${item.spec.from}`);
      return readFileItemSync(item, item.spec, into);
    },
  };
}

const ALWAYS_EXCLUDED = ['**/.git', '**/.git/**'];
/** What a regex `.` does not match, and so what fast-glob's matcher cannot match in a name. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** Files listed and not yielded yet, directories aside (see Source.ahead). */
interface Listing {
  ahead: number;
}

/**
 * The only asynchronous step is reading the ignore rules' first files; the listing below is synchronous
 * (see walkDirectory), and its generators are too: each asynchronous layer an item passed through cost
 * a promise and a microtask (three layers took ~0.25 µs an item more than one, measured alone; the scan
 * of 100,000 small files took ~7 % less with one).
 */
async function* walkWorktree(options: WorktreeOptions, listing: Listing): AsyncGenerator<SourceItem> {
  const ignores = options.gitignore ? await GitIgnore.forDirectory(options.root) : undefined;
  // Overlapping targets (`scan . src`) list some paths twice: each is yielded once, where it is first
  // listed. One target lists each path once, and is spared a set of every path.
  const seen = options.targets.length > 1 ? new Set<string>() : undefined;
  const skip = options.skip?.size ? options.skip : undefined;
  for (const entry of listEntries(options, ignores, listing)) {
    if (skip?.has(entry.absolute)) continue;
    if (seen) {
      if (seen.has(entry.relative)) continue;
      seen.add(entry.relative);
    }
    yield itemOf(entry, options);
  }
}

interface Entry {
  /** For matching; for a name that is not UTF-8, its lossy decoding (U+FFFD), and `raw` is the real path. */
  readonly absolute: string;
  readonly relative: string;
  readonly type: 'file' | 'symlink' | 'special' | 'unreadable-dir';
  readonly detail?: string;
  readonly raw?: Buffer;
}

/** A directory entry whose name is not valid UTF-8, with the directory it is in. */
interface RawName {
  readonly dir: string;
  readonly dirent: fs.Dirent<Buffer>;
}

function* listEntries(
  options: WorktreeOptions,
  ignores: GitIgnore | undefined,
  listing: Listing,
): Generator<Entry> {
  const included = options.include.length > 0 ? picomatch([...options.include], { dot: true }) : () => true;
  const excluded = options.exclude.length > 0 ? picomatch([...options.exclude], { dot: true }) : () => false;
  const wanted = (entry: Entry) =>
    included(entry.relative) && !excluded(entry.relative) && !ignores?.ignores(entry.absolute);
  // A walk never lists `.git` (see readdirWrapper); a path the user names may be in one.
  const inGit = picomatch(ALWAYS_EXCLUDED, { dot: true });

  for (const target of options.targets) {
    // a path the user names is followed even when it is a symlink (as ripgrep and git do); links met
    // while walking are not
    const stat = fs.statSync(target);
    if (!stat.isDirectory()) {
      const entry = { absolute: target, relative: relativeTo(options.root, target), type: typeOf(stat) };
      if (!inGit(entry.relative) && wanted(entry)) yield entry;
      continue;
    }
    if (target !== options.root && inGit(relativeTo(options.root, target))) continue;
    // Globs prune the walk (fast-glob does not descend into excluded directories); `wanted` decides.
    const globs = {
      patterns: options.include.length > 0 ? [...options.include] : ['**'],
      ignore: [...options.exclude],
    };
    yield* walkDirectory(target, options, ignores, wanted, listing, globs);
  }
}

function* walkDirectory(
  target: string,
  options: WorktreeOptions,
  ignores: GitIgnore | undefined,
  wanted: (entry: Entry) => boolean,
  listing: Listing,
  globs: { patterns: string[]; ignore: string[] } = { patterns: ['**'], ignore: [] },
): Generator<Entry> {
  /** Whether `wanted` can say no: without ignore rules, --include or --exclude it never does. */
  const filtered = ignores !== undefined || options.include.length > 0 || options.exclude.length > 0;
  const unreadableDirs: Entry[] = [];
  const lineBreakNames: fs.Dirent[] = [];
  const rawNames: RawName[] = [];
  // Listed synchronously: fast-glob's asynchronous walk sends every directory to libuv's thread pool and
  // back, and took 2-3x longer (60 against 25 ms on the bench tree's 556 directories, 150 against 50 ms
  // on node_modules' 1,382); nothing else has to run meanwhile, as no item can be yielded before the
  // listing is complete and sorted.
  const found = fg.sync(globs.patterns, {
    cwd: target,
    dot: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    objectMode: true,
    ignore: globs.ignore,
    unique: globs.patterns.length > 1, // one pattern cannot list a path twice; deduplicating costs
    fs: readdirWrapper(options.root, unreadableDirs, ignores, lineBreakNames, rawNames),
  });
  // fast-glob lists in the order the file system returns names, which differs between file systems and
  // copies of a tree; the scan's order (and with it the order of the report's counts) must not.
  found.sort((a, b) => compareText(a.path, b.path));
  unreadableDirs.sort((a, b) => compareText(a.relative, b.relative));
  const fullPath = (dirent: fs.Dirent) => path.join(dirent.parentPath ?? dirent.path, dirent.name);
  lineBreakNames.sort((a, b) => compareText(fullPath(a), fullPath(b)));
  rawNames.sort((a, b) => compareText(a.dir, b.dir) || Buffer.compare(a.dirent.name, b.dirent.name));
  yield* unreadableDirs;
  const entryOf = (absolute: string, dirent: { isSymbolicLink(): boolean; isFile(): boolean }): Entry => ({
    absolute,
    relative: relativeTo(options.root, absolute),
    type: typeOf(dirent),
  });
  // fast-glob's paths are clean and '/'-separated: joining strings spares a path.join and a path.relative
  // per entry, which cost more than the rest of the walk on 100,000 files
  const base = path.relative(options.root, target).split(path.sep).join('/');
  const directory = target.endsWith(path.sep) ? target : `${target}${path.sep}`; // the root is "/"
  const entryAt = (k: number): Entry => {
    const { path: relativePath, dirent } = found[k] as (typeof found)[number];
    return {
      absolute: `${directory}${relativePath}`,
      relative: base === '' ? relativePath : `${base}/${relativePath}`,
      type: typeOf(dirent),
    };
  };
  // Only the files to be yielded count as ahead: one that a .gitignore rule or --include/--exclude drops
  // would make the scan loop expect more work than there is (and start worker threads for it). Which
  // are dropped is found first and kept as one byte each, not as entries: 100,000 entries held for the
  // whole scan took its peak RSS from 128 to 147 MB.
  const dropped = new Uint8Array(found.length);
  for (let k = 0; k < found.length; k++) {
    if ((found[k] as (typeof found)[number]).dirent.isDirectory()) dropped[k] = 1;
    else if (filtered && !wanted(entryAt(k))) dropped[k] = 1;
    else listing.ahead++;
  }
  for (let k = 0; k < found.length; k++) {
    if (dropped[k]) continue;
    listing.ahead--;
    yield entryAt(k);
  }
  // fast-glob's matcher never matches a name with a line break in it, so such files would vanish
  // silently; they are listed here, and such directories walked on their own.
  for (const dirent of lineBreakNames) {
    const absolute = fullPath(dirent);
    if (dirent.isDirectory()) yield* walkDirectory(absolute, options, ignores, wanted, listing);
    else {
      const entry = entryOf(absolute, dirent);
      if (wanted(entry)) yield entry;
    }
  }
  for (const { dir, dirent } of rawNames) {
    const parentRelative = path.relative(options.root, dir).split(path.sep).join('/');
    for (const entry of rawEntries(Buffer.from(dir), parentRelative, dirent)) if (wanted(entry)) yield entry;
  }
}

/**
 * A name that is not valid UTF-8 cannot be a JavaScript string without loss, so fast-glob (which only
 * knows strings) would hand back a path that does not exist. Such entries are walked here by their bytes:
 * the file is opened by its raw path and reported under a name with each invalid byte shown as `\xNN`.
 * Sorted by bytes, so the order is stable; nothing below `.git` is listed, as in the main walk.
 */
function* rawEntries(parent: Buffer, parentRelative: string, dirent: fs.Dirent<Buffer>): Generator<Entry> {
  const raw = Buffer.concat([parent, Buffer.from(path.sep), dirent.name]);
  const shown = escapeInvalidUtf8(dirent.name);
  const relative = parentRelative === '' ? shown : `${parentRelative}/${shown}`;
  const absolute = raw.toString('utf8');
  if (!dirent.isDirectory()) {
    yield { absolute, relative, type: typeOf(dirent), raw };
    return;
  }
  let children: fs.Dirent<Buffer>[];
  try {
    children = fs.readdirSync(raw, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    yield { absolute, relative, type: 'unreadable-dir', detail: code(error) };
    return;
  }
  children.sort((a, b) => Buffer.compare(a.name, b.name));
  for (const child of children) {
    if (child.name.toString('latin1') === '.git') continue;
    yield* rawEntries(raw, relative, child);
  }
}

/** The name as text, valid UTF-8 sequences as they are and every other byte as `\xNN`. */
export function escapeInvalidUtf8(name: Buffer): string {
  let text = '';
  let start = 0;
  let i = 0;
  while (i < name.length) {
    const lead = name[i] as number;
    const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    if (i + length <= name.length && isUtf8(name.subarray(i, i + length))) {
      i += length;
      continue;
    }
    text += `${name.toString('utf8', start, i)}\\x${lead.toString(16).padStart(2, '0')}`;
    i += 1;
    start = i;
  }
  return text + name.toString('utf8', start);
}

/**
 * fast-glob has neither an error callback nor a way to prune by a predicate, so its readdir is wrapped:
 * a directory it cannot list is noted (and reported as unreadable) instead of silently yielding nothing,
 * and subdirectories that git ignores are dropped before fast-glob descends into them. That pruning is
 * exact, because git cannot re-include anything below an ignored directory.
 */
function readdirWrapper(
  root: string,
  unreadable: Entry[],
  ignores: GitIgnore | undefined,
  lineBreakNames: fs.Dirent[],
  rawNames: RawName[],
): Partial<typeof fs> {
  const readdirSync = ((dir: string, options: { withFileTypes: true }) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, options);
    } catch (error) {
      unreadable.push({
        absolute: dir,
        relative: relativeTo(root, dir),
        type: 'unreadable-dir',
        detail: code(error),
      });
      return [];
    }
    const lossy = entries.some((entry) => entry.name.includes('\uFFFD'))
      ? takeRawNames(dir, rawNames)
      : undefined;
    // `.git` is dropped here rather than by an ignore pattern, which fast-glob and `wanted` would match
    // against every path listed (~7 ms of the bench tree's 25 ms listing)
    const kept = entries.filter(
      (entry) =>
        entry.name !== '.git' &&
        !lossy?.has(entry.name) &&
        !(entry.isDirectory() && ignores?.ignores(path.join(dir, entry.name), true)),
    );
    for (const entry of kept) {
      if (!LINE_BREAK.test(entry.name)) continue;
      // remember where it was found: Dirent.parentPath is only in newer Node releases
      Object.assign(entry, { parentPath: dir });
      lineBreakNames.push(entry);
    }
    return kept;
  }) as typeof fs.readdirSync;
  return { readdirSync };
}

/**
 * Node decodes directory entries as UTF-8, replacing invalid bytes with U+FFFD. When a listing shows
 * one, the directory is listed again by bytes: the names that are not UTF-8 go to `rawNames` (walked by
 * rawEntries), and their lossy spellings are returned, to be dropped from what fast-glob sees. (A valid
 * name spelt with U+FFFD exactly as an invalid neighbour decodes would be dropped with it: not handled.)
 */
function takeRawNames(dir: string, rawNames: RawName[]): Set<string> {
  const lossy = new Set<string>();
  let entries: fs.Dirent<Buffer>[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch {
    return lossy; // it was listed a moment ago; if it is gone now, the names it had are gone too
  }
  for (const dirent of entries) {
    if (isUtf8(dirent.name)) continue;
    rawNames.push({ dir, dirent });
    lossy.add(dirent.name.toString('utf8'));
  }
  return lossy;
}

function typeOf(stat: { isSymbolicLink(): boolean; isFile(): boolean }): Entry['type'] {
  if (stat.isSymbolicLink()) return 'symlink';
  return stat.isFile() ? 'file' : 'special';
}

function itemOf(entry: Entry, options: WorktreeOptions): SourceItem {
  if (entry.type === 'unreadable-dir')
    return {
      kind: 'skip',
      path: entry.relative,
      reason: 'unreadable',
      detail: `cannot list directory (${entry.detail})`,
    };
  if (entry.type !== 'file') return { kind: 'skip', path: entry.relative, reason: entry.type };
  return {
    kind: 'load',
    provenance: { kind: 'worktree', path: entry.relative },
    spec: { from: 'file', absolute: entry.raw ?? entry.absolute, maxFileSize: options.maxFileSize },
  };
}

export function relativeTo(root: string, absolute: string): string {
  const relative = path.relative(root, absolute);
  return (relative === '' ? path.basename(absolute) : relative).split(path.sep).join('/');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
