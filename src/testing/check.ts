import type { Payload } from '../core/providers/index.js';
import { globToRegExp } from '../core/query.js';
import type { SchemeId } from '../core/schemes/index.js';
import {
  CHECK_NAMES,
  createVerifyContext,
  preflightProbe,
  runSession,
  selectChecks,
  type CheckResult,
  type CheckStatus,
  type Evidence,
} from '../core/verify/index.js';
import { systemRuntime } from '../io/runtime.js';
import { DEV_SECRET } from '../io/config.js';
import { schemaFor } from '../schema/registry.js';
import { USER_AGENT } from '../version.js';
import { catalog, providerFor, readClock, registry, type Clock } from './event.js';
import { openKitLog, type LogOption } from './log.js';
import { openTarget, type FetchHandler, type Target } from './transport.js';

export interface CheckReceiverOptions {
  provider?: string;
  scheme?: SchemeId;
  /** The receiver's secret; the development secret when absent. */
  secret?: string;
  /** Check names or globs to run (`signature.*`); all when empty. */
  only?: readonly string[];
  skip?: readonly string[];
  /** Event names or globs `signature.valid` sends; all of the provider's when absent. */
  events?: readonly string[];
  /** The request path for in-process targets (default `/`). */
  path?: string;
  /** The answer-time limit the `deadline` check holds to; the provider's when absent. */
  deadlineMs?: number;
  /** Milliseconds, for answer times; a fake clock the receiver advances makes slowness deterministic. */
  clock?: () => number;
  /** When events are built and signed. */
  now?: Clock;
  /**
   * How many times the receiver processed an event id, by its own count: runs
   * `idempotency.processed-once` (verify's --effects-url), which is skipped without it.
   */
  processedCount?: (eventId: string) => number | Promise<number>;
  log?: LogOption;
  /**
   * Also fuzz the receiver with schema-driven payloads, as `verify --fuzz` does: `fuzz.valid`,
   * `fuzz.deadline`, `fuzz.invalid` and `fuzz.alive` join the results, a failure shrunk to its
   * minimal body (in the message). Deterministic by `seed`.
   */
  fuzz?: { runs?: number; seed?: number; timeLimitMs?: number };
}

const FUZZ_RUNS = 100;
const FUZZ_TIME_LIMIT_MS = 60_000;

export interface ReceiverCheck {
  id: string;
  status: CheckStatus;
  description: string;
  /** One line, then the evidence and the hint for a failure or warning: it reads like the CLI's report. */
  message: string;
  /** The one-line verdict alone. */
  summary: string;
  hint?: string;
  evidence: Evidence[];
  durationMs: number;
}

/** The check ids, in the order they run. */
export const CHECK_IDS: readonly string[] = CHECK_NAMES;

function parsed(body: string): Payload | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Payload) : undefined;
  } catch {
    return undefined;
  }
}

function fullMessage(result: CheckResult): string {
  const lines = [`${result.name}: ${result.message}`];
  if (result.status === 'fail' || result.status === 'warn') {
    for (const e of result.evidence) lines.push(`  sent:     ${e.sent}`, `  received: ${e.received}`);
    if (result.hint) lines.push(`  hint: ${result.hint}`);
  }
  return lines.join('\n');
}

