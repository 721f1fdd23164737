import path from 'node:path';
import { FailureError, UsageError } from '../core/errors.js';
import { globToRegExp } from '../core/query.js';
import {
  CHECK_NAMES,
  createVerifyContext,
  preflightProbe,
  runSession,
  selectChecks,
  type CheckResult,
} from '../core/verify/index.js';
import { createDispatcher, postBytes } from '../io/http.js';
import { checkedUrl, registryOf, resolveSecret } from '../io/config.js';
import type { Context } from '../ui/context.js';
import { junitReport, renderCheck, renderSummary, summarizeChecks } from '../ui/render-verify.js';
import { plainColor } from '../ui/plain.js';
import { USER_AGENT } from '../version.js';
import { catalogFor, describeSecret } from './common.js';
import type { OptionsOf } from './declare.js';
import type { verifyOptions } from './verify/options.js';
import { writeNamedFile } from '../io/write-file.js';

const MIN_REQUEST_TIMEOUT_MS = 10_000;

/** The one failure for a receiver that is not there or never answers; undefined when it answered. */
function preflightFailure(
  preflight: { status: number | null; error?: { code: string; message: string } },
  target: string,
  timeoutMs: number,
): CheckResult | undefined {
  if (preflight.status !== null) return undefined;
  const mute = preflight.error?.code === 'TIMEOUT';
  return {
    name: 'reachable',
    description: 'The receiver answers a correctly signed delivery',
    status: 'fail',
    message: mute
      ? `${target} took the connection but sent no answer within ${timeoutMs} ms`
      : (preflight.error?.message ?? `no answer from ${target}`),
    hint: mute
      ? 'answer every delivery (2xx at once, then process); the remaining checks were not run'
      : 'start your receiver first, then run verify against it',
    evidence: [],
    durationMs: 0,
  };
}

