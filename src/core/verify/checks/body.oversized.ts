import { evidenceOf, is2xx, is4xx, type Check } from '../kit.js';

export const bodyOversized: Check = {
  name: 'body.oversized',
  description: 'a body of several MiB gets 4xx or a closed connection, never 5xx',
  async run(ctx) {
    const built = ctx.build(ctx.primary);
    const body = JSON.stringify({ ...built.payload, padding: 'x'.repeat(ctx.oversizedBytes) });
    const probe = {
      label: `${built.event}, padded`,
      body,
      headers: ctx.sign(body, { messageId: built.eventId }),
    };
    const result = await ctx.send(probe);
    const evidence = [evidenceOf(ctx, probe, result)];
    if (result.status === null) return { status: 'pass', message: 'the connection was closed', evidence: [] };
    if (is4xx(result)) return { status: 'pass', message: `refused with ${result.status}`, evidence: [] };
    if (is2xx(result))
      return {
        status: 'warn',
        message: `accepted ${Math.round(Buffer.byteLength(body) / 1048576)} MiB`,
        evidence,
        hint: 'limit request bodies (1 MiB is plenty for webhooks) and answer 413',
      };
    return {
      status: 'fail',
      message: `answered ${result.status}`,
      evidence,
      hint: 'limit request bodies and answer 413 rather than failing',
    };
  },
};
