import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { expandFakes } from './fake-keys';
import {
  type Changes,
  type CommitStep,
  type HistoryPlan,
  type LargeFile,
  type MergeStep,
  type Step,
  validatePlan,
} from './history-plan';

/**
 * Builds a git repository from a plan (`history-plan.ts`) with isomorphic-git, never the git binary, so
 * tests, `npm run fixture:history` and `npm run demo` get the same history everywhere: every commit has a
 * fixed author and committer and a timestamp derived from its position in the plan, so commit ids are
 * identical on every run and machine. Key material comes from `{{fake:KIND:N}}` tokens (see
 * `fake-keys.ts`), expanded with one seed; every value used is returned, so a test knows what a sweep
 * must find. The repository is non-bare and, after every step, its working tree and index match HEAD.
 */
export type { HistoryPlan, Step } from './history-plan';

export interface BuiltHistory {
  /** Commit message (the step's name) → commit id. */
  readonly commits: Record<string, string>;
  /** Token (`aws-key-id:1`) → the raw value it expanded to (before any `|json` / `|url` escaping). */
  readonly secrets: Record<string, string>;
  /** The commit HEAD points at after the last step. */
  readonly head: string;
}

/** 2024-01-01T00:00:00Z: commit i (0-based, in plan order) is made at FIXTURE_EPOCH + i * 60. */
export const FIXTURE_EPOCH = 1704067200;
export const FIXTURE_IDENTITY = { name: 'Keysweep Fixture', email: 'fixture@keysweep.invalid' } as const;
/** What `writeBinary` puts before the text: NUL first, so every binary check (git's, keysweep's) fires. */
export const BINARY_HEADER: Buffer = Buffer.from([0x00, 0x4b, 0x53, 0x42, 0x49, 0x4e, 0x01, 0x00]);

const TOKEN = /\{\{fake:([a-z-]+):(-?\d+)(?:\|[a-z]+)?\}\}/g;

export async function buildHistory(
  dir: string,
  plan: HistoryPlan,
  options: { seed?: number } = {},
): Promise<BuiltHistory> {
  validatePlan(plan);
  const builder = new Builder(dir, options.seed ?? 1);
  await git.init({ fs, dir, defaultBranch: 'main' });
  for (const [i, step] of plan.steps.entries()) {
    try {
      await builder.run(step);
    } catch (error) {
      throw new Error(`step ${i} (${describe(step)}): ${(error as Error).message}`, { cause: error });
    }
  }
  return {
    commits: builder.commits,
    secrets: builder.secrets,
    head: await git.resolveRef({ fs, dir, ref: 'HEAD' }),
  };
}

function describe(step: Step): string {
  if ('merge' in step) return `merge ${step.merge}`;
  if ('commit' in step) return `commit "${step.commit}"`;
  if ('tag' in step) return `tag ${step.tag}`;
  if ('checkout' in step) return `checkout ${step.checkout}`;
  return `deleteBranch ${step.deleteBranch}`;
}

class Builder {
  readonly commits: Record<string, string> = {};
  readonly secrets: Record<string, string> = {};
  /** isomorphic-git's object cache, shared by every call on this repository. */
  private readonly cache = {};
  private commitCount = 0;

  constructor(
    private readonly dir: string,
    private readonly seed: number,
  ) {}

  async run(step: Step): Promise<void> {
    if ('merge' in step) return this.merge(step);
    if ('commit' in step) return this.commit(step);
    if ('tag' in step) return this.tag(step.tag, step.annotated === true);
    if ('checkout' in step) return this.checkout(step.checkout);
    return this.deleteBranch(step.deleteBranch);
  }

