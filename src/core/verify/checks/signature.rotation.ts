import { evidenceOf, is2xx, schemeIn, type Check } from '../kit.js';

export const signatureRotation: Check = {
  name: 'signature.rotation',
  description: 'one valid signature among decoys gets 2xx (schemes that carry several)',
  async run(ctx) {
    const built = ctx.build(ctx.primary);
    const variant = schemeIn(ctx).rotation?.(
      ctx.sign(built.body, { messageId: built.eventId }),
      ctx.wrongSecret,
    );
    if (!variant)
      return { status: 'skip', message: `the ${ctx.scheme} scheme carries one signature`, evidence: [] };
    const probe = { label: `${built.event}, ${variant.label}`, body: built.body, headers: variant.headers };
    const result = await ctx.send(probe);
    if (is2xx(result))
      return { status: 'pass', message: 'accepted a valid signature among decoys', evidence: [] };
    return {
      status: 'fail',
      message: `answered ${result.status ?? result.error}`,
      evidence: [evidenceOf(ctx, probe, result)],
      hint: 'accept the delivery when any one of the listed signatures matches (this is how secrets are rotated)',
    };
  },
};
