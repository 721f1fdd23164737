// Bundles the CLI (dist/cli.js and everything it imports, lazily loaded commands as chunks) into
// dist/bundle/: one module graph of a few files starts markedly faster than hundreds of small ones.
// The library (dist/index.js) stays as tsc wrote it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, transform } from 'esbuild';
import ts from 'typescript';

// Chunk names carry content hashes: without a clean folder, every build leaves the last one's behind.
rmSync('dist/bundle', { recursive: true, force: true });

// The CLI uses undici's Pool alone: taking it from its own module leaves out the rest of undici
// (fetch, WebSocket, caches: over half a megabyte parsed on every start of send and listen). Any
// other name imported from 'undici' fails the build here rather than at run time.
const undiciPoolOnly = {
  name: 'undici-pool-only',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'undici-pool-only' }));
    b.onLoad({ filter: /.*/, namespace: 'undici-pool-only' }, () => ({
      // As undici's own index does: the request API is mixed into every dispatcher.
      contents: [
        "import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';",
        "import api from 'undici/lib/api/index.js';",
        'Object.assign(Dispatcher.prototype, api);',
        "export { default as Pool } from 'undici/lib/dispatcher/pool.js';",
      ].join('\n'),
      resolveDir: process.cwd(),
    }));
  },
};

// `import process from 'node:process'` (chalk, ora, inquirer) makes Node read every property of
// process to build the module's exports, process.stdin among them, which builds a stdin stream and
// loads net, tty and stream on every start. The global is the same object, without that.
const processGlobal = {
  name: 'process-global',
  setup(b) {
    b.onResolve({ filter: /^(node:)?process$/ }, () => ({ path: 'process', namespace: 'process-global' }));
    b.onLoad({ filter: /.*/, namespace: 'process-global' }, () => ({
      // CommonJS, so both require('node:process') (commander) and import default get the object.
      contents: 'module.exports = globalThis.process;',
    }));
  },
};

// chalk checks the terminal as it loads (node:tty, and with it net and Node's stream stack) for its
// shared instance's colour level. The CLI always gives chalk the level (src/ui/context.ts,
// src/ui/spinner.ts), so chalk gets its browser check, which touches nothing.
const chalkLevelGiven = {
  name: 'chalk-level-given',
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, (args) => {
      const browser = path.join(args.resolveDir, 'vendor', 'supports-color', 'browser.js');
      if (!existsSync(browser)) throw new Error(`${browser}: not found`);
      return { path: browser };
    });
  },
};

// Modules that dependencies require at load but this CLI uses rarely or never, each required when
// first used instead: commander's node:child_process (for executable subcommands this CLI does not
// have; it brings net, dgram and stream) and undici's HTTP/2 client (it loads node:http2 and
// node:tls; a receiver on plain http never speaks HTTP/2).
const LAZY_REQUIRES = [
  [
    /commander[\\/]lib[\\/]command\.js$/,
    "const childProcess = require('node:child_process');",
    "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };",
  ],
  [
    /undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/,
    "const connectH2 = require('./client-h2.js')",
    "const connectH2 = (...a) => require('./client-h2.js')(...a)",
  ],
];
const lazyRequires = {
  name: 'lazy-requires',
  setup(b) {
    for (const [file, eager, lazy] of LAZY_REQUIRES) {
      b.onLoad({ filter: file }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes(eager)) throw new Error(`${args.path}: no longer has ${eager}`);
        return { contents: source.replace(eager, lazy), loader: 'js' };
      });
    }
  },
};

// The chunks esbuild splits the CLI into (lazily loaded commands and their shared pieces) are turned
// into CommonJS, which bin/mes-webhooks.js compiles with V8's code cache: no ES module resolution,
// and bytecode instead of source for what a command runs.
const { outputFiles, metafile } = await build({
  entryPoints: ['dist/cli.js'],
  outdir: 'dist/bundle',
  write: false,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ws loads these optional native helpers when present; without them it uses plain JavaScript.
  // pg (the team log) loads from node_modules when a log URL is given.
  external: ['bufferutil', 'utf-8-validate', 'pg', 'pg-native'],
  // The loader passes each chunk its own file URL.
  define: { 'import.meta.url': '__importMetaUrl' },
  plugins: [undiciPoolOnly, processGlobal, chalkLevelGiven, lazyRequires],
  metafile: true,
  logLevel: 'warning',
});

/** The import() calls of a chunk's code, found by parsing it (not text that only looks like one). */
function importCalls(code) {
  const calls = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) calls.push(node);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('chunk.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS));
  return calls.sort((a, b) => b.getStart() - a.getStart());
}

/** Each import() of another chunk made a require after a tick, as import() would wait. */
function chunkImportsRequired(code) {
  let out = code;
  for (const call of importCalls(code)) {
    const [specifier] = call.arguments;
    if (!specifier || !ts.isStringLiteral(specifier) || !/^\.\/[\w.-]+\.js$/.test(specifier.text)) continue;
    const required = `Promise.resolve().then(() => require(${JSON.stringify(specifier.text)}))`;
    out = `${out.slice(0, call.getStart())}${required}${out.slice(call.getEnd())}`;
  }
  return out;
}

