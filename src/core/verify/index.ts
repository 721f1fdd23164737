export * from './kit.js';
export { CHECKS } from './checks/index.js';
export { CHECK_NAMES, runChecks, selectChecks } from './run.js';
export { createVerifyContext, OVERSIZED_BYTES, type VerifyContextOptions } from './context.js';
export { NEEDS_ACCEPTED, preflightProbe, runSession, type SessionOptions } from './session.js';
