'use strict';
// Loads the CLI's bundle (dist/bundle/, CommonJS chunks) with V8's code cache: each chunk is
// compiled from the bytecode saved beside it at build time instead of from its source, which is
// most of a short command's start-up. A cache made by another Node (or flags) is refused by V8,
// and the chunk then compiles from source as usual. MES_WEBHOOKS_CODE_CACHE=write (the build's
// training runs) saves what this run compiled, on top of what the cache already held; =check
// names on stderr, at exit, each chunk whose cache V8 refused.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');

// undici parses answers with WebAssembly, which V8 recompiles with its optimizing compiler in the
// background; a short run then waits at exit for a compile it never uses (about 0.3 s). Baseline
// code is plenty here. Set before any chunk compiles: V8 takes a code cache only under the flags it
// was made with, so every run, the training runs included, sets the same.
require('node:v8').setFlagsFromString('--liftoff-only');

const BUNDLE = path.join(__dirname, '..', 'dist', 'bundle');
// One file for every chunk's cache, read once: [index length, 4 bytes LE][index JSON][caches].
const PACK = path.join(BUNDLE, 'code-cache.bin');
const mode = process.env.MES_WEBHOOKS_CODE_CACHE;
const modules = new Map();
const scripts = [];

// import() of what is not a chunk: a package (autocannon, pg) or a config's provider folder.
const importOutside = (specifier) => import(specifier);

function readPack() {
  try {
    const pack = fs.readFileSync(PACK);
    const length = pack.readUInt32LE(0);
    const index = JSON.parse(pack.toString('utf8', 4, 4 + length));
    const start = 4 + length;
    return new Map(
      Object.entries(index).map(([name, [at, size]]) => [name, pack.subarray(start + at, start + at + size)]),
    );
  } catch {
    return new Map();
  }
}
const caches = readPack();

function load(name) {
  const known = modules.get(name);
  if (known) return known.exports;
  const file = path.join(BUNDLE, name);
  const module = { exports: {} };
  modules.set(name, module);
  const wrapped = `(function (exports, require, module, __filename, __dirname, __importMetaUrl, __import) {${fs.readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData: caches.get(name) });
  scripts.push([name, script]);
  script
    .runInThisContext()
    .call(
      module.exports,
      module.exports,
      requireChunk,
      module,
      file,
      BUNDLE,
      BUNDLE_URL + name,
      importOutside,
    );
  return module.exports;
}

// Every chunk is in one folder: one require for Node's modules and packages serves them all.
const outside = createRequire(path.join(BUNDLE, 'cli.js'));
const BUNDLE_URL = pathToFileURL(BUNDLE + path.sep).href;
const requireChunk = (id) => (id.startsWith('./') ? load(id.slice(2)) : outside(id));

if (mode === 'write') {
  process.on('exit', () => {
    for (const [name, script] of scripts) caches.set(name, script.createCachedData());
    const index = {};
    let at = 0;
    for (const [name, data] of caches) {
      index[name] = [at, data.length];
      at += data.length;
    }
    const head = Buffer.from(JSON.stringify(index));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(head.length);
    fs.writeFileSync(PACK, Buffer.concat([length, head, ...caches.values()]));
  });
} else if (mode === 'check') {
  process.on('exit', () => {
    const refused = scripts.filter(([, script]) => script.cachedDataRejected === true).map(([name]) => name);
    process.stderr.write(`code cache refused: ${refused.length === 0 ? 'none' : refused.join(' ')}\n`);
  });
}

module.exports = { run: () => load('cli.js').run() };
