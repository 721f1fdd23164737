import { evidenceOf, is4xx, is5xx, schemeIn, type Check, type Evidence } from '../kit.js';
import { malformedVariants } from '../variants.js';

export const signatureMalformed: Check = {
  name: 'signature.malformed',
  description: 'truncated, wrong-version, bad hex/base64 signatures get 4xx, never 5xx',
  async run(ctx) {
    const built = ctx.build(ctx.primary);
    const timestamp = ctx.now();
    const valid = ctx.sign(built.body, { messageId: built.eventId, timestamp });
    const bad: Evidence[] = [];
    let crashed = false;
    const variants = malformedVariants(schemeIn(ctx), valid, timestamp);
    for (const variant of variants) {
      const probe = { label: `${built.event}, ${variant.label}`, body: built.body, headers: variant.headers };
      const result = await ctx.send(probe);
      if (!is4xx(result)) {
        crashed ||= is5xx(result) || result.status === null;
        bad.push(evidenceOf(ctx, probe, result));
      }
    }
    if (bad.length === 0)
      return {
        status: 'pass',
        message: `${variants.length}/${variants.length} malformed signatures rejected with 4xx`,
        evidence: [],
      };
    return {
      status: 'fail',
      message: `${bad.length} of ${variants.length} malformed signatures were ${crashed ? 'not answered with 4xx (a crash?)' : 'accepted'}`,
      evidence: bad.slice(0, 3),
      hint: 'parse the signature header defensively: a bad header is a 401, never an exception',
    };
  },
};
