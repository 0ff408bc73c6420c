// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// History baseline (b): what gitleaks and trufflehog do, `git log -p --all` (every commit's patch against
// its first parent, rename detection on, 3 lines of context) streamed into this Node process, which runs
// the bench's key-id regex over the patch text, decoded as latin1, one batch of whole lines at a time.
// Usage: node bench/baseline-gitlog.js <repo>   -> prints {"bytes":N,"matches":N,"distinct":N}
const { spawn } = require('node:child_process');
const { KEY_ID_SOURCE } = require('./baseline-node');
const { GIT_ENV } = require('./fixtures');

async function scan(repo) {
  const git = spawn('git', ['log', '-p', '--all'], {
    cwd: repo,
    env: GIT_ENV,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => git.on('close', resolve));
  const re = new RegExp(KEY_ID_SOURCE, 'g');
  const ids = new Set();
  const stats = { bytes: 0, matches: 0, distinct: 0 };
  let rest = ''; // an incomplete last line, carried over so no match is split
  const run = (text) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      stats.matches++;
      ids.add(m[1]);
    }
  };
  for await (const chunk of git.stdout) {
    stats.bytes += chunk.length;
    const text = rest + chunk.toString('latin1');
    const nl = text.lastIndexOf('\n');
    rest = text.slice(nl + 1);
    run(text.slice(0, nl + 1));
  }
  run(rest);
  const code = await exited;
  if (code !== 0) throw new Error(`git log exited with ${code}`);
  stats.distinct = ids.size;
  return stats;
}

module.exports = { scan };

if (require.main === module) {
  const repo = process.argv[2];
  if (!repo) {
    console.error('usage: node bench/baseline-gitlog.js <repo>');
    process.exit(2);
  }
  scan(repo).then(
    (stats) => console.log(JSON.stringify(stats)),
    (err) => {
      console.error(err.message);
      process.exitCode = 1;
    },
  );
}
