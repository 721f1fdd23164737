import type { ChalkInstance } from 'chalk';

/**
 * chalk at level 0 without loading chalk (its styles take about half a millisecond to build): every
 * style, however chained, gives back its text as chalk would, joined by spaces.
 */
export const plainColor: ChalkInstance = new Proxy(
  ((...text: unknown[]) => (text.length === 1 ? String(text[0]) : text.join(' '))) as ChalkInstance,
  {
    // Not a promise (`then`) and no symbol-keyed behaviour: only style names chain.
    get: (_target, name) =>
      name === 'level' ? 0 : name === 'then' || typeof name === 'symbol' ? undefined : plainColor,
  },
);

/** Colours at `level`: chalk itself only when there is colour to show. */
export async function colorAt(level: 0 | 1 | 2 | 3): Promise<ChalkInstance> {
  return level === 0 ? plainColor : new (await import('chalk')).Chalk({ level });
}