/** Runs `mes-webhooks verify`'s checks against `target`, in-process where the target allows. */
export function checkReceiver(target: FetchHandler, options?: CheckReceiverOptions): Promise<ReceiverCheck[]>;
export function checkReceiver(target: Target, options?: CheckReceiverOptions): Promise<ReceiverCheck[]>;
export async function checkReceiver(
  target: Target,
  options: CheckReceiverOptions = {},
): Promise<ReceiverCheck[]> {
  const provider = providerFor(options.provider);
  const scheme = options.scheme ?? provider.scheme;
  const all = catalog.ofProvider(provider.id);
  const events = options.events
    ? all.filter((e) => options.events!.some((p) => globToRegExp(p).test(e.name)))
    : all;
  if (events.length === 0) throw new TypeError(`events matches none of the ${provider.id} events`);
  for (const name of [...(options.only ?? []), ...(options.skip ?? [])]) {
    if (!CHECK_NAMES.some((check) => globToRegExp(name).test(check)))
      throw new TypeError(`no check is named "${name}"; the checks are ${CHECK_NAMES.join(', ')}`);
  }
  const deadlineMs = options.deadlineMs ?? provider.deadlineMs;
  const clock = options.clock ?? (() => performance.now());
  const transport = await openTarget(target, { clock, timeoutMs: Math.max(10_000, deadlineMs * 2) });
  const log = openKitLog(options.log);
  const runtime = {
    now: () => (options.now === undefined ? systemRuntime.now() : readClock(options.now)),
    uuid: systemRuntime.uuid,
    random: systemRuntime.random,
  };
  const secret = options.secret ?? DEV_SECRET;
  const context = createVerifyContext({
    registry,
    provider,
    scheme,
    secret,
    events,
    find: (name, id) => catalog.find(name, id),
    deadlineMs,
    runtime,
    userAgent: USER_AGENT,
    ...(options.processedCount
      ? { processedCount: async (eventId: string) => options.processedCount!(eventId) }
      : {}),
    send: async (probe) => {
      const at = runtime.now();
      const answer = await transport.send({
        ...(options.path === undefined ? {} : { path: options.path }),
        headers: probe.headers,
        body: probe.body,
      });
      if (log.enabled) {
        const body = typeof probe.body === 'string' ? probe.body : probe.body.toString('utf8');
        const payload = parsed(body);
        const event = payload ? (provider.eventType(payload) ?? null) : null;
        const eventId = payload ? (provider.eventId(payload) ?? null) : null;
        await log.record(
          { provider: provider.id, event, eventId, scheme, body, headers: probe.headers },
          answer,
          {
            kind: 'send',
            at,
          },
        );
      }
      return {
        status: answer.status,
        durationMs: answer.durationMs,
        body: answer.body.toString('utf8'),
        ...(answer.error ? { error: answer.error } : {}),
      };
    },
  });
  try {
    // A receiver that is not running is one clear error, not thirteen failed checks.
    const first = preflightProbe(context);
    const preflight = await transport.send({
      ...(options.path === undefined ? {} : { path: options.path }),
      headers: first.headers,
      body: first.body,
    });
    if (preflight.status === null && preflight.errorCode === 'ECONNREFUSED')
      throw new Error(`${preflight.error}: start the receiver before checking it`);
    const results = await runSession(context, selectChecks(options.only ?? [], options.skip ?? []), {
      // A receiver that never answers gets every check run, each failing with what it saw.
      preflightStatus: preflight.status ?? 0,
      clock,
      secretHint: `signed with ${options.secret === undefined ? 'the development secret' : 'the given secret'}; pass the receiver's secret as the \`secret\` option`,
    });
    if (options.fuzz) {
      const { runFuzz } = await import('../fuzz/run.js');
      const post = async (body: string) => {
        const answer = await transport.send({
          ...(options.path === undefined ? {} : { path: options.path }),
          headers: context.sign(body),
          body,
        });
        return {
          status: answer.status,
          durationMs: answer.durationMs,
          ...(answer.error ? { error: { code: answer.errorCode ?? 'NETWORK', message: answer.error } } : {}),
        };
      };
      const fuzzed = await runFuzz(
        { send: (_event, body) => post(body), probe: () => post(context.build(context.primary).body) },
        {
          runs: options.fuzz.runs ?? FUZZ_RUNS,
          seed: options.fuzz.seed ?? Math.floor(runtime.random() * 2 ** 31),
          timeLimitMs: options.fuzz.timeLimitMs ?? FUZZ_TIME_LIMIT_MS,
          deadlineMs,
          events: events.flatMap((e) => {
            const schema = schemaFor(e.provider, e.name);
            return schema ? [{ name: e.name, schema }] : [];
          }),
          monotonicMs: clock,
        },
      );
      for (const { check, failure } of fuzzed)
        results.push(
          failure
            ? { ...check, message: `${check.message}; shrunk ${failure.event} body: ${failure.body}` }
            : check,
        );
    }
    return results.map((result) => ({
      id: result.name,
      status: result.status,
      description: result.description,
      message: fullMessage(result),
      summary: result.message,
      ...(result.hint ? { hint: result.hint } : {}),
      evidence: result.evidence,
      durationMs: result.durationMs,
    }));
  } finally {
    await transport.close();
    await log.close();
  }
}

/** The failed checks' messages, one block each; empty when nothing failed. For `expect(...).toEqual([])`. */
export function failures(results: readonly ReceiverCheck[]): string[] {
  return results.filter((r) => r.status === 'fail').map((r) => r.message);
}
