import type { FileItem, LoadItem, SkipItem } from './source';

/**
 * Reading one blob for a `load` item of a history sweep, the same way in either thread: a blob over the
 * size limit is skipped without being inflated (its size is in the pack entry's header), a missing one
 * or one that cannot be read (a corrupt pack or loose object) is an `unreadable` skip with the reason.
 */
type BlobSpec = Extract<LoadItem['spec'], { from: 'blob' }>;

export interface BlobReader {
  read(oid: string): Promise<{ readonly data: Buffer } | undefined>;
  info(oid: string): Promise<{ readonly size: number } | undefined>;
}

export async function readBlobItem(
  objects: BlobReader,
  item: LoadItem,
  spec: BlobSpec,
): Promise<FileItem | SkipItem> {
  const path = item.provenance.path;
  try {
    const info = await objects.info(spec.oid);
    if (info && info.size > spec.maxFileSize) return { kind: 'skip', path, reason: 'tooLarge' };
    const object = await objects.read(spec.oid);
    if (!object)
      return { kind: 'skip', path, reason: 'unreadable', detail: `blob ${spec.oid.slice(0, 12)} is missing` };
    return { kind: 'file', provenance: item.provenance, bytes: object.data };
  } catch (error) {
    return { kind: 'skip', path, reason: 'unreadable', detail: (error as Error).message };
  }
}
