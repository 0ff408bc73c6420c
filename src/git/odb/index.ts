/**
 * keysweep's own read-only git object store, for full-history sweeps: packs read by range with
 * `node:zlib`, loose objects, alternates and a byte-bounded delta-base cache. isomorphic-git reads only
 * the odd commit for git/repo.ts; for bulk reads it is many times slower (a filesystem probe per object,
 * pure-JS inflate).
 */
export { CorruptObjectError } from './errors';
export { ObjectStore } from './store';
export type { GitObject, ObjectType } from './types';
export { TOO_LARGE } from './types';
