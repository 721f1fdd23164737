import path from 'node:path';
import type { EventDef } from '../core/catalog.js';
import { UsageError } from '../core/errors.js';
import type { CheckResult } from '../core/verify/index.js';
import type { FuzzAnswer, FuzzFailure } from '../fuzz/run.js';
import { schemaFor } from '../schema/registry.js';
import type { VerifyContext } from '../core/verify/index.js';
import type { HttpClient } from '../io/http.js';
import type { Context } from '../ui/context.js';
import type { OptionsOf } from './declare.js';
import type { verifyOptions } from './verify/options.js';
import { writeNamedFile } from '../io/write-file.js';

const DEFAULT_RUNS = 100;
const DEFAULT_TIME_LIMIT_MS = 60_000;

export interface FuzzSetup {
  target: string;
  provider: string;
  scheme?: string;
  events: readonly EventDef[];
  deadlineMs: number;
  runs?: number;
  seed?: number;
  timeLimitMs?: number;
  /** Where the reproduction files go: next to the report, else the working folder. */
  output?: string;
  send: (event: string, body: string) => Promise<FuzzAnswer>;
  probe: () => Promise<FuzzAnswer>;
}

/** The fuzz properties over this run's sender: each generated body signed as the other checks sign theirs. */
export function fuzzVerify(
  ctx: Context,
  verify: VerifyContext,
  options: OptionsOf<typeof verifyOptions>,
  http: { target: string; dispatcher: HttpClient },
) {
  // A late answer already fails; waiting a little past the deadline tells late from never, and one
  // hang costs about the deadline, not undici's coarse timer.
  const waitMs = verify.deadlineMs + Math.min(verify.deadlineMs, 1000);
  const answer = (body: string) =>
    postWithin(http.target, verify.sign(body), body, waitMs, http.dispatcher, () =>
      ctx.runtime.monotonicMs(),
    );
  return fuzzChecks(ctx, {
    target: http.target,
    provider: verify.provider.id,
    scheme: options.scheme,
    events: verify.events,
    deadlineMs: verify.deadlineMs,
    runs: options.runs,
    seed: options.seed,
    timeLimitMs: options.timeLimit,
    output: options.output,
    send: (_event, body) => answer(body),
    probe: () => answer(verify.build(verify.primary).body),
  });
}

async function postWithin(
  url: string,
  headers: Record<string, string>,
  body: string,
  waitMs: number,
  dispatcher: HttpClient,
  clock: () => number,
): Promise<FuzzAnswer> {
  const start = clock();
  const signal = AbortSignal.timeout(waitMs);
  try {
    const target = new URL(url);
    const response = await dispatcher
      .pool(target.origin)
      .request({ path: `${target.pathname}${target.search}`, method: 'POST', headers, body, signal });
    await response.body.arrayBuffer();
    return { status: response.statusCode, durationMs: clock() - start };
  } catch (error) {
    const durationMs = clock() - start;
    if (signal.aborted)
      return {
        status: null,
        durationMs,
        error: { code: 'TIMEOUT', message: `no answer within ${waitMs} ms` },
      };
    const err = error as { code?: string; message?: string };
    return {
      status: null,
      durationMs,
      error: {
        code: err.code ?? 'NETWORK',
        message: `${err.message ?? String(error)}${err.code ? ` (${err.code})` : ''}`,
      },
    };
  }
}

/** A shell word as typed: quoted only when it has to be. */
const word = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `verify --fuzz`: fast-check loads here, only for a fuzzing run. */
export async function fuzzChecks(
  ctx: Context,
  setup: FuzzSetup,
): Promise<{ seed: number; checks: CheckResult[] }> {
  const seed = setup.seed ?? Math.floor(ctx.runtime.random() * 2 ** 32);
  const runs = setup.runs ?? DEFAULT_RUNS;
  const events = setup.events.flatMap((def) => {
    const schema = schemaFor(def.provider, def.name);
    return schema ? [{ name: def.name, schema }] : [];
  });
  if (events.length === 0)
    throw new UsageError(`none of the chosen ${setup.provider} events has a schema to fuzz from`);
  ctx.err(
    `Fuzzing ${events.length} event type${events.length === 1 ? '' : 's'} with --seed ${seed} (${runs} runs per property; the same seed repeats this run)`,
  );
  const { runFuzz } = await import('../fuzz/run.js');
  const results = await runFuzz(
    { send: setup.send, probe: setup.probe },
    {
      runs,
      seed,
      timeLimitMs: setup.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
      deadlineMs: setup.deadlineMs,
      events,
      monotonicMs: () => ctx.runtime.monotonicMs(),
    },
  );
  const folder = setup.output ? path.dirname(path.resolve(ctx.cwd, setup.output)) : ctx.cwd;
  const checks: CheckResult[] = [];
  for (const { check, failure } of results) {
    if (failure)
      check.hint = `${check.hint ?? ''}. Reproduce: ${await reproduction(folder, seed, failure, setup)}`;
    checks.push(check);
  }
  return { seed, checks };
}

/**
 * Writes the failing body byte for byte and returns the command that sends exactly it: `send --body`
 * signs the file as it is, where `--data` would merge it into the fixture and bring back the fields
 * the shrinking dropped.
 */
async function reproduction(
  folder: string,
  seed: number,
  failure: FuzzFailure,
  setup: FuzzSetup,
): Promise<string> {
  const file = path.join(folder, `fuzz-${seed}-${failure.property.replace(/^fuzz\./, '')}.json`);
  await writeNamedFile(file, failure.body);
  return [
    'mes-webhooks send',
    word(failure.event),
    `--provider ${word(setup.provider)}`,
    ...(setup.scheme ? [`--scheme ${word(setup.scheme)}`] : []),
    `--body ${word(file)}`,
    `--to ${word(setup.target)}`,
  ].join(' ');
}
