import { evidenceOf, is2xx, schemeIn, signed, type Check, type Evidence } from '../kit.js';

export const signatureValid: Check = {
  name: 'signature.valid',
  description: 'a correctly signed delivery of every event type gets 2xx',
  async run(ctx) {
    const refused: Evidence[] = [];
    for (const def of ctx.events) {
      const probe = signed(ctx, def);
      const result = await ctx.send(probe);
      if (!is2xx(result)) refused.push(evidenceOf(ctx, probe, result));
    }
    const n = ctx.events.length;
    if (refused.length === 0)
      return { status: 'pass', message: `${n}/${n} event types accepted`, evidence: [] };
    return {
      status: 'fail',
      message: `${refused.length} of ${n} correctly signed deliveries were not answered with 2xx`,
      evidence: refused.slice(0, 3),
      hint: `check the secret, verify ${schemeIn(ctx).headers[0]} over the raw body, and answer 2xx to every event type, even ones you ignore`,
    };
  },
};
