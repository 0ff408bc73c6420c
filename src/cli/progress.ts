import type { ScanStats } from '../types';
import { formatBytes } from '../util/size';
import type { Io } from './run';

/**
 * A progress line for long sweeps, on stderr and only on a terminal (never in CI logs or pipes). The
 * bar library is loaded only when a bar is shown, so other commands do not pay for it at start-up.
 */
export interface Progress {
  readonly update: (stats: Readonly<ScanStats>) => void;
  readonly stop: () => void;
}

export function startProgress(io: Io): Progress | undefined {
  if (!io.stderr.isTTY) return undefined;
  // cli-progress writes escape sequences through write() and reads isTTY/columns: any such stream will do
  const stderr = io.stderr as NodeJS.WritableStream;
  const { SingleBar } = require('cli-progress') as typeof import('cli-progress');
  const started = Date.now();
  const bar = new SingleBar({
    stream: stderr,
    format: 'keysweep: {commits} commits, {files} blobs, {mb}, {rate}/s, {skipped} skipped',
    fps: 5,
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(0, 0, { commits: 0, files: 0, mb: '0 B', rate: '0 B', skipped: 0 });
  return {
    update: (stats) => {
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(stats.files, {
        commits: stats.commits ?? 0,
        files: stats.files,
        mb: formatBytes(stats.bytes),
        rate: formatBytes(Math.round(stats.bytes / seconds)),
        skipped: Object.values(stats.skipped).reduce((sum, count) => sum + count, 0),
      });
    },
    stop: () => bar.stop(),
  };
}
