import type { DeliveryRecord } from '../core/delivery.js';

/**
 * How a delivery is shown. Unset: a delivery of its own. `leg`: a forward leg, shown inside the
 * delivery it passed on (logged only). `echo`: what the in-process receiver of send or scenario got,
 * shown under the send it answers. `resent`: sent again from the web inspector.
 */
export type DeliveryRole = 'leg' | 'echo' | 'resent';

export interface DeliveryEvent {
  type: 'delivery';
  record: DeliveryRecord;
  role?: DeliveryRole;
  /** Fields a producer adds to the delivery's JSON line: a scenario's step, a retry's outcome. */
  extra?: Record<string, unknown>;
}

export interface WaitEvent {
  type: 'wait';
  nextAttempt: number;
  /** Simulated time until the next attempt. */
  delayMs: number;
  /** Real time it takes at the chosen speed. */
  realMs: number;
  retryAfter: boolean;
}

export interface WarningEvent {
  type: 'warning';
  message: string;
  hint?: string;
}

/** A delivery a producer passed over, with why. */
export interface SkippedEvent {
  type: 'skipped';
  deliveryId: string;
  reason: string;
}

export interface MarkedFailedEvent {
  type: 'marked-failed';
  afterAttempt: number;
}

/** The end of a run (or its part before Ctrl-C): `of` names the producer, the rest is its figures. */
export interface SummaryEvent {
  type: 'summary';
  of: 'send' | 'replay' | 'retry' | 'scenario' | 'listen';
  interrupted?: boolean;
  [figure: string]: unknown;
}

export type StreamEvent =
  DeliveryEvent | WaitEvent | WarningEvent | SkippedEvent | MarkedFailedEvent | SummaryEvent;

/**
 * A subscriber. A sink that returns a promise holds the producer until it settles: the log does,
 * so a delivery is answered or counted only once its record is written; the NDJSON writer does
 * while stdout is full. A sink handles its own failures; it never throws into a producer, except
 * the log in a producer that acknowledges deliveries: its rejection means "answer 503".
 */
export interface Sink {
  accept(event: StreamEvent): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** The one stream every producer emits delivery events on, and every sink reads. */
export class DeliveryStream {
  private readonly sinks: Sink[] = [];

  subscribe(sink: Sink): this {
    this.sinks.push(sink);
    return this;
  }

  emit(event: StreamEvent): Promise<void> {
    let waits: Promise<void>[] | undefined;
    for (const sink of this.sinks) {
      const pending = sink.accept(event);
      if (pending) (waits ??= []).push(pending);
    }
    if (!waits) return Promise.resolve();
    return waits.length === 1 ? waits[0]! : Promise.all(waits).then(() => undefined);
  }

  /** Lets every sink finish: the log writes what is queued, the terminal prints what is buffered. */
  async close(): Promise<void> {
    for (const sink of this.sinks) await sink.close?.();
  }
}
