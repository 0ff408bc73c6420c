/**
 * The object model shared by the object store's modules: the four object types, the object itself, and
 * the numeric type codes a pack entry's header uses. Object ids are SHA-1 only (40 hex digits); SHA-256
 * repositories are refused when the store is opened.
 */

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface GitObject {
  readonly type: ObjectType;
  /**
   * The object's content. Read-only in fact, not only in type: the store may hand the same buffer to
   * later reads and build other objects from it, so copy it before modifying (or wiping) it.
   */
  readonly data: Buffer;
}

/** Pack entry type codes (`OBJ_*` in git); 0 and 5 are invalid, 6 and 7 are deltas. */
export const PACK_TYPES: readonly (ObjectType | undefined)[] = [
  undefined,
  'commit',
  'tree',
  'blob',
  'tag',
  undefined,
];
/** What a read with a size limit gives for an object over it (ObjectStore.readUpTo). */
export const TOO_LARGE: unique symbol = Symbol('over the size limit');
export const OFS_DELTA = 6;
export const REF_DELTA = 7;

export const OID_BYTES = 20;
/**
 * The 20 bytes of a 40-digit hex object id, written into `into` (by default a new buffer). Anything else
 * is a caller's bug, not an absent object, so it throws rather than answering "not found". (Node's hex
 * decoding stops at the first non-hex digit, which makes the count of bytes written a full validation,
 * in one pass.)
 */
export function oidBytes(oid: string, into = Buffer.allocUnsafe(OID_BYTES)): Buffer {
  if (oid.length !== 2 * OID_BYTES || into.write(oid, 'hex') !== OID_BYTES)
    throw new TypeError(`not a SHA-1 object id: "${oid.slice(0, 80)}"`);
  return into;
}

/** The hex id of the 20 raw bytes at `at` of `bytes` (a tree entry's id): `oidBytes` the other way. */
export function oidHexAt(bytes: Uint8Array, at: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + at, OID_BYTES).toString('hex');
}

export function isObjectType(name: string): name is ObjectType {
  return name === 'commit' || name === 'tree' || name === 'blob' || name === 'tag';
}
