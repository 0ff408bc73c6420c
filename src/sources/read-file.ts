import * as fs from 'node:fs';
import type { SkipReason } from '../types';
import type { FileItem, LoadItem, SkipItem } from './source';

/**
 * Reading one working-tree file for a `load` item, the same way in either thread: open without
 * following a swap to a FIFO (O_NONBLOCK: open must not hang), check on the open descriptor that it is
 * still a regular file within the size limit, read it whole. Any failure is an `unreadable` skip naming
 * the error code. The scan loop reads asynchronously (many reads in flight); a worker thread, which does
 * nothing else meanwhile, reads synchronously, which costs a fraction of the CPU time per file. The two
 * must give the same item for the same file.
 */
type FileSpec = Extract<LoadItem['spec'], { from: 'file' }>;

const FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

export async function readFileItem(item: LoadItem, spec: FileSpec): Promise<FileItem | SkipItem> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(pathOf(spec), FLAGS);
    const stat = await handle.stat();
    if (!stat.isFile()) return skip(item, 'special');
    if (stat.size > spec.maxFileSize) return skip(item, 'tooLarge');
    return { kind: 'file', provenance: item.provenance, bytes: await handle.readFile() };
  } catch (error) {
    return skip(item, 'unreadable', `cannot read file (${code(error)})`);
  } finally {
    await handle?.close();
  }
}

export function readFileItemSync(item: LoadItem, spec: FileSpec): FileItem | SkipItem {
  let fd: number | undefined;
  try {
    fd = fs.openSync(pathOf(spec), FLAGS);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return skip(item, 'special');
    if (stat.size > spec.maxFileSize) return skip(item, 'tooLarge');
    return { kind: 'file', provenance: item.provenance, bytes: fs.readFileSync(fd) };
  } catch (error) {
    return skip(item, 'unreadable', `cannot read file (${code(error)})`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** A path given as bytes arrives from a worker's message as a plain Uint8Array, which fs's types refuse. */
function pathOf(spec: FileSpec): fs.PathLike {
  const { absolute } = spec;
  return typeof absolute === 'string'
    ? absolute
    : Buffer.from(absolute.buffer, absolute.byteOffset, absolute.length);
}

function skip(item: LoadItem, reason: SkipReason, detail?: string): SkipItem {
  return { kind: 'skip', path: item.provenance.path, reason, ...(detail ? { detail } : {}) };
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
