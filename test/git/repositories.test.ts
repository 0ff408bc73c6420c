import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeKeys } from '../support/fake-keys';
import { GitRepo } from '../support/git-repo';
import { runCli } from '../support/run-cli';
import { TempTree } from '../support/temp-tree';

/**
 * Repositories as they are found in the wild, written by the real git binary: bare, linked worktrees,
 * shallow clones, submodules, LFS pointers, oversized blobs, and damaged objects. keysweep reads them all
 * without a git binary; the one used here only builds them.
 */
const keys = new FakeKeys(23);
const leaked = { id: keys.keyId(), secret: keys.secret() };
const other = { id: keys.keyId(), secret: keys.secret() };
const envFile = (key: { id: string; secret: string }) =>
  `AWS_ACCESS_KEY_ID=${key.id}\nAWS_SECRET_ACCESS_KEY=${key.secret}\n`;

interface Report {
  findings: { file: string; ruleId: string; secret: string; commit?: { sha: string } }[];
  stats: Record<string, unknown> & { skipped: Record<string, number> };
}

async function json(args: string[]): Promise<{ code: number; stderr: string; report: Report }> {
  const result = await runCli([...args, '--format', 'json', '--no-redact']);
  return { code: result.code, stderr: result.stderr, report: JSON.parse(result.stdout || 'null') };
}

/** A repository whose key was committed, then deleted. */
function leakedThenDeleted(): { repo: GitRepo; leak: string } {
  const repo = new GitRepo();
  repo.commit('skeleton', { 'README.md': '# service\n' });
  const leak = repo.commit('add credentials', { 'config/.env': envFile(leaked) });
  repo.commit('remove credentials', {}, ['config/.env']);
  return { repo, leak };
}

const secretsOf = (report: Report) => report.findings.map((finding) => finding.secret).sort();

test('a bare repository is swept through its refs; staged says it has no index', async () => {
  const { repo, leak } = leakedThenDeleted();
  const clones = new TempTree();
  try {
    repo.git('clone', '-q', '--bare', repo.root, clones.path('bare.git'));
    const { code, report } = await json(['history', clones.path('bare.git')]);
    expect(code).toBe(1);
    expect(secretsOf(report)).toEqual([leaked.id, leaked.secret].sort());
    expect(report.findings[0]?.commit?.sha).toBe(leak);

    const staged = await runCli(['staged', clones.path('bare.git')]);
    expect(staged.code).toBe(2);
    expect(staged.stderr).toMatch(/^keysweep: .*bare\.git: a bare repository has no index\n$/);
  } finally {
    repo.remove();
    clones.remove();
  }
});

test('a linked worktree (a .git file) is read through its common directory, with its own index', async () => {
  const { repo } = leakedThenDeleted();
  const place = new TempTree();
  try {
    const worktree = place.path('wt');
    repo.git('worktree', 'add', '-q', '-b', 'topic', worktree);
    expect(readFileSync(path.join(worktree, '.git'), 'utf8')).toMatch(/^gitdir: /);

    const history = await json(['history', worktree]);
    expect(secretsOf(history.report)).toEqual([leaked.id, leaked.secret].sort());

    writeFileSync(path.join(worktree, 'new.env'), envFile(other));
    repo.git('-C', worktree, 'add', 'new.env');
    const staged = await json(['staged', worktree]);
    expect(secretsOf(staged.report)).toEqual([other.id, other.secret].sort());
    // the main checkout's index is its own: nothing staged there
    expect((await json(['staged', repo.root])).code).toBe(0);
  } finally {
    repo.remove();
    place.remove();
  }
});

test('a shallow clone is swept as far as it goes and says so; a base outside it is exit 2', async () => {
  const { repo, leak } = leakedThenDeleted();
  repo.commit('add a second key', { 'deploy.env': envFile(other) });
  const clones = new TempTree();
  try {
    repo.git('clone', '-q', '--depth', '2', `file://${repo.root}`, clones.path('shallow'));
    const { code, report } = await json(['history', clones.path('shallow')]);
    expect(code).toBe(1);
    expect(report.stats.shallow).toBe(true);
    expect(report.stats.commits).toBe(2);
    expect(secretsOf(report)).toEqual([other.id, other.secret].sort()); // the first key is behind the boundary

    const text = await runCli(['history', clones.path('shallow')]);
    expect(text.stdout).toContain('shallow clone: history before its boundary is absent');

    const range = await runCli(['range', `${leak}..HEAD`, clones.path('shallow')]);
    expect(range.code).toBe(2);
    expect(range.stderr).toBe(
      `keysweep: commit ${leak.slice(0, 12)} not found (shallow clone? use fetch-depth: 0 on actions/checkout)\n`,
    );
  } finally {
    repo.remove();
    clones.remove();
  }
});

