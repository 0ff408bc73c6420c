import { TOO_LARGE } from '../git/odb/types';
import type { FileItem, LoadItem, SkipItem } from './source';

/**
 * Reading one blob for a `load` item of a history sweep, the same way in either thread: a blob over the
 * size limit is skipped without being built (its size is in its pack entry's header, or its delta's), a
 * missing one or one that cannot be read (a corrupt pack or loose object) is an `unreadable` skip with
 * the reason.
 */
type BlobSpec = Extract<LoadItem['spec'], { from: 'blob' }>;

export interface BlobReader {
  /** The object, undefined when it is missing, TOO_LARGE when it is over `maxSize` bytes. */
  readUpTo(oid: string, maxSize: number): { readonly data: Buffer } | undefined | typeof TOO_LARGE;
}

export function readBlobItem(objects: BlobReader, item: LoadItem, spec: BlobSpec): FileItem | SkipItem {
  const path = item.provenance.path;
  try {
    const object = objects.readUpTo(spec.oid, spec.maxFileSize);
    if (object === TOO_LARGE) return { kind: 'skip', path, reason: 'tooLarge' };
    if (!object)
      return { kind: 'skip', path, reason: 'unreadable', detail: `blob ${spec.oid.slice(0, 12)} is missing` };
    return { kind: 'file', provenance: item.provenance, bytes: object.data };
  } catch (error) {
    return { kind: 'skip', path, reason: 'unreadable', detail: (error as Error).message };
  }
}
