import { runAction } from './main';

/** Entry point of the bundled action (dist/index.js): the step fails unless the scan exits 0. */
runAction({ env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stdout.write(`::error title=keysweep::internal error: ${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);
