#!/usr/bin/env node
// CommonJS (bin/package.json): Node starts it without its ES module loader.
require('./load-bundle.cjs').run();
