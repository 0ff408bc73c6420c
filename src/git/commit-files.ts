import path from 'node:path';
import { missingFile, type ReadText, readFromDisk } from '../config/read-text';
import type { Trees } from './trees';

/**
 * Settings files as a commit has them. Files inside the working tree are read from the commit (a file
 * the commit lacks is missing, whatever the working tree holds); files outside it from disk. Blobs are
 * read ahead (`load`), because config loading is synchronous and git reads are not.
 */
export class CommitFiles {
  private readonly texts = new Map<string, string | null>();

  constructor(
    private readonly trees: Trees,
    private readonly worktree: string,
    private readonly tree: string,
  ) {}

  static async at(trees: Trees, worktree: string, commit: string): Promise<CommitFiles> {
    return new CommitFiles(trees, worktree, (await trees.commit(commit)).tree);
  }

  /** Reads `file` from the commit now, if it lies inside the working tree. */
  async load(file: string | undefined): Promise<void> {
    const inside = file ? this.inside(file) : undefined;
    if (!file || inside === undefined || this.texts.has(file)) return;
    const oid = await this.trees.blobAt(this.tree, inside);
    const object = oid ? await this.trees.objects.read(oid) : undefined;
    this.texts.set(file, object ? object.data.toString('utf8') : null);
  }

  readonly read: ReadText = (file) => {
    if (this.inside(file) === undefined) return readFromDisk(file);
    const text = this.texts.get(file);
    if (text === undefined) throw new Error(`${file}: not loaded from the commit`);
    if (text === null) throw missingFile(file);
    return text;
  };

  /** The path relative to the working tree with forward slashes, or undefined if outside it. */
  private inside(file: string): string | undefined {
    const relative = path.relative(this.worktree, file);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join('/');
  }
}
