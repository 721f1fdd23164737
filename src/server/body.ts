import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyJson } from './reply.js';

/**
 * Reads a request's body up to `max` bytes. Resolves to the bytes, or to undefined when the body
 * was refused (answered 413 here) or the client went away mid-body (nothing to answer). Never rejects.
 */
export function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  max: number,
): Promise<Buffer | undefined> {
  const tooLarge = () => {
    res.setHeader('connection', 'close');
    replyJson(res, 413, { ok: false, error: `the body is over ${max} bytes` });
  };
  if (Number(req.headers['content-length']) > max) {
    tooLarge();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > max) {
        refused = true;
        chunks.length = 0;
        tooLarge();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => resolve(undefined));
    req.on('close', () => {
      if (!req.complete) resolve(undefined);
    });
    req.on('end', () => resolve(refused ? undefined : Buffer.concat(chunks)));
  });
}
