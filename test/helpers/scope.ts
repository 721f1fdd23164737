import { afterEach } from 'vitest';
import { verify } from '../../src/core/schemes/index.js';
import { startReceiver, type Receiver } from './receiver.js';

/** Things a test starts, closed after each test: register with `later`, or start receivers here. */
export function testScope() {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((fn) => fn()));
  });
  return {
    later: (fn: () => Promise<unknown>) => cleanup.push(fn),
    async receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
      const r = await startReceiver(...args);
      cleanup.push(() => r.close());
      return r;
    },
  };
}

/** A receiver's answer that accepts only currently valid Tracktile signatures, tolerance included. */
export const acceptsFreshTracktile = (secret: string) => (req: { body: Buffer; headers: object }) => ({
  status: verify('tracktile', {
    secret,
    body: req.body,
    headers: req.headers as Record<string, string>,
    now: Math.floor(Date.now() / 1000),
  }).ok
    ? 200
    : 401,
});
