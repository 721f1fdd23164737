import type { Check } from '../kit.js';
import { bodyOversized } from './body.oversized.js';
import { idempotencyAcknowledged } from './idempotency.acknowledged.js';
import { idempotencyProcessedOnce } from './idempotency.processed-once.js';
import { orderingOutOfOrder } from './ordering.out-of-order.js';
import { signatureMalformed } from './signature.malformed.js';
import { signatureMissing } from './signature.missing.js';
import { signatureRawBytes } from './signature.raw-bytes.js';
import { signatureRotation } from './signature.rotation.js';
import { signatureTamperedBody } from './signature.tampered-body.js';
import { signatureValid } from './signature.valid.js';
import { signatureWrongSecret } from './signature.wrong-secret.js';
import { timestampFuture } from './timestamp.future.js';
import { timestampStale } from './timestamp.stale.js';

/** Every check, in the order it runs; adding one is a file here and a line in this list. */
export const CHECKS: readonly Check[] = [
  signatureValid,
  signatureMissing,
  signatureWrongSecret,
  signatureTamperedBody,
  signatureRawBytes,
  signatureMalformed,
  signatureRotation,
  timestampStale,
  timestampFuture,
  idempotencyAcknowledged,
  idempotencyProcessedOnce,
  orderingOutOfOrder,
  bodyOversized,
];
