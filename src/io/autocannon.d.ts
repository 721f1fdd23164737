// The part of autocannon's library API that the load engine uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface RequestData {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }

  export interface AutocannonClient extends EventEmitter {
    requestIterator: { context: Record<string, unknown> };
    reqsMade: number;
  }

  export interface AutocannonOptions {
    url: string;
    connections: number;
    amount: number;
    /** Seconds without an answer before the connection is reset. */
    timeout: number;
    requests: {
      method: string;
      setupRequest: (request: RequestData, context: Record<string, unknown>) => RequestData;
      onResponse: (
        status: number,
        body: string,
        context: Record<string, unknown>,
        headers: Record<string, string>,
      ) => void;
    }[];
    setupClient: (client: AutocannonClient) => void;
  }

  function autocannon(
    options: AutocannonOptions,
    done: (error: Error | null, result: unknown) => void,
  ): EventEmitter & { stop(): void };

  export default autocannon;
}
