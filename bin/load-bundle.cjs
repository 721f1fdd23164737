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
const CACHE = path.join(BUNDLE, 'cache');
const mode = process.env.MES_WEBHOOKS_CODE_CACHE;
const modules = new Map();
const scripts = [];

// import() of what is not a chunk: a package (autocannon, pg) or a config's provider folder.
const importOutside = (specifier) => import(specifier);

function cacheOf(name) {
  try {
    return fs.readFileSync(path.join(CACHE, `${name}.bin`));
  } catch {
    return undefined;
  }
}

function load(name) {
  const known = modules.get(name);
  if (known) return known.exports;
  const file = path.join(BUNDLE, name);
  const module = { exports: {} };
  modules.set(name, module);
  const wrapped = `(function (exports, require, module, __filename, __dirname, __importMetaUrl, __import) {${fs.readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData: cacheOf(name) });
  scripts.push([name, script]);
  const outside = createRequire(file);
  const requireChunk = (id) => (id.startsWith('./') ? load(id.slice(2)) : outside(id));
  script
    .runInThisContext()
    .call(
      module.exports,
      module.exports,
      requireChunk,
      module,
      file,
      BUNDLE,
      pathToFileURL(file).href,
      importOutside,
    );
  return module.exports;
}

if (mode === 'write') {
  process.on('exit', () => {
    fs.mkdirSync(CACHE, { recursive: true });
    for (const [name, script] of scripts)
      fs.writeFileSync(path.join(CACHE, `${name}.bin`), script.createCachedData());
  });
} else if (mode === 'check') {
  process.on('exit', () => {
    const refused = scripts.filter(([, script]) => script.cachedDataRejected === true).map(([name]) => name);
    process.stderr.write(`code cache refused: ${refused.length === 0 ? 'none' : refused.join(' ')}\n`);
  });
}

module.exports = { run: () => load('cli.js').run() };
