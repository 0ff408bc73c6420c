import fs from 'node:fs';

/**
 * Reads `length` bytes of the open file `fd` from `position` into `into` at `at`, as many calls as the
 * kernel needs; fewer only at the file's end. Returns how many were read. (`fs.readSync` may return
 * less than asked for; every positioned read here wants all of it, or to know where the file ended.)
 */
export function readAt(fd: number, into: Uint8Array, at: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const read = fs.readSync(fd, into, at + done, length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return done;
}
