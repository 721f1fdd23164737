import { z } from '../zod.js';

/** Pieces several providers' envelopes share. */
export const eventName = z
  .string()
  .regex(/^[a-z_]+(\.[a-z_]+)+$/, 'an event name such as work_order.created');
export const isoTime = z.iso.datetime({ offset: true });
export const compactHex = (uuid: string, length: number) => uuid.replace(/-/g, '').slice(0, length);
