import { readRegularFileSync } from '../util/read-regular-file';

/**
 * How settings files (config, baseline) are read: from disk, or — for a commit range — as the BASE
 * commit has them, so that a pull request cannot relax the checks it is judged by. A reader throws
 * like `readFileSync` does (an error with a `code`, ENOENT for a missing file); a FIFO or device is
 * refused, never waited on.
 */
export type ReadText = (file: string) => string;

export const readFromDisk: ReadText = (file) => readRegularFileSync(file, 'utf8');

export function missingFile(file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such file, ${file}`), { code: 'ENOENT' });
}
