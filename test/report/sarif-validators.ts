import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/**
 * The two validators every SARIF keysweep writes must pass: the OASIS SARIF 2.1.0 schema (errata 01,
 * JSON Schema draft-04, committed under test/schemas/) through ajv, and Microsoft's SARIF Multitool
 * `validate`, which adds the spec's own rules (SARIF1xxx errors, SARIF2xxx warnings and notes).
 */
const schema = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'),
) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Every schema violation of `log`, one line each; empty when it conforms. */
export function schemaErrors(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}`,
  );
}

/** The platform build of the Multitool (the npm package resolves to its binary's path). */
const MULTITOOL: string = require('@microsoft/sarif-multitool');

export interface MultitoolVerdict {
  /** Results of level "error" (the default level of a SARIF result is "warning"). */
  readonly errors: string[];
  readonly warnings: string[];
  /** What the Multitool printed, for failure messages. */
  readonly console: string;
}

/**
 * Runs `Sarif.Multitool validate` on `sarif` (text) and reads its verdict from the SARIF log it writes:
 * the Multitool exits 0 whether or not the file is valid, so its exit code alone proves nothing.
 */
export function multitoolValidate(sarif: string): MultitoolVerdict {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keysweep-multitool-'));
  try {
    const input = path.join(dir, 'input.sarif');
    const output = path.join(dir, 'validation.sarif');
    writeFileSync(input, sarif);
    const printed = execFileSync(
      MULTITOOL,
      ['validate', input, '--output', output, '--log', 'ForceOverwrite', '--level', 'Error;Warning;Note'],
      { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const log = JSON.parse(readFileSync(output, 'utf8'));
    const run = log.runs[0];
    if (run.invocations?.[0]?.executionSuccessful !== true)
      throw new Error(`the Multitool did not complete its validation:\n${printed}`);
    const describe = (result: MultitoolResult) =>
      `${result.ruleId}: ${(result.message.arguments ?? []).join(' | ') || result.message.text}`;
    const results: MultitoolResult[] = run.results ?? [];
    return {
      errors: results.filter((result) => result.level === 'error').map(describe),
      warnings: results.filter((result) => (result.level ?? 'warning') === 'warning').map(describe),
      console: printed,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface MultitoolResult {
  ruleId: string;
  level?: string;
  message: { text?: string; arguments?: string[] };
}
