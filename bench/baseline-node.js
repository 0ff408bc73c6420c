// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// Baseline A: the simplest credible single-threaded Node scanner, as a floor for what keysweep's overhead costs.
// Walk, read whole files, decode as latin1 (every byte maps to one char, no UTF-8 validation cost), run one
// global regex, count matches. Run as its own process by run.js so startup and RSS are measured like keysweep's.
// Usage: node bench/baseline-node.js <dir>   → prints {"files":N,"bytes":N,"matches":N}
const fs = require('node:fs');
const path = require('node:path');

// Same pattern as ripgrep is given (baseline B); exported so both stay identical.
const KEY_ID_SOURCE = String.raw`\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b`;

function scan(root) {
  const re = new RegExp(KEY_ID_SOURCE, 'g');
  let files = 0;
  let bytes = 0;
  let matches = 0;
  for (const d of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!d.isFile()) continue;
    // parentPath is the current name; `path` is its deprecated alias on older Node 20 releases.
    const buf = fs.readFileSync(path.join(d.parentPath ?? d.path, d.name));
    const text = buf.toString('latin1');
    re.lastIndex = 0;
    while (re.exec(text) !== null) matches++;
    files++;
    bytes += buf.length;
  }
  return { files, bytes, matches };
}

module.exports = { KEY_ID_SOURCE, scan };

if (require.main === module) {
  const root = process.argv[2];
  if (!root) {
    console.error('usage: node bench/baseline-node.js <dir>');
    process.exit(2);
  }
  console.log(JSON.stringify(scan(root)));
}
