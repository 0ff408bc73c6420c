// biome-ignore lint/suspicious/noRedundantUseStrict: CommonJS files are not implicitly strict
'use strict';
// Synthetic but code-shaped file content for the benchmark tree. Every byte comes from the seeded PRNG passed
// in, so the same seed always gives the same tree (numbers stay comparable across runs and machines).
// The aim is not valid programs but text whose statistics resemble real repos: identifiers, string literals,
// comments, long base64 lines, hex digests and UUIDs, so keyword prefilters and regexes see realistic input.

// The same seeded PRNG the test fixtures use (`npm run bench` builds lib/ first); Math.random is unseeded.
const { mulberry32 } = require('../lib/devtools/fake-keys.js');

const WORDS = (
  'user account order item cart price total amount request response client server handler config option ' +
  'value key name id index count size length buffer stream chunk file path dir cache store session token ' +
  'auth login logout permission role group policy rule event message queue topic job task worker pool ' +
  'retry timeout delay interval limit offset page cursor query filter sort field column table row record ' +
  'schema model entity service repository controller router route middleware plugin module package ' +
  'version build deploy release metric counter gauge histogram trace span log level error warning status ' +
  'state context payload header body params result data input output source target parent child node ' +
  'tree graph edge vertex map set list array hash digest signature certificate region bucket object ' +
  'region instance cluster replica shard partition snapshot backup restore migrate update create delete ' +
  'fetch load save parse format render validate normalize resolve encode decode serialize compute'
).split(' ');
const HOSTS = [
  'api.example.com',
  'internal.corp.local',
  'cdn.example.net',
  'registry.npmjs.org',
  'github.com',
];
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Helpers bound to one PRNG stream. */
function makeRand(seed) {
  const rng = mulberry32(seed);
  const r = {
    rng,
    int: (n) => Math.floor(rng() * n),
    range: (lo, hi) => lo + Math.floor(rng() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(rng() * arr.length)],
    chance: (p) => rng() < p,
    chars: (alphabet, n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(rng() * alphabet.length)];
      return s;
    },
    word: () => r.pick(WORDS),
    words: (n) => Array.from({ length: n }, r.word),
    camel: () => {
      const w = r.words(r.range(1, 3));
      return w[0] + w.slice(1).map(cap).join('');
    },
    pascal: () => r.words(r.range(1, 3)).map(cap).join(''),
    snake: () => r.words(r.range(1, 3)).join('_'),
    sentence: () => cap(r.words(r.range(4, 14)).join(' ')) + r.pick(['.', '.', '.', ':', '?']),
    hex: (n) => r.chars('0123456789abcdef', n),
    uuid: () =>
      `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-${r.pick(['8', '9', 'a', 'b'])}${r.hex(3)}-${r.hex(12)}`,
    b64: (bytes) => {
      const buf = Buffer.allocUnsafe(bytes);
      for (let i = 0; i < bytes; i++) buf[i] = Math.floor(rng() * 256);
      return buf.toString('base64');
    },
    url: () => `https://${r.pick(HOSTS)}/${r.words(r.range(1, 4)).join('/')}`,
    num: () => r.pick([0, 1, 2, 10, 100, 1000, 3000, 8080, 65536, r.int(100000)]),
    literal: () => {
      const k = r.int(10);
      if (k < 4) return `'${r.sentence()}'`;
      if (k < 6) return String(r.num());
      if (k === 6) return `'${r.hex(r.pick([40, 64]))}'`;
      if (k === 7) return `'${r.uuid()}'`;
      if (k === 8) return `'${r.url()}'`;
      return r.camel();
    },
  };
  return r;
}
const cap = (w) => w[0].toUpperCase() + w.slice(1);

// One chunk per call: a top-level unit (function, class, manifest, section). Files are chunks joined with
// newlines, so credentials can be planted between chunks without splitting a line.
function cStyleStmt(r, ind, decl) {
  const k = r.int(8);
  if (k === 0) return `${ind}// ${r.sentence()}`;
  if (k === 1)
    return `${ind}if (${r.camel()} == null || ${r.camel()}.length === 0) {\n${ind}  return ${r.literal()};\n${ind}}`;
  if (k === 2) return `${ind}${r.camel()}.${r.camel()}(${r.literal()}, ${r.literal()});`;
  if (k === 3)
    return `${ind}for (const ${r.word()} of ${r.camel()}) {\n${ind}  ${r.camel()}.push(${r.literal()});\n${ind}}`;
  if (k === 4)
    return `${ind}${decl} ${r.camel()} = { ${r.camel()}: ${r.literal()}, ${r.camel()}: ${r.literal()} };`;
  if (k === 5) return `${ind}throw new Error(\`${r.sentence()} \${${r.camel()}}\`);`;
  return `${ind}${decl} ${r.camel()} = await ${r.camel()}.${r.camel()}(${r.literal()});`;
}
const stmts = (fn, n) => Array.from({ length: n }, () => fn()).join('\n');

