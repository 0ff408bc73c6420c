import { decodeText, utf8Body } from '../sources/decode';
import type { FileItem } from '../sources/source';
import type { Finding, RuleSet } from '../types';
import { type FragmentFilters, scanFragment } from './fragment';
import { keywordsInBytes } from './keywords';
import { shortcutsPay } from './shortcuts';

/**
 * One file through decoding and the engine, wherever it runs: in the scan loop, or in a worker thread
 * (engine/scan-worker-thread.ts), which sends the outcome back for the loop to merge in source order. It holds
 * no bytes and no RegExp, so it crosses threads as it is.
 */
export interface ScannedFileOutcome {
  readonly kind: 'scanned';
  readonly bytes: number;
  readonly binary: boolean;
  readonly findings: Finding[];
  readonly suppressed: Record<string, number>;
}

export function scanFile(
  item: FileItem,
  ruleSet: RuleSet,
  filters: FragmentFilters,
  all: boolean,
): ScannedFileOutcome {
  const bytes = item.bytes.length;
  // Once the byte shortcuts pay, the keyword prefilter reads the bytes before anything is decoded: a
  // file with no rule's keyword (most of a tree: 58% of the bench tree's bytes) is then clean without
  // being decoded at all, and the others are not searched for keywords twice.
  const body = utf8Body(item.bytes);
  const keywords = body && shortcutsPay(body.length) ? keywordsInBytes(body, ruleSet.rules) : undefined;
  if (keywords && !ruleSet.rules.some((rule) => rule.keywords.some(keywords)))
    return { kind: 'scanned', bytes, binary: false, findings: [], suppressed: {} };
  const decoded = decodeText(item.bytes, body);
  if (decoded.binary) return { kind: 'scanned', bytes, binary: true, findings: [], suppressed: {} };
  const before = all ? undefined : item.before?.flatMap((version) => textOf(version));
  const outcome = scanFragment(
    {
      text: decoded.text,
      provenance: item.provenance,
      ...(decoded.utf8 ? { utf8: decoded.utf8 } : {}),
      ...(keywords ? { keywords } : {}),
      ...(before ? { before } : {}),
    },
    ruleSet,
    filters,
  );
  return {
    kind: 'scanned',
    bytes,
    binary: false,
    findings: outcome.findings,
    suppressed: outcome.suppressed,
  };
}

function textOf(bytes: Buffer): string[] {
  const decoded = decodeText(bytes);
  return decoded.binary ? [] : [decoded.text];
}
