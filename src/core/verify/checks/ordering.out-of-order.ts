import { evidenceOf, is2xx, signed, type Check, type Evidence } from '../kit.js';

export const orderingOutOfOrder: Check = {
  name: 'ordering.out-of-order',
  description: 'a lifecycle delivered backwards gets 2xx',
  async run(ctx) {
    if (ctx.lifecycle.length < 2) {
      return { status: 'skip', message: `no lifecycle is known for ${ctx.provider.id}`, evidence: [] };
    }
    const bad: Evidence[] = [];
    for (const def of [...ctx.lifecycle].reverse()) {
      const probe = signed(ctx, def);
      const result = await ctx.send(probe);
      if (!is2xx(result)) bad.push(evidenceOf(ctx, probe, result));
    }
    const order = [...ctx.lifecycle]
      .reverse()
      .map((d) => d.name)
      .join(' → ');
    if (bad.length === 0) return { status: 'pass', message: `accepted ${order}`, evidence: [] };
    return {
      status: 'fail',
      message: `refused ${bad.length} of ${ctx.lifecycle.length} events sent as ${order}`,
      evidence: bad,
      hint: 'events can arrive in any order: accept them, and order by their timestamps or fetch the current state',
    };
  },
};
