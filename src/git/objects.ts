import type { CommitInfo } from '../types';

/**
 * Parsers for the three object kinds a sweep walks: commits (tree, parents, author, date, summary),
 * trees (mode, name, oid per entry) and annotated tags (the object they point at). Pure functions on
 * raw object content, shared by every object reader.
 */
export interface Commit {
  readonly sha: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly info: CommitInfo;
  /** Committer time in seconds, for ordering. */
  readonly time: number;
}

export interface TreeEntry {
  readonly mode: string;
  readonly name: string;
  readonly oid: string;
}

export function parseCommit(sha: string, data: Buffer): Commit {
  const text = data.toString('utf8');
  const headerEnd = text.indexOf('\n\n');
  const header = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const message = headerEnd < 0 ? '' : text.slice(headerEnd + 2);
  let tree = '';
  const parents: string[] = [];
  let author = { name: '', email: '', time: 0 };
  let committerTime = 0;
  for (const line of header.split('\n')) {
    if (line.startsWith('tree ')) tree = line.slice(5, 45);
    else if (line.startsWith('parent ')) parents.push(line.slice(7, 47));
    else if (line.startsWith('author ')) author = parseIdentity(line.slice(7));
    else if (line.startsWith('committer ')) committerTime = parseIdentity(line.slice(10)).time;
  }
  return {
    sha,
    tree,
    parents,
    time: committerTime || author.time,
    info: {
      sha,
      author: author.name,
      email: author.email,
      date: new Date(author.time * 1000).toISOString().replace('.000Z', 'Z'),
      summary: message.split('\n', 1)[0] ?? '',
    },
  };
}

function parseIdentity(text: string): { name: string; email: string; time: number } {
  const match = /^(.*?) <([^>]*)> (\d+)/.exec(text);
  return match
    ? { name: match[1] ?? '', email: match[2] ?? '', time: Number(match[3]) }
    : { name: text, email: '', time: 0 };
}

export function parseTree(data: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    const nul = data.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > data.length) throw new Error('malformed tree');
    entries.push({
      mode: data.toString('latin1', offset, space),
      name: data.toString('utf8', space + 1, nul),
      oid: data.toString('hex', nul + 1, nul + 21),
    });
    offset = nul + 21;
  }
  return entries;
}

/** The object an annotated tag points at. */
export function parseTagTarget(data: Buffer): { oid: string; type: string } {
  const text = data.toString('latin1', 0, Math.min(data.length, 200));
  const oid = /^object ([0-9a-f]{40})/m.exec(text)?.[1] ?? '';
  const type = /^type (\w+)/m.exec(text)?.[1] ?? '';
  return { oid, type };
}

export const isBlobMode = (mode: string) => mode === '100644' || mode === '100755' || mode === '100664';
export const isTreeMode = (mode: string) => mode === '40000' || mode === '040000';
export const isSubmoduleMode = (mode: string) => mode === '160000';
