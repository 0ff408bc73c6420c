/** A minified webpack-style bundle: one very long line with credentials buried inside. */
import { FileBuilder, kid, neg, type Part, sk } from '../builder';
import type { KeyFactory, Rng } from '../keys';

interface NoiseFns {
  camel40: (rng: Rng) => string;
  pngDataUri: (rng: Rng) => string;
  sha512Integrity: (rng: Rng) => string;
}

const SHORT = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function filler(rng: Rng): string {
  const v = () => rng.pick([...SHORT]);
  const n = () => rng.int(10, 9999);
  const chunks = [
    () => `function(${v()},${v()},${v()}){"use strict";var ${v()}=${v()}(${n()}),${v()}=${v()}.n(${v()});`,
    () => `${v()}.exports=function(${v()}){return ${v()}&&${v()}.__esModule?${v()}:{default:${v()}}};`,
    () => `var ${v()}=Object.assign||function(${v()}){for(var ${v()}=1;${v()}<arguments.length;${v()}++);};`,
    () => `${n()}:function(${v()},${v()}){${v()}.exports={render:"render",state:{loading:!1,items:[]}}},`,
    () => `Promise.resolve().then(function(){return ${v()}(${n()})}).catch(console.error);`,
    () =>
      `${v()}.prototype.setState=function(${v()},${v()}){this.updater.enqueueSetState(this,${v()},${v()})};`,
  ];
  let out = '';
  const count = rng.int(40, 80);
  for (let i = 0; i < count; i++) out += rng.pick(chunks)();
  return out;
}

export function minifiedBundle(k: KeyFactory, noise: NoiseFns): FileBuilder {
  const { rng } = k;
  const f = new FileBuilder('web/static/js/main.7c1e2a9b.js', {
    kind: 'minified JS bundle (single long line, no final newline)',
    finalNewline: false,
  });
  const a = k.pair();
  const b = k.pair('AKIA', 'modern', { end: '+' });
  const parts: Part[] = [
    '/*! For license information please see main.7c1e2a9b.js.LICENSE.txt */',
    `!function(){var e={${filler(rng)}`,
    'l:{integrity:"',
    neg('sha512 integrity', noise.sha512Integrity(rng)),
    `"},${filler(rng)}`,
    'c:{region:"us-east-1",credentials:{accessKeyId:"',
    kid(a.id),
    '",secretAccessKey:"',
    sk(a.secret),
    `"}},${filler(rng)}`,
    'u.',
    neg('camelCase identifier', noise.camel40(rng)),
    `=function(e){return e},${filler(rng)}`,
    'i:{src:"',
    neg('png data uri', noise.pngDataUri(rng)),
    `"},${filler(rng)}`,
    'window.__CFG__={s3Key:"',
    kid(b.id),
    '",s3Secret:"',
    sk(b.secret),
    `"};${filler(rng)}`,
    '}}();',
  ];
  f.raw(...parts);
  return f;
}
