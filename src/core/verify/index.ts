export * from './kit.js';
export { CHECKS } from './checks/index.js';
export { CHECK_NAMES, runChecks, selectChecks } from './run.js';
