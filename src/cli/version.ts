import { readFileSync } from 'node:fs';

/** keysweep's version, from package.json beside lib/ and src/. */
export const VERSION: string = JSON.parse(readFileSync(`${__dirname}/../../package.json`, 'utf8')).version;