const GEN = {
  js(r) {
    if (r.chance(0.1)) return `const ${r.camel()} = require('${r.pick(['./', '../', ''])}${r.word()}');`;
    const params = r.words(r.range(0, 3)).join(', ');
    return `/**\n * ${r.sentence()}\n * @param {object} ${r.word()} ${r.sentence()}\n */\nasync function ${r.camel()}(${params}) {\n${stmts(() => cStyleStmt(r, '  ', 'const'), r.range(2, 12))}\n}\n`;
  },
  ts(r) {
    if (r.chance(0.3)) {
      const fields = stmts(
        r,
        () =>
          `  ${r.camel()}${r.chance(0.3) ? '?' : ''}: ${r.pick(['string', 'number', 'boolean', `${r.pascal()}[]`, 'Record<string, unknown>'])};`,
        r.range(2, 9),
      );
      return `/** ${r.sentence()} */\nexport interface ${r.pascal()} {\n${fields}\n}\n`;
    }
    const body = stmts(() => cStyleStmt(r, '    ', 'const'), r.range(2, 10));
    return `export class ${r.pascal()} {\n  private readonly ${r.camel()} = new Map<string, ${r.pascal()}>();\n\n  async ${r.camel()}(${r.word()}: ${r.pascal()}): Promise<${r.pascal()}> {\n${body}\n  }\n}\n`;
  },
  py(r) {
    const stmt = () => {
      const k = r.int(6);
      if (k === 0) return `    # ${r.sentence()}`;
      if (k === 1)
        return `    if not ${r.snake()}:\n        raise ValueError(f"${r.sentence()} {${r.snake()}!r}")`;
      if (k === 2)
        return `    for ${r.word()} in self.${r.snake()}:\n        ${r.snake()}.append(${r.literal()})`;
      return `    ${r.snake()} = ${r.snake()}.${r.snake()}(${r.literal()}, ${r.snake()}=${r.literal()})`;
    };
    const def = `def ${r.snake()}(self, ${r.words(r.range(0, 3)).join(', ')}):\n    """${r.sentence()}\n\n    ${r.sentence()}\n    """\n${stmts(stmt, r.range(2, 10))}\n    return ${r.snake()}\n`;
    return r.chance(0.2) ? `class ${r.pascal()}(${r.pascal()}):\n    ${def.replace(/\n/g, '\n    ')}` : def;
  },
  go(r) {
    const stmt = () => {
      const k = r.int(5);
      if (k === 0) return `\t// ${r.sentence()}`;
      if (k === 1)
        return `\t${r.camel()}, err := ${r.camel()}.${r.pascal()}(ctx, ${r.literal().replace(/'/g, '"')})\n\tif err != nil {\n\t\treturn nil, fmt.Errorf("${r.words(3).join(' ')}: %w", err)\n\t}`;
      return `\t${r.camel()} := ${r.pascal()}{${r.pascal()}: ${r.literal().replace(/'/g, '"')}}`;
    };
    return `// ${r.pascal()} ${r.sentence()}\nfunc (s *${r.pascal()}) ${r.pascal()}(ctx context.Context, ${r.word()} string) (*${r.pascal()}, error) {\n${stmts(stmt, r.range(2, 9))}\n\treturn nil, nil\n}\n`;
  },
  java(r) {
    const body = stmts(
      r,
      () =>
        cStyleStmt(r, '        ', 'var')
          .replace(/'/g, '"')
          .replace(/await /g, ''),
      r.range(2, 9),
    );
    return `    /**\n     * ${r.sentence()}\n     */\n    public ${r.pascal()} ${r.camel()}(final String ${r.camel()}) throws ${r.pascal()}Exception {\n${body}\n    }\n`;
  },
  json(r) {
    const name = `${r.word()}-${r.word()}`;
    const v = `${r.int(9)}.${r.int(30)}.${r.int(20)}`;
    const deps = r.words(r.range(0, 4)).map((w) => `        "${w}": "^${r.int(9)}.${r.int(9)}.0"`);
    return `    "node_modules/${name}": {\n      "version": "${v}",\n      "resolved": "https://registry.npmjs.org/${name}/-/${name}-${v}.tgz",\n      "integrity": "sha512-${r.b64(64)}",\n      "id": "${r.uuid()}",\n      "dependencies": {\n${deps.join(',\n')}\n      }\n    }`;
  },
  yaml(r) {
    const env = stmts(
      r,
      () =>
        `            - name: ${r.snake().toUpperCase()}\n              value: "${r.literal().replace(/'/g, '')}"`,
      r.range(1, 6),
    );
    return `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${r.word()}-${r.word()}\n  annotations:\n    checksum/config: ${r.hex(64)}\n    description: ${r.sentence()}\nspec:\n  replicas: ${r.range(1, 5)}\n  template:\n    spec:\n      containers:\n        - name: ${r.word()}\n          image: registry.example.com/${r.word()}@sha256:${r.hex(64)}\n          env:\n${env}\n`;
  },
  md(r) {
    const k = r.int(4);
    if (k === 0)
      return `## ${cap(r.words(r.range(2, 5)).join(' '))}\n\n${stmts(r.sentence, r.range(2, 6)).replace(/\n/g, ' ')}\n`;
    if (k === 1)
      return `${stmts(() => `- \`${r.camel()}\`: ${r.sentence()} See [${r.word()}](${r.url()}).`, r.range(2, 6))}\n`;
    if (k === 2) return `\`\`\`js\n${GEN.js(r)}\`\`\`\n`;
    return `${stmts(r.sentence, r.range(3, 8)).replace(/\n/g, ' ')}\n`;
  },
  // Minified bundles are one huge line: a worst case for line-oriented tools and per-line regex work.
  minjs(r) {
    const v = () => r.chars('abcdefghijklmnopqrstuvwxyz', r.range(1, 2));
    const k = r.int(6);
    if (k === 0) return `var ${v()}="data:image/png;base64,${r.b64(r.range(200, 3000))}";`;
    return `function ${v()}(${v()},${v()}){if(!${v()}.${r.camel()})throw new Error("${r.sentence()}");return ${v()}.${r.camel()}(${r.literal().replace(/'/g, '"')},{${r.camel()}:${r.num()},${r.camel()}:"${r.hex(r.pick([8, 40]))}"})}`;
  },
};

