import fs from 'node:fs';
import path from 'node:path';
import { Damage } from './errors';
import { inflateExact, inflatePrefix } from './inflate';
import { type GitObject, isObjectType, type ObjectType } from './types';

/**
 * Loose objects: one zlib stream per object at `objects/xx/yyyy…`, inflating to `<type> <size>\0` and the
 * content. Each fan-out directory is listed once, the first time an id in it is asked about, so `has`
 * costs no filesystem call after that and a sweep lists at most 256 directories; like the packs, the
 * listing is a snapshot, and objects written later may be missed.
 */

/** `blob 18446744073709551615\0` is the longest header possible. */
const MAX_HEADER = 32;
const HEX38 = /^[0-9a-f]{38}$/;

interface Header {
  readonly type: ObjectType;
  readonly size: number;
  /** Bytes of inflated data the header takes, NUL included. */
  readonly length: number;
}

export class LooseObjects {
  private readonly listings = new Map<string, Set<string>>();

  /** `display` names the objects directory in error messages (`objects`, or an alternate's path). */
  constructor(
    private readonly dir: string,
    private readonly display: string,
  ) {}

  has(oid: string): boolean {
    return this.listing(oid.slice(0, 2)).has(oid.slice(2));
  }

  read(oid: string): GitObject | undefined {
    if (!this.has(oid)) return undefined;
    let file: Buffer;
    try {
      file = fs.readFileSync(this.file(oid));
    } catch (error) {
      if (isMissing(error)) return undefined; // removed (by gc, say) since the directory was listed
      throw error;
    }
    // The header comes first so that the whole object is inflated knowing its size.
    const header = findHeader((length) => file.subarray(0, length));
    if (typeof header === 'string') throw new Damage(this.name(oid), header);
    const inflated = inflateExact(file, header.length + header.size, header.length);
    if (!inflated.ok) throw new Damage(this.name(oid), inflated.problem, inflated.cause);
    return { type: header.type, data: inflated.data.subarray(header.length) };
  }

  /** Type and size from the header, inflating only a prefix of the file. */
  info(oid: string): { type: ObjectType; size: number } | undefined {
    if (!this.has(oid)) return undefined;
    let fd: number;
    try {
      fd = fs.openSync(this.file(oid), 'r');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      const header = findHeader((length) => {
        const prefix = Buffer.allocUnsafe(length);
        return prefix.subarray(0, fs.readSync(fd, prefix, 0, length, 0));
      });
      if (typeof header === 'string') throw new Damage(this.name(oid), header);
      return { type: header.type, size: header.size };
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Every loose object id (lists all 256 fan-out directories). */
  ids(): string[] {
    const ids: string[] = [];
    for (let i = 0; i < 256; i++) {
      const prefix = i.toString(16).padStart(2, '0');
      for (const rest of this.listing(prefix)) ids.push(prefix + rest);
    }
    return ids;
  }

  private listing(prefix: string): Set<string> {
    let names = this.listings.get(prefix);
    if (!names) {
      names = new Set();
      try {
        for (const name of fs.readdirSync(path.join(this.dir, prefix))) if (HEX38.test(name)) names.add(name);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      this.listings.set(prefix, names);
    }
    return names;
  }

  private file(oid: string): string {
    return path.join(this.dir, oid.slice(0, 2), oid.slice(2));
  }

  private name(oid: string): string {
    return `${this.display}/${oid.slice(0, 2)}/${oid.slice(2)}`;
  }
}

/**
 * The header, from the shortest prefix of the file that holds it. A dynamic-Huffman block may spend ~300
 * bytes on code tables before its first output byte, so 1 KiB of a valid stream always holds the header.
 */
function findHeader(prefixOf: (length: number) => Buffer): Header | string {
  let header: Header | string = 'empty file';
  for (const length of [64, 1024]) {
    const prefix = prefixOf(length);
    header = parseHeader(inflatePrefix(prefix));
    if (typeof header !== 'string' || prefix.length < length) break;
  }
  return header;
}

/** The header at the start of `inflated`, or a description of what is wrong with it. */
function parseHeader(inflated: Buffer | undefined): Header | string {
  if (inflated === undefined) return 'invalid zlib data';
  const nul = inflated.indexOf(0);
  if (nul < 0)
    return inflated.length >= MAX_HEADER ? 'bad loose object header' : 'loose object header is cut short';
  const match = /^([a-z]+) (0|[1-9][0-9]{0,15})$/.exec(
    inflated.toString('latin1', 0, Math.min(nul, MAX_HEADER)),
  );
  const type = match?.[1];
  const size = Number(match?.[2]);
  if (type === undefined || !isObjectType(type) || !Number.isSafeInteger(size) || nul >= MAX_HEADER)
    return 'bad loose object header';
  return { type, size, length: nul + 1 };
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
