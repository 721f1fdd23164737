// Bundles the CLI (dist/cli.js and everything it imports, lazily loaded commands as chunks) into
// dist/bundle/: one module graph of a few files starts markedly faster than hundreds of small ones.
// The library (dist/index.js) stays as tsc wrote it.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: without a clean folder, every build leaves the last one's behind.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: ['dist/cli.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ws loads these optional native helpers when present; without them it uses plain JavaScript.
  // autocannon (the load engine of send --count) loads from node_modules on first use: it finds its
  // worker script by path, which a bundle would break.
  external: ['bufferutil', 'utf-8-validate', 'autocannon'],
  // Bundled CommonJS packages (commander, undici, ws) call require for Node's own modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
