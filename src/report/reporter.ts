import type { RuleSet, ScanResult } from '../types';

/** A reporter is pure: a scan result in, the whole report text out. */
export interface ReportOptions {
  /** Mask secrets (the default everywhere); false only with `--no-redact`. */
  readonly redact: boolean;
  /** ANSI colour, only when writing to a terminal and NO_COLOR is unset. */
  readonly color: boolean;
  readonly version: string;
  /** The rules the scan ran with: SARIF describes each of them in `tool.driver.rules`. */
  readonly ruleSet: RuleSet;
}

export type Reporter = (result: ScanResult, options: ReportOptions) => string;

export const FORMATS = ['text', 'json', 'jsonl', 'sarif', 'github', 'markdown', 'junit'] as const;
export type Format = (typeof FORMATS)[number];