export async function verifyCommand(
  ctx: Context,
  url: string,
  options: OptionsOf<typeof verifyOptions>,
): Promise<number> {
  const target = checkedUrl(url);
  const { secret, source: secretSource } = resolveSecret(
    options.secret,
    ctx.env,
    ctx.config,
    options.provider ?? ctx.config.provider,
  );
  const registry = registryOf(ctx.config);
  const provider = registry.provider(options.provider ?? ctx.config.provider ?? 'mes')!;
  const scheme = options.scheme ?? provider.scheme;
  const catalog = await catalogFor(ctx);
  const all = catalog.ofProvider(provider.id);
  const events =
    options.events.length === 0
      ? all
      : all.filter((e) => options.events.some((p) => globToRegExp(p).test(e.name)));
  if (events.length === 0)
    throw new UsageError(
      `--events matches none of the ${provider.id} events`,
      `run \`mes-webhooks events --provider ${provider.id}\``,
    );
  for (const name of [...options.only, ...options.skip]) {
    if (!CHECK_NAMES.some((check) => globToRegExp(name).test(check))) {
      throw new UsageError(`no check is named "${name}"`, `the checks are ${CHECK_NAMES.join(', ')}`);
    }
  }
  if (
    !options.fuzz &&
    (options.runs !== undefined || options.seed !== undefined || options.timeLimit !== undefined)
  )
    throw new UsageError('--runs, --seed and --time-limit go with --fuzz', 'add --fuzz');
  const selected = selectChecks(options.only, options.skip);
  const deadlineMs = options.deadline ?? provider.deadlineMs;
  const dispatcher = createDispatcher(4);
  const timeoutMs = Math.max(MIN_REQUEST_TIMEOUT_MS, deadlineMs * 2);

  const post = (probe: { headers: Record<string, string>; body: string | Uint8Array }) =>
    postBytes(target, probe.headers, probe.body, { timeoutMs, dispatcher, runtime: ctx.runtime });
  const verifyContext = createVerifyContext({
    registry,
    provider,
    scheme,
    secret,
    events,
    find: (name, id) => catalog.find(name, id),
    deadlineMs,
    runtime: ctx.runtime,
    userAgent: USER_AGENT,
    processedCount: options.effectsUrl ? effectsReader(checkedUrl(options.effectsUrl), timeoutMs) : undefined,
    send: async (probe) => {
      const result = await post(probe);
      return {
        status: result.status,
        durationMs: result.durationMs,
        body: result.body.toString('utf8'),
        error: result.error?.message,
      };
    },
  });

  const pretty = options.reporter === 'pretty';
  const c = ctx.color;
  const print = (result: CheckResult) => {
    if (pretty) for (const line of renderCheck(c, result)) ctx.out(line);
  };
  const started = ctx.runtime.monotonicMs();
  const results: CheckResult[] = [];
  let fuzzSeed: number | undefined;

  // One correctly signed delivery first: a receiver that is down or mute is one failure, not thirteen.
  const preflight = await post(preflightProbe(verifyContext));
  const unreachable = preflightFailure(preflight, target, timeoutMs);
  if (unreachable) {
    await dispatcher.close();
    results.push(unreachable);
  } else {
    if (pretty)
      ctx.err(
        c.bold(
          `Verifying ${target} as ${provider.name} (${scheme} signatures, ${events.length} event types, deadline ${deadlineMs} ms)`,
        ),
      );
    const secretHint = `signed with ${describeSecret(secretSource)}; give the receiver's secret with --secret or MES_WEBHOOKS_SECRET`;
    // A correctly signed delivery refused: the secret is the likely cause, so fuzzing would only
    // blame the receiver's code for it.
    const secretSuspect = preflight.status === 401 || preflight.status === 403;
    try {
      if (options.fuzz && secretSuspect) {
        const refused: CheckResult = {
          name: 'fuzz.valid',
          description: 'A valid, correctly signed payload is never answered 5xx or with a dropped connection',
          status: 'fail',
          message: `correctly signed deliveries get ${preflight.status}: the secret is the likely cause, so nothing was fuzzed`,
          hint: secretHint,
          evidence: [],
          durationMs: 0,
        };
        results.push(refused);
        print(refused);
      } else if (options.fuzz) {
        const { fuzzVerify } = await import('./verify-fuzz.js');
        const fuzzed = await fuzzVerify(ctx, verifyContext, options, { target, dispatcher });
        fuzzSeed = fuzzed.seed;
        for (const check of fuzzed.checks) print(check);
        results.push(...fuzzed.checks);
      } else {
        results.push(
          ...(await runSession(verifyContext, selected, {
            preflightStatus: preflight.status!,
            clock: () => ctx.runtime.monotonicMs(),
            onResult: print,
            secretHint,
          })),
        );
      }
    } finally {
      await dispatcher.close();
    }
  }
  const summary = summarizeChecks(results, {
    target,
    provider: provider.id,
    scheme,
    durationMs: ctx.runtime.monotonicMs() - started,
  });

  let report: string | undefined;
  if (options.reporter === 'json')
    report = `${JSON.stringify({ summary: { ...summary, ...(fuzzSeed === undefined ? {} : { seed: fuzzSeed }) }, checks: results })}\n`;
  else if (options.reporter === 'junit') report = junitReport(results, summary);
  else if (options.output) {
    report = `${[...results.flatMap((r) => renderCheck(plainColor, r)), '', renderSummary(plainColor, summary)].join('\n')}\n`;
  }
  if (options.output) {
    const file = path.resolve(ctx.cwd, options.output);
    await writeNamedFile(file, report ?? '');
    ctx.err(`Wrote the ${options.reporter} report to ${file}.`);
  } else if (report && !unreachable) {
    ctx.stdout.write(report);
  }
  if (unreachable) throw new FailureError(unreachable.message, unreachable.hint);
  if (pretty || options.output) ctx.err(renderSummary(c, summary));
  if (fuzzSeed !== undefined && summary.failed > 0)
    ctx.err(`Repeat this fuzzing run with --seed ${fuzzSeed}.`);
  if (summary.failed > 0) throw new FailureError(`${summary.failed} of ${results.length} checks failed`);
  return 0;
}

/** Reads the receiver's own count of how often it processed an event id: a number, or { count }. */
function effectsReader(template: string, timeoutMs: number) {
  return async (eventId: string): Promise<number> => {
    const id = encodeURIComponent(eventId);
    const url = template.includes('%7Bid%7D')
      ? template.replaceAll('%7Bid%7D', id)
      : `${template}${template.includes('?') ? '&' : '?'}eventId=${id}`;
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    let json: unknown;
    try {
      json = JSON.parse(await response.text());
    } catch {
      throw new Error(`${url} did not answer JSON`);
    }
    const count = typeof json === 'number' ? json : (json as { count?: unknown } | null)?.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
      throw new Error(`${url} answered no count (a number, or { "count": n })`);
    return count;
  };
}
