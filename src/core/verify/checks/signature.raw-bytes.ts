import { evidenceOf, is2xx, schemeIn, type Check } from '../kit.js';
import { reformatted } from '../variants.js';

export const signatureRawBytes: Check = {
  name: 'signature.raw-bytes',
  description: 'a body formatted differently (indented, keys reordered) and signed correctly gets 2xx',
  async run(ctx) {
    const built = ctx.build(ctx.primary);
    const body = reformatted(built.payload);
    const probe = {
      label: `${built.event}, indented with keys reordered`,
      body,
      headers: ctx.sign(body, { messageId: built.eventId }),
    };
    const result = await ctx.send(probe);
    if (is2xx(result)) return { status: 'pass', message: 'verified over the raw bytes', evidence: [] };
    const document = schemeIn(ctx).rawBody;
    if (document?.demand === 'reserialized')
      // The vendor's own sample re-serializes, so a receiver that follows it is not wrong, only fragile.
      return {
        status: 'warn',
        message: `answered ${result.status ?? result.error}: the receiver verifies a re-serialized body, as ${document.source} does; that works only while the sender's serialization matches (compact JSON.stringify) and breaks with any other sender or language (Python's json.dumps defaults never match)`,
        evidence: [evidenceOf(ctx, probe, result)],
        hint: 'compute the HMAC over the raw request body before parsing it (express.raw(), not JSON.stringify(req.body))',
      };
    return {
      status: 'fail',
      message: `answered ${result.status ?? result.error}: the receiver seems to verify a re-serialized body, not the bytes it received`,
      evidence: [evidenceOf(ctx, probe, result)],
      hint: 'compute the HMAC over the raw request body before parsing it (express.raw(), not JSON.stringify(req.body))',
    };
  },
};
