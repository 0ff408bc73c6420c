import fs from 'node:fs';
import path from 'node:path';

/**
 * The object directories a repository reads from: its own `objects`, then those listed in
 * `objects/info/alternates` (one per line, relative paths against the directory holding the file, `#`
 * comments, C-quoted lines for odd names), recursively to git's depth limit of five. A directory is read
 * once however often it is listed, and a listed directory that does not exist is skipped, as git does
 * (with a warning there, silently here: its objects are then simply absent).
 */

const MAX_DEPTH = 5;

export interface ObjectDirectory {
  readonly path: string;
  /** How error messages name files in it: `objects` for the repository's own, else the full path. */
  readonly display: string;
}

export async function objectDirectories(objects: string): Promise<ObjectDirectory[]> {
  const found: ObjectDirectory[] = [{ path: objects, display: 'objects' }];
  const seen = new Set([await realpath(objects)]);
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    for (const listed of await readAlternates(dir)) {
      const resolved = path.resolve(dir, listed);
      const real = await realpath(resolved);
      if (real === undefined || seen.has(real)) continue;
      seen.add(real);
      found.push({ path: resolved, display: resolved });
      await visit(resolved, depth + 1);
    }
  };
  await visit(objects, 1);
  return found;
}

async function readAlternates(objects: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(path.join(objects, 'info', 'alternates'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => (line.startsWith('"') ? unquote(line) : line));
}

/** Undoes git's C-style path quoting: `"dir\\twith\\ttabs"`, octal escapes for other bytes. */
function unquote(quoted: string): string {
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '"': 34, '\\': 92 };
  const raw = Buffer.from(quoted.slice(1, quoted.lastIndexOf('"') > 0 ? quoted.lastIndexOf('"') : undefined));
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] as number;
    if (byte !== 92 || i + 1 >= raw.length) {
      bytes.push(byte);
      continue;
    }
    const next = String.fromCharCode(raw[i + 1] as number);
    const octal = /^[0-7]{3}$/.exec(raw.toString('latin1', i + 1, i + 4));
    if (octal) {
      bytes.push(Number.parseInt(octal[0], 8) & 0xff);
      i += 3;
    } else {
      bytes.push(simple[next] ?? (raw[i + 1] as number));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

async function realpath(dir: string): Promise<string | undefined> {
  try {
    return await fs.promises.realpath(dir);
  } catch {
    return undefined;
  }
}
