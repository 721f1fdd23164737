import { expectRejected, signed, type Check } from '../kit.js';

export const signatureWrongSecret: Check = {
  name: 'signature.wrong-secret',
  description: 'a delivery signed with another secret gets 4xx (401 ideal)',
  run: (ctx) =>
    expectRejected(
      ctx,
      signed(ctx, ctx.primary, { secret: ctx.wrongSecret }),
      'compare the signature with one computed from your secret, and answer 401 when they differ',
    ),
};
