import fs from 'node:fs';

/** The `code` of the error for a FIFO, socket, device or directory (callers print codes as they are). */
const NOT_A_REGULAR_FILE = 'not a regular file';

const FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

/**
 * Reads a small file that must be a regular file: settings, rules and ignore files, and git's own refs,
 * HEAD and index. A plain readFileSync of a FIFO blocks until something writes to it, so a scanned
 * repository could hang the scan with a FIFO named `.gitignore`, `.keysweep.yaml` or `packed-refs`. Opening with O_NONBLOCK never blocks, and fstat on the open
 * descriptor (not a stat before the open, which a swap could race) rejects anything but a regular file.
 * Errors look like readFileSync's: they carry a `code` (ENOENT, EACCES, …), here NOT_A_REGULAR_FILE
 * for a FIFO, socket, device or directory, which callers print as it is.
 */
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
