import { parseCommit } from '../../../src/git/objects';

const SHA = 'c'.repeat(40);
const id = (n: number) => String(n).repeat(40);

describe('parseCommit', () => {
  test('reads tree, parents, author, committer time and the summary line', () => {
    const data = Buffer.from(
      `tree ${id(1)}\nparent ${id(2)}\nparent ${id(3)}\n` +
        'author Zoë Example <zoe@example.com> 1700000000 +0100\n' +
        'committer CI <ci@example.com> 1700000100 +0000\n' +
        'gpgsig -----BEGIN PGP SIGNATURE-----\n \n -----END PGP SIGNATURE-----\n\n' +
        'Rotate the deploy key\n\nThe old one leaked.\n',
    );
    expect(parseCommit(SHA, data)).toEqual({
      sha: SHA,
      tree: id(1),
      parents: [id(2), id(3)],
      time: 1700000100, // the committer's: the order of a sweep
      info: {
        sha: SHA,
        author: 'Zoë Example',
        email: 'zoe@example.com',
        date: '2023-11-14T22:13:20Z', // the author's, in UTC
        summary: 'Rotate the deploy key',
      },
    });
  });

  test('a root commit with no message, and no committer line, takes the author time', () => {
    const data = Buffer.from(`tree ${id(4)}\nauthor A <a@x> 86400 +0000\n`);
    const commit = parseCommit(SHA, data);
    expect(commit.parents).toEqual([]);
    expect(commit.time).toBe(86400);
    expect(commit.info).toMatchObject({
      author: 'A',
      email: 'a@x',
      date: '1970-01-02T00:00:00Z',
      summary: '',
    });
  });

  test('an author line that is not "name <email> time" is kept whole as the name, at time 0', () => {
    const data = Buffer.from(`tree ${id(5)}\nauthor somebody\n\nmsg`);
    expect(parseCommit(SHA, data).info).toMatchObject({
      author: 'somebody',
      email: '',
      date: '1970-01-01T00:00:00Z',
      summary: 'msg',
    });
  });
});