/** What remains of import() (a package, a config's provider folder) goes through the loader's own. */
function throughLoaderImport(code) {
  let out = code;
  for (const call of importCalls(code))
    out = `${out.slice(0, call.getStart())}__${out.slice(call.getStart())}`;
  return out;
}

// esbuild's CommonJS interop copies every export of a module onto a new object, one property
// definition each: a chunk's own exports (`__toCommonJS`) and each Node module imported with a
// default import (`__toESM`, about a hundred for node:fs). A start runs dozens of them. The same
// reads, without the copies: a chunk's exports object is its module.exports, and a Node module's
// default import is an object whose prototype is the module.
function lighterInterop(code) {
  const out = code
    .replace(
      'module.exports=__toCommonJS(stdin_exports)',
      'module.exports=(__defProp(stdin_exports,"__esModule",{value:!0}),stdin_exports)',
    )
    .replace(/__toESM\(require\(("node:[\w/]+")\)\)/g, '__nodeDefault(require($1))');
  return out === code || !out.includes('__nodeDefault(')
    ? out
    : `var __nodeDefault=m=>Object.create(m,{default:{value:m,enumerable:!0}});${out}`;
}

mkdirSync('dist/bundle');
const functions = new Map();
for (const chunk of outputFiles) {
  const { code } = await transform(chunkImportsRequired(chunk.text), {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // Less to read on every start; names stay as written, so stack traces and class names read the same.
    minifyWhitespace: true,
    minifySyntax: true,
  });
  // Node resolves the loader's import() as in any CommonJS module: code compiled from a cache has no
  // import() of its own.
  const body = lighterInterop(throughLoaderImport(code));
  functions.set(
    path.basename(chunk.path),
    `function (exports, require, module, __filename, __dirname, __importMetaUrl, __import) {${body}\n}`,
  );
}

// cli.js and the chunks it imports as it starts, and those they import in turn, always load
// together: one file for all of them, so a start reads and compiles one file where it read a dozen.
// Each file is an object of the chunks it holds, each the function the loader (bin/mes-webhooks.js)
// calls with that chunk's exports, require and module.
const staticImports = (name) =>
  metafile.outputs[`dist/bundle/${name}`].imports
    .filter((i) => i.kind === 'import-statement' && !i.external)
    .map((i) => path.basename(i.path));
const atStart = new Set();
const visit = (name) => {
  if (atStart.has(name)) return;
  atStart.add(name);
  staticImports(name).forEach(visit);
};
visit('cli.js');
const fileOf = (names) =>
  `({${names.map((name) => `${JSON.stringify(name)}: ${functions.get(name)}`).join(',\n')}})`;
writeFileSync('dist/bundle/cli.js', fileOf([...atStart]));
for (const name of functions.keys())
  if (!atStart.has(name)) writeFileSync(path.join('dist/bundle', name), fileOf([name]));

// Training runs: each command below saves the bytecode it compiled to dist/bundle/code-cache.bin (or,
// for the commands that send, code-cache-liftoff.bin: see bin/mes-webhooks.js), on top of what the
// runs before it saved. In a scratch home and folder, with none of the user's
// MES_WEBHOOKS_ settings: nothing of theirs is read, and the send goes to its own listener.
const home = mkdtempSync(path.join(tmpdir(), 'mes-webhooks-build-'));
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MES_WEBHOOKS_'))),
  MES_WEBHOOKS_CODE_CACHE: 'write',
  MES_WEBHOOKS_HOME: home,
  CI: 'true',
  NO_COLOR: '1',
};
for (const [args, runsUntilStopped] of [
  [['--help']],
  [['events', '--json']],
  [['payload', 'work_order.created']],
  [['send', 'work_order.created']],
  [['send', '--help']],
  [['retry', 'work_order.created', '--dry-run']],
  [['logs']],
  // A listener runs until Ctrl-C: stopped with SIGINT after a moment, it exits 0 and saves its cache.
  [['listen', '--port', '0'], true],
]) {
  const run = spawnSync(process.execPath, [path.resolve('bin/mes-webhooks.js'), ...args], {
    env,
    cwd: home,
    encoding: 'utf8',
    input: '',
    // (Its output ignored: spawnSync closes the pipes once the time is up, before the summary.)
    ...(runsUntilStopped ? { timeout: 1500, killSignal: 'SIGINT', stdio: 'ignore' } : {}),
  });
  // The cache only saves time: a run that fails leaves its chunks to compile from source, and says so.
  if (run.status !== 0)
    console.warn(`bundle: training run "${args.join(' ')}" exited ${run.status}:\n${run.stderr}`);
}
rmSync(home, { recursive: true, force: true });
