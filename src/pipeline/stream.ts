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

/** Something the person watching should know as it happens (Ctrl-C is waiting for answers). */
export interface NoteEvent {
  type: 'note';
  message: string;
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
  DeliveryEvent | WaitEvent | WarningEvent | NoteEvent | SkippedEvent | MarkedFailedEvent | SummaryEvent;

/** What emit reports: why a durable sink could not keep the event, when it could not. */
export interface EmitOutcome {
  unwritten?: string;
}

const KEPT: EmitOutcome = Object.freeze({});

/**
 * A subscriber. A sink that returns a promise holds the producer until it settles: the log does,
 * so a delivery is answered or counted only once its record is written; the NDJSON writer does
 * while stdout is full. A sink handles its own failures; it never throws into a producer. A durable
 * sink that could not keep an event resolves with the reason, and the producer decides: the
 * listener answers 503, a sender goes on.
 */
export interface Sink {
  accept(event: StreamEvent): void | Promise<void | EmitOutcome>;
  /** Takes a burst of events in one call (a load run's answers); else each goes to `accept`. */
  acceptAll?(events: readonly StreamEvent[]): void | Promise<void | EmitOutcome>;
  /** Gets ready before the first event (the log opens its file), so a failure shows at once. */
  open?(): Promise<void>;
  /** Why it can no longer keep events, once it cannot. */
  failure?(): string | undefined;
  close?(): void | Promise<void>;
}

function settled(waits: Promise<void | EmitOutcome>[] | undefined): Promise<EmitOutcome> {
  if (!waits) return Promise.resolve(KEPT);
  if (waits.length === 1) return waits[0]!.then((outcome) => outcome ?? KEPT);
  return Promise.all(waits).then((outcomes) => outcomes.find((o) => o?.unwritten) ?? KEPT);
}

/** The one stream every producer emits delivery events on, and every sink reads. */
export class DeliveryStream {
  private readonly sinks: Sink[] = [];

  subscribe(sink: Sink): this {
    this.sinks.push(sink);
    return this;
  }

  emit(event: StreamEvent): Promise<EmitOutcome> {
    let waits: Promise<void | EmitOutcome>[] | undefined;
    for (const sink of this.sinks) {
      const pending = sink.accept(event);
      if (pending) (waits ??= []).push(pending);
    }
    return settled(waits);
  }

  /**
   * A burst of events in order, as `emit` would take them one by one, but with one wait for the
   * burst: a load run emits thousands of deliveries a second.
   */
  emitAll(events: readonly StreamEvent[]): Promise<EmitOutcome> {
    let waits: Promise<void | EmitOutcome>[] | undefined;
    for (const sink of this.sinks) {
      if (sink.acceptAll) {
        const pending = sink.acceptAll(events);
        if (pending) (waits ??= []).push(pending);
        continue;
      }
      for (const event of events) {
        const pending = sink.accept(event);
        if (pending) (waits ??= []).push(pending);
      }
    }
    return settled(waits);
  }

  /** Readies every sink that needs it, before the first event. */
  async open(): Promise<void> {
    for (const sink of this.sinks) await sink.open?.();
  }

  /** Why a durable sink can no longer keep deliveries, once one cannot. */
  failure(): string | undefined {
    for (const sink of this.sinks) {
      const why = sink.failure?.();
      if (why !== undefined) return why;
    }
    return undefined;
  }

  /** Lets every sink finish: the log writes what is queued, the terminal prints what is buffered. */
  async close(): Promise<void> {
    for (const sink of this.sinks) await sink.close?.();
  }
}