  private async commit(step: CommitStep): Promise<void> {
    if (step.branch !== undefined) await this.switchTo(step.branch);
    for (const [from, to] of Object.entries(step.rename ?? {})) {
      const content = fs.readFileSync(this.existing(from));
      await this.remove(from);
      await this.write(to, content);
    }
    await this.apply(step);
    for (const [file, text] of Object.entries(step.writeBinary ?? {})) {
      await this.write(file, Buffer.concat([BINARY_HEADER, Buffer.from(this.expand(text))]));
    }
    for (const [file, large] of Object.entries(step.writeLarge ?? {})) {
      await this.write(file, padded(this.expand(large.text), large));
    }
    await this.record(step.commit);
  }

  /**
   * A merge commit made by hand (isomorphic-git's `merge` cannot put the step's own changes, its
   * "resolution", into the merge commit): the current tree, plus every file the merged branch changed
   * since the merge base, plus the step's own changes, committed with both parents. Plans must not
   * change one path on both sides.
   */
  private async merge(step: MergeStep): Promise<void> {
    const { dir, cache } = this;
    const ours = await git.resolveRef({ fs, dir, ref: 'HEAD' });
    const theirs = await git.resolveRef({ fs, dir, ref: step.merge });
    const [base] = await git.findMergeBase({ fs, dir, oids: [ours, theirs], cache });
    const baseFiles = base === undefined ? new Map<string, string>() : await this.treeFiles(base);
    const ourFiles = await this.treeFiles(ours);
    const theirFiles = await this.treeFiles(theirs);
    for (const file of new Set([...baseFiles.keys(), ...theirFiles.keys()])) {
      const [was, mine, theirsNow] = [baseFiles.get(file), ourFiles.get(file), theirFiles.get(file)];
      if (theirsNow === was || theirsNow === mine) continue;
      if (mine !== was)
        throw new Error(`both sides changed ${file}; plans must not need conflict resolution`);
      if (theirsNow === undefined) await this.remove(file);
      else await this.write(file, Buffer.from((await git.readBlob({ fs, dir, oid: theirsNow, cache })).blob));
    }
    await this.apply(step);
    await this.record(step.commit, [ours, theirs]);
  }

  private async tag(name: string, annotated: boolean): Promise<void> {
    const { dir } = this;
    if (!annotated) return git.tag({ fs, dir, ref: name });
    // Tagged half a minute after the latest commit, which keeps the tag object as stable as the commits.
    const tagger = { ...FIXTURE_IDENTITY, timestamp: timestamp(this.commitCount) - 30, timezoneOffset: 0 };
    await git.annotatedTag({ fs, dir, ref: name, message: name, tagger, cache: this.cache });
  }

  private async checkout(ref: string): Promise<void> {
    await git.checkout({ fs, dir: this.dir, ref, cache: this.cache });
    removeEmptyDirectories(this.dir);
  }

  private async deleteBranch(name: string): Promise<void> {
    if ((await git.currentBranch({ fs, dir: this.dir })) === name)
      throw new Error(`cannot delete the checked-out branch ${name}; check out another one first`);
    await git.deleteBranch({ fs, dir: this.dir, ref: name });
  }

  /** Checks out `branch`, creating it at the current HEAD commit (or as the unborn HEAD) if missing. */
  private async switchTo(branch: string): Promise<void> {
    const { dir } = this;
    if ((await git.currentBranch({ fs, dir, test: true })) === branch) return;
    if ((await git.listBranches({ fs, dir })).includes(branch)) return this.checkout(branch);
    if (this.commitCount === 0) {
      await git.writeRef({
        fs,
        dir,
        ref: 'HEAD',
        value: `refs/heads/${branch}`,
        symbolic: true,
        force: true,
      });
      return;
    }
    await git.branch({ fs, dir, ref: branch, checkout: true });
  }

  /** The shared part of commits and merges: `delete`, then `write`. */
  private async apply(changes: Changes): Promise<void> {
    for (const file of changes.delete ?? []) {
      this.existing(file);
      await this.remove(file);
    }
    for (const [file, text] of Object.entries(changes.write ?? {})) await this.write(file, this.expand(text));
  }

