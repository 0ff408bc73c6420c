import type { CleanBlob } from '../engine/scan-cache';
import type { Finding, Provenance, ScanStats, SkipReason } from '../types';

/**
 * The seam between where text comes from and the engine. A source yields items in a stable order —
 * files to scan (raw bytes, plus the versions they replace, for git sources) and things it skipped, with
 * the reason — and may enrich the findings once the scan is over (a history sweep adds which commits
 * and refs hold each secret). `for await` gives back-pressure: a source reads only as fast as the scan.
 */
export type SourceItem =
  | {
      readonly kind: 'file';
      readonly provenance: Provenance;
      readonly bytes: Buffer;
      /** Earlier versions: only secrets absent from all of them are reported (unless --all). */
      readonly before?: readonly Buffer[];
    }
  | { readonly kind: 'skip'; readonly path: string; readonly reason: SkipReason; readonly detail?: string }
  /** A blob an earlier sweep under the same rules found clean (see engine/scan-cache.ts): not read again. */
  | { readonly kind: 'cached'; readonly provenance: Provenance; readonly clean: CleanBlob };

export interface Source {
  items(): AsyncIterable<SourceItem>;
  /** Called once after the last item with every finding, in source order; returns the findings to report. */
  finish?(findings: readonly Finding[]): Promise<Finding[]>;
  /** Extra statistics (commits, shallow, submodules) once the items are exhausted. */
  stats?(): Partial<ScanStats>;
}
