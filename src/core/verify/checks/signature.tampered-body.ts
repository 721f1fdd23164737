import { expectRejected, type Check } from '../kit.js';

export const signatureTamperedBody: Check = {
  name: 'signature.tampered-body',
  description: 'a body changed after signing gets 4xx (401 ideal)',
  run: (ctx) => {
    const built = ctx.build(ctx.primary);
    const headers = ctx.sign(built.body, { messageId: built.eventId });
    const tampered = JSON.stringify({ ...built.payload, tampered: true });
    return expectRejected(
      ctx,
      { label: `${built.event}, body changed after signing`, body: tampered, headers },
      'compute the HMAC over the body you received, every byte of it',
    );
  },
};