  private async record(message: string, parent?: string[]): Promise<void> {
    const signature = { ...FIXTURE_IDENTITY, timestamp: timestamp(this.commitCount), timezoneOffset: 0 };
    this.commits[message] = await git.commit({
      fs,
      dir: this.dir,
      message,
      author: signature,
      committer: signature,
      ...(parent ? { parent } : {}),
      cache: this.cache,
    });
    this.commitCount++;
  }

  private async write(file: string, content: string | Buffer): Promise<void> {
    const absolute = path.join(this.dir, file);
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    fs.writeFileSync(absolute, content);
    await git.add({ fs, dir: this.dir, filepath: file, cache: this.cache });
  }

  /** Deletes from the working tree and the index, and drops directories left empty. */
  private async remove(file: string): Promise<void> {
    fs.rmSync(path.join(this.dir, file));
    await git.remove({ fs, dir: this.dir, filepath: file, cache: this.cache });
    for (let parent = path.posix.dirname(file); parent !== '.'; parent = path.posix.dirname(parent)) {
      const absolute = path.join(this.dir, parent);
      if (fs.readdirSync(absolute).length > 0) break;
      fs.rmdirSync(absolute);
    }
  }

  /** The absolute path of a file the plan expects in the working tree; throws if it is not there. */
  private existing(file: string): string {
    const absolute = path.join(this.dir, file);
    if (!fs.existsSync(absolute)) throw new Error(`${file} does not exist at this point of the plan`);
    return absolute;
  }

  /** Expands fake tokens, remembering each token's raw value. */
  private expand(text: string): string {
    for (const [, kind, label] of text.matchAll(TOKEN)) {
      const token = `${kind}:${Number(label)}`;
      this.secrets[token] ??= expandFakes(`{{fake:${token}}}`, this.seed);
    }
    return expandFakes(text, this.seed);
  }

  /** Every blob of a commit's tree: path → blob id. */
  private async treeFiles(commit: string): Promise<Map<string, string>> {
    const files = new Map<string, string>();
    const walk = async (oid: string, prefix: string): Promise<void> => {
      const { tree } = await git.readTree({ fs, dir: this.dir, oid, cache: this.cache });
      for (const entry of tree) {
        if (entry.type === 'tree') await walk(entry.oid, `${prefix}${entry.path}/`);
        else files.set(`${prefix}${entry.path}`, entry.oid);
      }
    };
    await walk(commit, '');
    return files;
  }
}

/** isomorphic-git's checkout deletes files but leaves their emptied directories behind; git would not. */
function removeEmptyDirectories(directory: string, isRoot = true): boolean {
  let empty = true;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    if (isRoot && entry.name === '.git') empty = false;
    else if (!entry.isDirectory() || !removeEmptyDirectories(path.join(directory, entry.name), false))
      empty = false;
  }
  if (empty && !isRoot) fs.rmdirSync(directory);
  return empty;
}

function timestamp(commitIndex: number): number {
  return FIXTURE_EPOCH + commitIndex * 60;
}

/**
 * `text` and filler lines, exactly `padToBytes` bytes in all (or just `text` if it is already as long).
 * The filler is plain, low-entropy ASCII that no rule matches.
 */
export function padded(text: string, large: LargeFile): Buffer {
  if (Buffer.byteLength(text) >= large.padToBytes) return Buffer.from(text);
  const atEnd = large.at === 'end';
  const body = atEnd || text === '' || text.endsWith('\n') ? text : `${text}\n`;
  let missing = large.padToBytes - Buffer.byteLength(body);
  const lines: string[] = [];
  for (let n = 1; missing > 0; n++) {
    let line = `filler line ${String(n).padStart(7, '0')}: padding that makes this file large\n`;
    if (line.length > missing) line = `${'.'.repeat(missing - 1)}\n`;
    lines.push(line);
    missing -= line.length;
  }
  const filler = lines.join('');
  return Buffer.from(atEnd ? filler + body : body + filler);
}