test('submodules are listed, not entered; LFS pointers are scanned as text; big blobs are counted', async () => {
  const repo = new GitRepo();
  try {
    const sub = repo.commit('skeleton', { 'README.md': '# x\n' });
    repo.write('.gitattributes', '*.bin filter=lfs diff=lfs merge=lfs -text\n');
    repo.write(
      'assets/model.bin',
      `version https://git-lfs.github.com/spec/v1\noid sha256:${'ab'.repeat(32)}\nsize 1048576\n`,
    );
    repo.write('data/big.env', `${'x'.repeat(2048)}\n${envFile(leaked)}`);
    repo.write('app.env', envFile(other));
    // `git -c filter.lfs.clean=cat`: the test machine need not have git-lfs; the pointer is written as is
    repo.git('-c', 'filter.lfs.clean=cat', 'add', '.');
    repo.git('update-index', '--add', '--cacheinfo', `160000,${sub},vendor/lib`);
    repo.git('commit', '-q', '-m', 'add a submodule, an LFS pointer and a big file');
    const { report } = await json(['history', repo.root, '--max-file-size', '1KB']);
    expect(report.stats.submodules).toEqual(['vendor/lib']);
    expect(report.stats.skipped.tooLarge).toBe(1);
    expect(report.stats.skipped.binary).toBe(0);
    expect(report.stats.files).toBe(4); // README, .gitattributes, the LFS pointer, app.env
    expect(secretsOf(report)).toEqual([other.id, other.secret].sort());

    const text = await runCli(['history', repo.root]);
    expect(text.stdout).toContain('submodules (not entered): vendor/lib');
  } finally {
    repo.remove();
  }
});

test('a path that is not a git repository is exit 2 with one line', async () => {
  const plain = new TempTree();
  try {
    plain.write('file.txt', 'hello\n');
    for (const command of ['history', 'staged']) {
      const result = await runCli([command, plain.root], { cwd: plain.root });
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(
        'keysweep: .: not a git repository (run it inside a repository, or name one)',
      );
    }
  } finally {
    plain.remove();
  }
});

/** The loose-object file of an object id. */
const looseFile = (repo: GitRepo, oid: string) =>
  repo.path(`.git/objects/${oid.slice(0, 2)}/${oid.slice(2)}`);

function corrupt(file: string): void {
  chmodSync(file, 0o644);
  writeFileSync(file, Buffer.from('this is not zlib data'));
}

test('a corrupt loose blob is named and counted; the sweep goes on and finds the rest', async () => {
  const repo = new GitRepo();
  try {
    repo.commit('add files', { 'notes.txt': 'just notes\n', 'app.env': envFile(other) });
    const notes = repo.git('rev-parse', 'HEAD:notes.txt');
    corrupt(looseFile(repo, notes));
    const { code, stderr, report } = await json(['history', repo.root]);
    expect(secretsOf(report)).toEqual([other.id, other.secret].sort());
    expect(report.stats.skipped.unreadable).toBe(1);
    expect(stderr).toContain(`object ${notes}`);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(code).toBe(1); // findings decide the exit code; with none it is 2, as below
  } finally {
    repo.remove();
  }
});

test('a corrupt tree or commit is named, exit 2, and the commits around it are still swept', async () => {
  const repo = new GitRepo();
  try {
    const first = repo.commit('first', { 'a/one.txt': 'one\n' });
    const second = repo.commit('second', { 'b/two.txt': 'two\n' });
    repo.commit('third', { 'c/three.txt': 'three\n' });
    const subtree = repo.git('rev-parse', `${second}:b`);
    corrupt(looseFile(repo, subtree));
    const damagedTree = await json(['history', repo.root]);
    expect(damagedTree.code).toBe(2);
    expect(damagedTree.stderr).toContain(`tree ${subtree} at b/`);
    expect(damagedTree.report.stats.commits).toBe(3);
    expect(damagedTree.report.stats.skipped.unreadable).toBe(1);

    corrupt(looseFile(repo, first));
    const damagedCommit = await json(['history', repo.root]);
    expect(damagedCommit.code).toBe(2);
    expect(damagedCommit.stderr).toContain(`(commit ${first})`);
    expect(damagedCommit.report.stats.commits).toBe(2);
  } finally {
    repo.remove();
  }
});

test('a corrupt tree in a pack is named by its id, exit 2, and the commits around it are still swept', async () => {
  const repo = new GitRepo();
  try {
    repo.commit('first', { 'a/one.txt': 'one\n' });
    const second = repo.commit('second', { 'b/two.txt': 'two\n' });
    repo.commit('third', { 'c/three.txt': 'three\n' });
    const subtree = repo.git('rev-parse', `${second}:b`);
    repo.git('gc', '-q', '--prune=now');
    const packDir = repo.path('.git/objects/pack');
    const idx = readdirSync(packDir).find((name) => name.endsWith('.idx')) as string;
    // `git show-index` lists "<offset> <id> (<crc>)" per entry
    const listing = execFileSync('git', ['show-index'], { input: readFileSync(path.join(packDir, idx)) });
    const line = listing
      .toString()
      .split('\n')
      .find((entry) => entry.includes(` ${subtree} `)) as string;
    const pack = path.join(packDir, idx.replace(/\.idx$/, '.pack'));
    chmodSync(pack, 0o644);
    const bytes = readFileSync(pack);
    const offset = Number(line.split(' ')[0]);
    bytes[offset + 3] = (bytes[offset + 3] as number) ^ 0xff; // inside the entry's zlib stream
    writeFileSync(pack, bytes);
    const { code, stderr, report } = await json(['history', repo.root]);
    expect(code).toBe(2);
    expect(stderr).toContain(`tree ${subtree} at b/`);
    expect(stderr).toContain(`object ${subtree} in`);
    expect(report.stats.commits).toBe(3);
    expect(report.stats.skipped.unreadable).toBe(1);
  } finally {
    repo.remove();
  }
});

