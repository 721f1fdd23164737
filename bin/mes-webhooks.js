#!/usr/bin/env node
'use strict';
// Loads the CLI's bundle (dist/bundle/, CommonJS chunks) with V8's code cache: each file of chunks
// is compiled from the bytecode saved for it at build time instead of from its source, which is
// most of a short command's start-up. CommonJS (bin/package.json), and one file: Node starts the
// command without its ES module loader and with nothing more to resolve. A cache made by another Node (or flags) is refused by V8,
// and the chunk then compiles from source as usual. MES_WEBHOOKS_CODE_CACHE=write (the build's
// training runs) saves what this run compiled, on top of what the cache already held; =check
// names on stderr, at exit, each file whose cache V8 refused, each the cache does not have, and
// every file read.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const BUNDLE = path.join(__dirname, '..', 'dist', 'bundle');
const mode = process.env.MES_WEBHOOKS_CODE_CACHE;
const modules = new Map();
const scripts = [];

// undici parses answers with WebAssembly, which V8 recompiles with its optimizing compiler in the
// background; a short run then waits at exit for a compile it never uses (about 0.3 s). Baseline
// code is plenty here. Only the commands that send over HTTP take the flag: node:v8 alone costs a
// few ms of start-up. V8 takes a code cache only under the flags it was made with, so each set of
// flags has its cache, and the flag is set before any chunk compiles. A command named after an
// option's value is only slower, never wrong: its chunks compile from source, or its exit waits.
const SENDERS = new Set(['send', 'retry', 'replay', 'scenario', 'verify', 'listen']);
const sends = SENDERS.has(process.argv.slice(2).find((arg) => !arg.startsWith('-')));
// V8 also refuses Node's own code cache for its modules once a flag changes, and compiling them
// from source would cost more than the rest of a send: the ones these commands use load first.
const FOR_SENDING = [
  'stream',
  'net',
  'http',
  'crypto',
  'dns',
  'cluster',
  'assert',
  'string_decoder',
  'fs/promises',
];
if (sends) {
  for (const name of FOR_SENDING) require(`node:${name}`);
  require('node:v8').setFlagsFromString('--liftoff-only');
}

// One file for every chunk's cache: [index length, 4 bytes LE][index JSON][caches]. A command
// reads the index and then only the caches of the chunks it loads.
const PACK = path.join(BUNDLE, sends ? 'code-cache-liftoff.bin' : 'code-cache.bin');

function openPack() {
  try {
    const fd = fs.openSync(PACK, 'r');
    const length = Buffer.alloc(4);
    fs.readSync(fd, length, 0, 4, 0);
    const head = Buffer.alloc(length.readUInt32LE(0));
    fs.readSync(fd, head, 0, head.length, 4);
    return { fd, start: 4 + head.length, index: JSON.parse(head.toString('utf8')) };
  } catch {
    return { fd: -1, start: 0, index: {} };
  }
}
const pack = openPack();

function cacheOf(name) {
  const entry = Object.hasOwn(pack.index, name) ? pack.index[name] : undefined;
  if (!entry) return undefined;
  const data = Buffer.allocUnsafe(entry[1]);
  try {
    return fs.readSync(pack.fd, data, 0, data.length, pack.start + entry[0]) === data.length
      ? data
      : undefined;
  } catch {
    return undefined;
  }
}

// import() of what is not a chunk: a package (autocannon, pg) or a config's provider folder.
const importOutside = (specifier) => import(specifier);

// Each file holds one chunk or more (scripts/bundle.mjs): an object of their functions, by name.
const chunks = new Map();
function define(fileName) {
  const file = path.join(BUNDLE, fileName);
  const script = new vm.Script(fs.readFileSync(file, 'utf8'), {
    filename: file,
    cachedData: cacheOf(fileName),
  });
  scripts.push([fileName, script]);
  for (const [name, chunk] of Object.entries(script.runInThisContext())) chunks.set(name, chunk);
}

function load(name) {
  const known = modules.get(name);
  if (known) return known.exports;
  if (!chunks.has(name)) define(name);
  const file = path.join(BUNDLE, name);
  const module = { exports: {} };
  modules.set(name, module);
  chunks
    .get(name)
    .call(module.exports, module.exports, requireChunk, module, file, BUNDLE, metaOf(name), importOutside);
  return module.exports;
}

// A chunk's import.meta.url, made when read: node:url's first URL costs about half a millisecond,
// and only the chunks that find the package's own folders read it.
let bundleUrl;
const metaOf = (name) => ({
  get url() {
    bundleUrl ??= require('node:url').pathToFileURL(BUNDLE + path.sep).href;
    return bundleUrl + name;
  },
});

// Node's own modules as Node has them; packages (ws, pg) are resolved from the bundle's folder, by
// one require made on first use (node:module and the require it makes cost about a millisecond).
let outside;
const requireChunk = (id) => {
  if (id.startsWith('./')) return load(id.slice(2));
  const builtin = process.getBuiltinModule(id);
  if (builtin) return builtin;
  outside ??= require('node:module').createRequire(path.join(BUNDLE, 'cli.js'));
  return outside(id);
};

if (mode === 'write') {
  process.on('exit', () => {
    // What this run compiled, on top of what the pack already held.
    const caches = new Map(Object.keys(pack.index).map((name) => [name, cacheOf(name)]));
    for (const [name, script] of scripts) caches.set(name, script.createCachedData());
    const index = {};
    let at = 0;
    for (const [name, data] of caches) {
      if (!data) continue;
      index[name] = [at, data.length];
      at += data.length;
    }
    const head = Buffer.from(JSON.stringify(index));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(head.length);
    fs.writeFileSync(PACK, Buffer.concat([length, head, ...[...caches.values()].filter(Boolean)]));
  });
} else if (mode === 'check') {
  process.on('exit', () => {
    const names = (chunks) => (chunks.length === 0 ? 'none' : chunks.map(([name]) => name).join(' '));
    const refused = scripts.filter(([, script]) => script.cachedDataRejected === true);
    const absent = scripts.filter(([name]) => !Object.hasOwn(pack.index, name));
    process.stderr.write(
      `code cache refused: ${names(refused)}\ncode cache absent: ${names(absent)}\nfiles read: ${names(scripts)}\n`,
    );
  });
}

load('cli.js').run();
