/**
 * Held-out accuracy corpus for keysweep: writes realistic files containing AWS credentials
 * (ground truth) and look-alike negatives into a directory. Deterministic for a given seed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileBuilder, NegativeMark, Truth } from './builder';
import { codeFamily } from './families/code';
import { envFamily } from './families/env';
import { negativesFamily } from './families/negatives';
import { structuredFamily } from './families/structured';
import { textFamily } from './families/text';
import { yamlFamily } from './families/yaml';
import { KeyFactory, Rng } from './keys';

export type { NegativeMark, RuleId, Truth } from './builder';

export interface CorpusFile {
  file: string;
  kind: string;
  content: string;
}

export interface Corpus {
  truths: Truth[];
  negatives: NegativeMark[];
  files: CorpusFile[];
}

/** Generates the corpus in memory (no I/O). */
export function generateCorpus(seed = 1): Corpus {
  const keys = new KeyFactory(new Rng(seed));
  const builders: FileBuilder[] = [
    ...envFamily(keys),
    ...structuredFamily(keys),
    ...yamlFamily(keys),
    ...codeFamily(keys),
    ...textFamily(keys),
    ...negativesFamily(keys),
  ];
  const seen = new Set<string>();
  for (const b of builders) {
    if (seen.has(b.path)) throw new Error(`duplicate corpus path ${b.path}`);
    seen.add(b.path);
  }
  return {
    truths: builders.flatMap((b) => b.truths),
    negatives: builders.flatMap((b) => b.negatives),
    files: builders.map((b) => ({ file: b.path, kind: b.opts.kind, content: b.content() })),
  };
}

/** Writes the corpus under `dir` and returns the full description. */
export function writeCorpus(dir: string, seed = 1): Corpus {
  const corpus = generateCorpus(seed);
  for (const f of corpus.files) {
    const abs = path.join(dir, ...f.file.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, f.content, 'utf8');
  }
  return corpus;
}

/** Writes the corpus under `dir` and returns the ground truth. */
export function buildCorpus(dir: string, seed = 1): Truth[] {
  return writeCorpus(dir, seed).truths;
}
