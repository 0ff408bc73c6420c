import { deserialize, serialize } from 'node:v8';
import {
  decodeJobs,
  decodeOutcome,
  encodeJobs,
  encodeOutcome,
  type Job,
  type JobOutcome,
} from '../../../src/engine/job-wire';
import type { Finding } from '../../../src/types';

/**
 * Batches and outcomes as they cross to and from a scan worker: through structured cloning (v8.serialize
 * is the same serializer postMessage uses), they must come back as they went, whichever form they took.
 */
const crossed = <T>(value: T): T => deserialize(serialize(value)) as T;

const blob = (path: string, oid: string, gitdir = '/repo/.git', maxFileSize = 1000): Job => ({
  path,
  spec: { from: 'blob', gitdir, oid, maxFileSize },
});
const file = (path: string, absolute: string | Uint8Array, maxFileSize = 1000): Job => ({
  path,
  spec: { from: 'file', absolute, maxFileSize },
});

describe('encodeJobs / decodeJobs', () => {
  test('blobs of one git directory and size limit go as columns, and come back whole', () => {
    const jobs = [blob('a.txt', 'a'.repeat(40)), blob('dir/b.txt', 'b'.repeat(40))];
    const wire = encodeJobs(jobs);
    expect(wire).toEqual({
      as: 'blobs',
      gitdir: '/repo/.git',
      maxFileSize: 1000,
      paths: ['a.txt', 'dir/b.txt'],
      oids: ['a'.repeat(40), 'b'.repeat(40)],
    });
    expect(decodeJobs(crossed(wire))).toEqual(jobs);
  });

  test('files go as columns, a name that is not UTF-8 still as its bytes', () => {
    const raw = new Uint8Array([0x66, 0xff, 0x2e, 0x74]);
    const jobs = [file('a.txt', '/t/a.txt'), file('f\ufffd.t', raw)];
    const wire = encodeJobs(jobs);
    expect(wire.as).toBe('files');
    const back = decodeJobs(crossed(wire));
    expect(back).toEqual(jobs);
    const spec = back[1]?.spec;
    expect(spec?.from === 'file' && spec.absolute instanceof Uint8Array).toBe(true);
  });

  test.each([
    ['another git directory', [blob('a', '1'), blob('b', '2', '/other/.git')]],
    ['another size limit', [blob('a', '1'), blob('b', '2', '/repo/.git', 5)]],
    ['files and blobs', [blob('a', '1'), file('b', '/t/b')]],
    ['blobs after a file', [file('a', '/t/a'), blob('b', '2')]],
    ['files with other size limits', [file('a', '/t/a'), file('b', '/t/b', 7)]],
  ])('a batch with %s goes as it is', (_what, jobs) => {
    const wire = encodeJobs(jobs);
    expect(wire.as).toBe('jobs');
    expect(decodeJobs(crossed(wire))).toEqual(jobs);
  });

  test('an empty batch', () => {
    expect(decodeJobs(crossed(encodeJobs([])))).toEqual([]);
  });
});

describe('encodeOutcome / decodeOutcome', () => {
  const clean: JobOutcome = { kind: 'scanned', bytes: 1234, binary: false, findings: [], suppressed: {} };

  test('a clean text file is its byte count', () => {
    expect(encodeOutcome(clean)).toBe(1234);
    expect(decodeOutcome(crossed(encodeOutcome(clean)))).toEqual(clean);
  });

  const finding = { ruleId: 'aws.access-key-id', fingerprint: 'f' } as unknown as Finding;
  test.each<[string, JobOutcome]>([
    ['findings', { ...clean, findings: [finding] }],
    ['suppressed findings', { ...clean, suppressed: { 'aws.access-key-id': 2 } }],
    ['a binary file', { ...clean, binary: true }],
    ['an empty clean file', { ...clean, bytes: 0 }],
    ['a skip', { kind: 'skip', path: 'a.bin', reason: 'tooLarge', detail: '2 MB' }],
  ])('an outcome with %s comes back as it went', (_what, outcome) => {
    expect(decodeOutcome(crossed(encodeOutcome(outcome)))).toEqual(outcome);
  });

  test('only a clean text file is shortened', () => {
    expect(typeof encodeOutcome({ ...clean, binary: true })).toBe('object');
    expect(typeof encodeOutcome({ ...clean, suppressed: { r: 1 } })).toBe('object');
    expect(typeof encodeOutcome({ ...clean, findings: [finding] })).toBe('object');
  });
});
