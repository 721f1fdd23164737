import { z } from '../core/zod.js';
import { DELIVERY_JSON_VERSION } from '../core/delivery-json.js';

const error = z.object({ code: z.string().min(1), message: z.string() });
const id = z.string().min(1);

/**
 * The documented JSON shape of a delivery (README, "One JSON shape for a delivery"). Every delivery
 * line of every `--json` stream, of `logs --json`, of the log file and of the feed matches it; producers
 * may add their own fields (a scenario's step, a retry attempt's outcome), never change these.
 */
export const deliveryJsonSchema = z.looseObject({
  v: z.literal(DELIVERY_JSON_VERSION),
  deliveryId: id,
  direction: z.enum(['sent', 'received']),
  kind: z.enum(['send', 'receive', 'forward', 'replay', 'retry']),
  provider: z.string().nullable(),
  event: z.string().nullable(),
  eventId: z.string().nullable(),
  scheme: z.string().nullable(),
  url: z.string(),
  status: z.number().int().nullable(),
  ok: z.boolean(),
  attempt: z.number().int().positive(),
  durationMs: z.number().nonnegative(),
  at: z.iso.datetime(),
  groupId: id,
  signature: z
    .object({ verdict: z.enum(['valid', 'invalid', 'missing', 'unchecked']), reason: z.string() })
    .optional(),
  schema: z
    .object({
      verdict: z.enum(['valid', 'invalid', 'unknown']),
      reason: z.string().optional(),
      problems: z.array(z.object({ pointer: z.string(), message: z.string() })).optional(),
      notes: z.array(z.object({ pointer: z.string(), message: z.string() })).optional(),
    })
    .optional(),
  error: error.optional(),
  retryOf: id.optional(),
  replayOf: id.optional(),
  forwardOf: id.optional(),
  forward: z
    .object({
      deliveryId: id,
      url: z.string(),
      status: z.number().int().nullable(),
      durationMs: z.number().nonnegative(),
      error: error.optional(),
    })
    .optional(),
  simulated: z.string().optional(),
});

/** Lines of a stream that are not deliveries carry a type. */
export const streamLineSchema = z.union([
  deliveryJsonSchema.refine((line) => !('type' in line), 'a delivery line carries no type'),
  z.looseObject({ type: z.enum(['summary', 'wait', 'planned', 'marked-failed', 'skipped']) }),
]);
