import { run } from '../../src/cli/run';

/** Runs the CLI in-process with captured output, as the real binary would but without a child process. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(
  args: readonly string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    tty?: boolean;
    stderrTty?: boolean;
    signal?: AbortSignal;
  } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: {
      write: (text: string) => {
        stdout += text;
      },
      isTTY: options.tty ?? false,
    },
    stderr: {
      write: (text: string) => {
        stderr += text;
        return true;
      },
      isTTY: options.stderrTty ?? false,
    },
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { code, stdout, stderr };
}
