import type { LoadSpec, SkipItem } from '../sources/source';
import type { ScannedFileOutcome } from './scan-file';

/**
 * How a batch of jobs and its outcomes cross between the scan loop and a worker (see parallel.ts).
 *
 * Structured cloning writes every property name of every object it sends. A job as an object ({ path,
 * spec: { from, gitdir, oid, maxFileSize } }) is eleven strings, six of them the same names again and
 * the git directory again: cloning a batch of 200 blob jobs took ~75 µs and reading it back ~165 µs, and
 * a history sweep sends a hundred or more of them, while the scan loop's thread is the one that walks
 * the history. A batch whose jobs share their kind, git directory and size limit (every batch of a
 * sweep or a tree scan) goes as columns instead, two strings a job: ~14 and ~33 µs. Any other batch
 * goes as it is.
 *
 * Outcomes come back the same way: a clean text file (no findings, nothing suppressed), which is
 * nearly every outcome, is its byte count alone.
 */
export interface Job {
  /** Its path (for allowlists and skips). */
  readonly path: string;
  /** Where its bytes are. */
  readonly spec: LoadSpec;
}

export type JobOutcome = SkipItem | ScannedFileOutcome;

export type WireJobs =
  | { readonly as: 'jobs'; readonly jobs: readonly Job[] }
  | {
      readonly as: 'blobs';
      readonly gitdir: string;
      readonly maxFileSize: number;
      readonly paths: readonly string[];
      readonly oids: readonly string[];
    }
  | {
      readonly as: 'files';
      readonly maxFileSize: number;
      readonly paths: readonly string[];
      readonly absolutes: readonly (string | Uint8Array)[];
    };

/** A clean text file's outcome is its byte count. */
export type WireOutcome = number | JobOutcome;

export function encodeJobs(jobs: readonly Job[]): WireJobs {
  const first = jobs[0]?.spec;
  if (first === undefined) return { as: 'jobs', jobs };
  const { maxFileSize } = first;
  const paths: string[] = [];
  if (first.from === 'blob') {
    const oids: string[] = [];
    for (const { path, spec } of jobs) {
      if (spec.from !== 'blob' || spec.gitdir !== first.gitdir || spec.maxFileSize !== maxFileSize)
        return { as: 'jobs', jobs };
      paths.push(path);
      oids.push(spec.oid);
    }
    return { as: 'blobs', gitdir: first.gitdir, maxFileSize, paths, oids };
  }
  const absolutes: (string | Uint8Array)[] = [];
  for (const { path, spec } of jobs) {
    if (spec.from !== 'file' || spec.maxFileSize !== maxFileSize) return { as: 'jobs', jobs };
    paths.push(path);
    absolutes.push(spec.absolute);
  }
  return { as: 'files', maxFileSize, paths, absolutes };
}

export function decodeJobs(wire: WireJobs): readonly Job[] {
  if (wire.as === 'jobs') return wire.jobs;
  const { maxFileSize } = wire;
  if (wire.as === 'blobs') {
    const { gitdir } = wire;
    return wire.paths.map((path, i) => ({
      path,
      spec: { from: 'blob', gitdir, oid: wire.oids[i] as string, maxFileSize },
    }));
  }
  return wire.paths.map((path, i) => ({
    path,
    spec: { from: 'file', absolute: wire.absolutes[i] as string | Uint8Array, maxFileSize },
  }));
}

export function encodeOutcome(outcome: JobOutcome): WireOutcome {
  const clean =
    outcome.kind === 'scanned' &&
    !outcome.binary &&
    outcome.findings.length === 0 &&
    Object.keys(outcome.suppressed).length === 0;
  return clean ? outcome.bytes : outcome;
}

export function decodeOutcome(wire: WireOutcome): JobOutcome {
  return typeof wire === 'number'
    ? { kind: 'scanned', bytes: wire, binary: false, findings: [], suppressed: {} }
    : wire;
}
