import path from 'node:path';

/**
 * `file` relative to `dir` (native separators) when it lies in `dir`, `''` when it is `dir`, and
 * undefined when it lies outside: above it (`..`, `../x`) or, on Windows, on another drive.
 */
export function relativeInside(dir: string, file: string): string | undefined {
  const relative = path.relative(dir, file);
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  return outside ? undefined : relative;
}
