import { evidenceOf, is2xx, is4xx, schemeIn, signed, type Check } from '../kit.js';

/** timestamp.stale and timestamp.future: one probe 10 minutes off, judged by the scheme's own rule. */
export function timestampCheck(which: 'stale' | 'future'): Check {
  return {
    name: `timestamp.${which}`,
    description: `a correctly signed delivery with a timestamp 10 minutes ${which === 'stale' ? 'old' : 'ahead'} gets 4xx`,
    async run(ctx) {
      const scheme = schemeIn(ctx);
      const tolerance = scheme.toleranceSec;
      if (tolerance === null)
        return { status: 'skip', message: `the ${ctx.scheme} scheme signs no timestamp`, evidence: [] };
      const offset = (which === 'stale' ? -1 : 1) * 600;
      const probe = signed(ctx, ctx.primary, { timestamp: ctx.now() + offset });
      const result = await ctx.send({
        ...probe,
        label: `${probe.label}, timestamp ${which === 'stale' ? '10 min old' : '10 min ahead'}`,
      });
      const evidence = [evidenceOf(ctx, probe, result)];
      if (is4xx(result)) return { status: 'pass', message: `rejected with ${result.status}`, evidence: [] };
      const hint = `reject timestamps more than ${tolerance / 60} minutes from your clock, to stop replayed deliveries`;
      const rule = scheme.timestampRule?.[which] ?? 'required';
      const source = scheme.timestampRule?.source ?? `the ${ctx.scheme} document`;
      if (is2xx(result) && rule === 'none')
        return {
          status: 'skip',
          message: `accepted, which ${source} allows: it limits only a timestamp's age, as Stripe-style verifiers do`,
          evidence: [],
        };
      if (is2xx(result) && rule === 'advised') {
        return {
          status: 'warn',
          message: `accepted: ${source} leaves the tolerance to the receiver, but one is advised`,
          evidence,
          hint,
        };
      }
      return {
        status: 'fail',
        message: is2xx(result)
          ? `accepted with ${result.status}`
          : `answered ${result.status ?? result.error}`,
        evidence,
        hint,
      };
    },
  };
}
