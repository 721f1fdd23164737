import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
const r = await build({ entryPoints: ['dist/cli.js'], outdir: '/tmp/mb', bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', external: ['bufferutil','utf-8-validate','pg','pg-native'], metafile: true, logLevel: 'warning', write: false, minifyWhitespace: true, minifySyntax: true });
const outs = r.metafile.outputs;
const file = readFileSync(process.argv[2], 'utf8');
const names = [...file.matchAll(/"([A-Za-z0-9_-]+\.js)": function/g)].map((m) => m[1]);
let total = 0;
for (const n of names) {
  const o = outs['../../tmp/mb/' + n];
  if (!o) { console.log('??', n); continue; }
  total += o.bytes;
  console.log('==', n, o.bytes, Object.entries(o.inputs).sort((a,b)=>b[1].bytesInOutput-a[1].bytesInOutput).slice(0,8).map(([k,v])=>`${k.replace('node_modules/','')}:${v.bytesInOutput}`).join(' '));
}
console.log('total', total);
