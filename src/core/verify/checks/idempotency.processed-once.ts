import { evidenceOf, is2xx, type Check } from '../kit.js';

/** Four copies of one event, then the receiver's own count of how often it processed that id. */
export const idempotencyProcessedOnce: Check = {
  name: 'idempotency.processed-once',
  description: "four copies of one event are processed once, by the receiver's own count (--effects-url)",
  async run(ctx) {
    if (!ctx.processedCount)
      return {
        status: 'skip',
        message: 'no effects URL: give one that answers how many times an event id was processed',
        evidence: [],
      };
    const built = ctx.build(ctx.primary);
    const eventId = built.eventId;
    if (eventId === undefined)
      return { status: 'skip', message: `${ctx.provider.id} events carry no id to count by`, evidence: [] };
    const probe = {
      label: built.event,
      body: built.body,
      headers: ctx.sign(built.body, { messageId: eventId }),
    };
    const results = [
      await ctx.send(probe),
      await ctx.send(probe),
      ...(await Promise.all([ctx.send(probe), ctx.send(probe)])),
    ];
    const refused = results.filter((r) => !is2xx(r));
    if (refused.length > 0)
      return {
        status: 'fail',
        message: `${refused.length} of 4 copies were not answered with 2xx`,
        evidence: refused.slice(0, 2).map((r) => evidenceOf(ctx, probe, r)),
        hint: 'answer 2xx to a duplicate event id and skip its processing',
      };
    let count: number;
    try {
      count = await ctx.processedCount(eventId);
    } catch (error) {
      return {
        status: 'fail',
        message: `could not read the effects URL: ${(error as Error).message}`,
        evidence: [],
      };
    }
    if (count === 1)
      return { status: 'pass', message: `4 copies of ${eventId}, processed once`, evidence: [] };
    if (count === 0)
      return {
        status: 'warn',
        message: `4 copies of ${eventId} acknowledged, but the effects URL counts none processed (yet?)`,
        evidence: [],
        hint: 'count an event when it is processed; a queue that has not run yet reads as 0',
      };
    return {
      status: 'fail',
      message: `4 copies of ${eventId} were processed ${count} times`,
      evidence: [],
      hint: 'remember processed event ids (a unique key in your database) and skip an id already seen',
    };
  },
};
