import { captureSpec } from './capture/options.js';
import type { CommandSpec } from './declare.js';
import { eventsSpec } from './events/options.js';
import { exportSpec } from './export/options.js';
import { initSpec } from './init/options.js';
import { listenSpec } from './listen/options.js';
import { logsSpec } from './logs/options.js';
import { payloadSpec } from './payload/options.js';
import { replaySpec } from './replay/options.js';
import { retrySpec } from './retry/options.js';
import { scenarioSpec } from './scenario/options.js';
import { schemaSpec } from './schema/options.js';
import { sendSpec } from './send/options.js';
import { verifySpec } from './verify/options.js';

/** Every command, in the order `--help` lists them. Adding one is a folder and a line here. */
export const COMMANDS: readonly CommandSpec[] = [
  eventsSpec,
  payloadSpec,
  sendSpec,
  listenSpec,
  retrySpec,
  verifySpec,
  scenarioSpec,
  initSpec,
  logsSpec,
  replaySpec,
  captureSpec,
  schemaSpec,
  exportSpec,
];