/** Header and footer around the chunks, per language. */
const WRAP = {
  js: (r) => [`'use strict';\n// ${r.sentence()}\n`, `\nmodule.exports = { ${r.camel()} };\n`],
  ts: (r) => [`import { ${r.pascal()} } from './${r.word()}';\n`, ''],
  py: (r) => [`"""${r.sentence()}"""\nimport os\nimport json\n`, ''],
  go: (r) => [`package ${r.word()}\n\nimport (\n\t"context"\n\t"fmt"\n)\n`, ''],
  java: (r) => [`package com.example.${r.word()};\n\npublic class ${r.pascal()} {\n`, '}\n'],
  json: (r) => [`{\n  "name": "${r.word()}",\n  "lockfileVersion": 3,\n  "packages": {`, '\n  }\n}\n'],
  yaml: () => ['', ''],
  md: (r) => [`# ${cap(r.words(3).join(' '))}\n\n`, ''],
  minjs: (r) => [
    `/*! ${r.word()} v${r.int(9)}.${r.int(9)}.${r.int(9)} | MIT */!function(){"use strict";`,
    `}();\n//# sourceMappingURL=${r.word()}.min.js.map\n`,
  ],
};

/** Returns { chunks, head, tail, sep } whose joined length is at least `size` bytes (all ASCII). */
function generateFile(r, lang, size) {
  const [head, tail] = WRAP[lang](r);
  const sep = lang === 'minjs' ? '' : lang === 'json' ? ',\n' : '\n';
  const chunks = [];
  let len = head.length + tail.length + (lang === 'json' ? 1 : 0);
  while (len < size) {
    const c = GEN[lang](r);
    chunks.push(c);
    len += c.length + sep.length;
  }
  if (lang === 'json') chunks[0] = `\n${chunks[0] ?? ''}`;
  return { head, tail, sep, chunks };
}

/** One more chunk of `lang` (for edits to an existing file; never the first chunk of a JSON file). */
const generateChunk = (r, lang) => GEN[lang](r);

module.exports = { mulberry32, makeRand, generateFile, generateChunk, B32, B64, LANGS: Object.keys(GEN) };
