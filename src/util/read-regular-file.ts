import * as fs from 'node:fs';

/**
 * Reads a settings or rules file that must be a regular file. A plain readFileSync of a FIFO blocks
 * until something writes to it, so a scanned repository could hang the scan with a FIFO named
 * `.gitignore` or `.keysweep.yaml`. Opening with O_NONBLOCK never blocks, and fstat on the open
 * descriptor (not a stat before the open, which a swap could race) rejects anything but a regular file.
 * Errors look like readFileSync's: they carry a `code` (ENOENT, EACCES, …), here NOT_A_REGULAR_FILE
 * for a FIFO, socket, device or directory, which callers print as it is.
 */
export const NOT_A_REGULAR_FILE = 'not a regular file';

const FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

export function readRegularFileSync(file: string): Buffer;
export function readRegularFileSync(file: string, encoding: 'utf8'): string;
export function readRegularFileSync(file: string, encoding?: 'utf8'): Buffer | string {
  const fd = fs.openSync(file, FLAGS);
  try {
    if (!fs.fstatSync(fd).isFile())
      throw Object.assign(new Error(`${file}: ${NOT_A_REGULAR_FILE}`), { code: NOT_A_REGULAR_FILE });
    return encoding ? fs.readFileSync(fd, encoding) : fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