test('a tree whose entries are malformed is named; the entries before the damage and other commits are swept', async () => {
  const repo = new GitRepo();
  try {
    repo.commit('good', { 'app.env': envFile(other) });
    const blob = repo.git('rev-parse', 'HEAD:app.env');
    // a well-formed entry, then one cut off inside its id (git hash-object --literally takes anything)
    const entry = Buffer.concat([Buffer.from('100644 kept.env\0'), Buffer.from(blob, 'hex')]);
    const broken = Buffer.concat([
      entry,
      Buffer.from('100644 cut.env\0'),
      Buffer.from(blob, 'hex').subarray(0, 7),
    ]);
    const treeFile = repo.write('broken-tree', broken);
    const tree = repo.git('hash-object', '-t', 'tree', '--literally', '-w', treeFile);
    const commit = repo.git('commit-tree', tree, '-p', 'HEAD', '-m', 'bad tree');
    repo.git('update-ref', 'refs/heads/broken', commit);
    const { code, stderr, report } = await json(['history', repo.root]);
    expect(code).toBe(1); // findings outrank the damage; with none it would be 2
    expect(stderr).toContain(`keysweep: (tree ${tree} at /): malformed tree entry\n`);
    expect(report.stats.skipped.unreadable).toBe(1);
    expect(report.stats.commits).toBe(2);
    // the blob is found once (first seen in the good commit), at its path there
    expect(new Set(report.findings.map((f: { file: string }) => f.file))).toEqual(new Set(['app.env']));
  } finally {
    repo.remove();
  }
});

test('a truncated packfile is named and exit 2; nothing is silently lost', async () => {
  const repo = new GitRepo();
  try {
    repo.commit('add files', { 'notes.txt': 'just notes\n'.repeat(200), 'app.env': envFile(other) });
    repo.git('gc', '-q', '--prune=now');
    const packDir = repo.path('.git/objects/pack');
    const pack = readdirSync(packDir).find((name) => name.endsWith('.pack')) as string;
    const file = path.join(packDir, pack);
    chmodSync(file, 0o644);
    truncateSync(file, 200);
    const { code, stderr, report } = await json(['history', repo.root]);
    expect(code).toBe(2);
    expect(stderr).toContain(pack);
    expect(report.stats.skipped.unreadable).toBeGreaterThan(0);
  } finally {
    repo.remove();
  }
});

test('the stash and remote-tracking refs are swept; --all-objects adds dangling blobs, labelled unreachable', async () => {
  const repo = new GitRepo();
  const work = new GitRepo();
  try {
    repo.commit('skeleton', { 'README.md': '# x\n', 'app.env': 'REGION=eu-west-1\n' });
    repo.git('checkout', '-q', '-b', 'topic');
    repo.commit('deploy key on a branch', { 'deploy.env': envFile(other) });
    repo.git('checkout', '-q', 'main');
    repo.write('app.env', envFile(leaked));
    repo.git('stash', '-q'); // this key now lives only in refs/stash
    const dangling = keys.keyId();
    const blob = repo.git('hash-object', '-w', repo.write('loose.txt', `id=${dangling}\n`));

    // a clone that has the branch only as a remote-tracking ref
    work.git('remote', 'add', 'origin', repo.root);
    work.git('fetch', '-q', 'origin', 'topic');
    const remote = await json(['history', work.root]);
    expect(secretsOf(remote.report)).toEqual([other.id, other.secret].sort());
    expect((remote.report.findings[0] as unknown as { refs: string[] }).refs).toEqual([
      'refs/remotes/origin/topic',
    ]);

    const swept = await json(['history', repo.root]);
    const stashed = swept.report.findings.filter((f) => f.file === 'app.env');
    expect(stashed.map((f) => f.secret).sort()).toEqual([leaked.id, leaked.secret].sort());
    expect((stashed[0] as unknown as { refs: string[] }).refs).toEqual(['refs/stash']);
    expect(swept.report.findings.some((f) => f.secret === dangling)).toBe(false);

    const all = await json(['history', repo.root, '--all-objects']);
    const found = all.report.findings.find((f) => f.secret === dangling);
    expect(found).toMatchObject({ file: `(unreachable)/${blob}`, unreachable: true, commit: null });
  } finally {
    repo.remove();
    work.remove();
  }
});
