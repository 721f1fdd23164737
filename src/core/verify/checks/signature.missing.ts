import { expectRejected, schemeIn, signed, withoutSignature, type Check } from '../kit.js';

export const signatureMissing: Check = {
  name: 'signature.missing',
  description: 'a delivery without a signature gets 4xx (401 ideal)',
  run: (ctx) => {
    const probe = signed(ctx, ctx.primary);
    return expectRejected(
      ctx,
      { ...probe, headers: withoutSignature(ctx, probe.headers) },
      `reject deliveries that carry no ${schemeIn(ctx).headers[0]} header with 401`,
    );
  },
};
