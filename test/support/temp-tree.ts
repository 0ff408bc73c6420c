import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A throwaway directory tree for one test file; `write` takes paths relative to it. */
export class TempTree {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'keysweep-test-'));

  write(relative: string, content: string | Buffer): string {
    const file = path.join(this.root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  }

  path(relative = ''): string {
    return path.join(this.root, relative);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
