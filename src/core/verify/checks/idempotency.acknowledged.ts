import { evidenceOf, is2xx, signed, type Check } from '../kit.js';

/** Sees only the answers: a receiver that processes every copy passes too (idempotency.processed-once sees effects). */
export const idempotencyAcknowledged: Check = {
  name: 'idempotency.acknowledged',
  description: 'duplicates are acknowledged: the same event twice, and twice at once, gets 2xx every time',
  async run(ctx) {
    const probe = signed(ctx, ctx.primary);
    const results = [
      await ctx.send(probe),
      await ctx.send(probe),
      ...(await Promise.all([ctx.send(probe), ctx.send(probe)])),
    ];
    const bad = results.filter((r) => !is2xx(r));
    if (bad.length === 0)
      return {
        status: 'pass',
        message: '4/4 copies answered 2xx (whether each was processed once is not visible here)',
        evidence: [],
      };
    return {
      status: 'fail',
      message: `${bad.length} of 4 copies of one event were not answered with 2xx`,
      evidence: bad.slice(0, 2).map((r) => evidenceOf(ctx, probe, r)),
      hint: 'platforms deliver at least once: answer 2xx to a duplicate event id and skip its processing',
    };
  },
};
