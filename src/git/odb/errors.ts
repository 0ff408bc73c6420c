/**
 * Errors of the object store. `CorruptObjectError` is what callers see: an object the store knows about
 * but cannot read. Its message names the object and the file the damage was found in (a base of a delta
 * may live in another file than the object itself), never the object's contents, which may be a secret.
 *
 * `Damage` is internal: the low-level readers know the file and the problem but not which object the
 * caller asked for, so they throw `Damage` and the store turns it into a `CorruptObjectError`.
 */

export class CorruptObjectError extends Error {
  readonly oid: string;

  constructor(oid: string, file: string, problem: string, options?: { cause?: unknown }) {
    super(`object ${oid} in ${file}: ${problem}`, options);
    this.name = 'CorruptObjectError';
    this.oid = oid;
  }
}

export class Damage extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    cause?: unknown,
  ) {
    super(`${file}: ${problem}`, cause === undefined ? undefined : { cause });
    this.name = 'Damage';
  }
}
