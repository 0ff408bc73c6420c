import fs from 'node:fs';
import path from 'node:path';
import { ObjectStore } from '../../../../src/git/odb';
import { objectDirectories } from '../../../../src/git/odb/alternates';
import { TempTree } from '../../../support/temp-tree';
import { writeLoose } from './fixture';

describe('objects/info/alternates', () => {
  let tree: TempTree;

  beforeEach(() => {
    tree = new TempTree();
  });

  afterEach(() => tree.remove());

  it('follows relative, absolute and C-quoted entries, recursively, each directory once', async () => {
    const main = tree.path('main/objects');
    const quoted = tree.path('w\u00efth\ttab/objects'); // listed as "../../w\303\257th\ttab/objects"
    const absolute = tree.path('absolute/objects');
    const nested = tree.path('nested/objects');
    const ids = [main, quoted, absolute, nested].map((dir) => writeLoose(dir, 'blob', Buffer.from(dir)));
    tree.write(
      'main/objects/info/alternates',
      `# a comment\n"../../w\\303\\257th\\ttab/objects"\n${absolute}\r\n\n${tree.path('missing/objects')}\n`,
    );
    tree.write('w\u00efth\ttab/objects/info/alternates', '../../nested/objects\n');
    tree.write('nested/objects/info/alternates', `../../main/objects\n${absolute}\n`); // back to the start

    const dirs = await objectDirectories(main);
    expect(dirs.map((dir) => dir.display)).toEqual(['objects', quoted, nested, absolute]);

    const store = await ObjectStore.open(tree.path('main'));
    try {
      expect((await store.allObjectIds()).sort()).toEqual([...ids].sort());
      for (const [i, dir] of [main, quoted, absolute, nested].entries())
        expect((await store.read(ids[i] as string))?.data.toString()).toBe(dir);
    } finally {
      await store.close();
    }
  });

  it('stops at the depth limit of five that git has', async () => {
    for (let i = 0; i < 8; i++) {
      writeLoose(tree.path(`r${i}/objects`), 'blob', Buffer.from(`repo ${i}`));
      tree.write(`r${i}/objects/info/alternates`, `../../r${i + 1}/objects\n`);
    }
    fs.mkdirSync(tree.path('r8/objects'), { recursive: true });
    const dirs = await objectDirectories(tree.path('r0/objects'));
    expect(dirs.map((dir) => path.basename(path.dirname(dir.path)))).toEqual([
      'r0',
      'r1',
      'r2',
      'r3',
      'r4',
      'r5',
    ]);
  });
});
