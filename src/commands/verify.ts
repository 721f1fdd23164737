import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FailureError, UsageError } from '../core/errors.js';
import { findProvider } from '../core/providers/index.js';
import { globToRegExp } from '../core/query.js';
import { parseDuration } from '../core/schedule.js';
import { CHECK_NAMES, runChecks, selectChecks, type CheckResult } from '../core/verify/checks.js';
import { createVerifyContext } from '../core/verify/context.js';
import { createDispatcher, postBytes } from '../io/http.js';
import { checkedUrl, resolveSecret } from '../io/settings.js';
import type { Context } from '../ui/context.js';
import { junitReport, renderCheck, renderSummary, summarizeChecks } from '../ui/render-verify.js';
import { USER_AGENT } from '../version.js';
import { catalogFor, parseOptions, providerOption, schemeOption } from './common.js';

const MIN_REQUEST_TIMEOUT_MS = 10_000;

const list = z
  .array(z.string())
  .default([])
  .transform((values) =>
    values
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean),
  );

const schema = z.object({
  provider: providerOption.optional(),
  scheme: schemeOption.optional(),
  secret: z.string().min(1).optional(),
  events: list,
  only: list,
  skip: list,
  reporter: z.enum(['pretty', 'json', 'junit'], { error: 'must be pretty, json or junit' }).default('pretty'),
  output: z.string().min(1).optional(),
  deadline: z.string().optional(),
  config: z.string().optional(),
});

export async function verifyCommand(ctx: Context, url: string, raw: unknown): Promise<number> {
  const options = parseOptions(schema, raw);
  const target = checkedUrl(url);
  const { secret } = resolveSecret(
    options.secret,
    ctx.env,
    ctx.config,
    options.provider ?? ctx.config.provider,
  );
  const provider = findProvider(options.provider ?? ctx.config.provider ?? 'mes')!;
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
  const selected = selectChecks(options.only, options.skip);
  const deadlineMs = options.deadline ? parseDuration(options.deadline) : provider.deadlineMs;
  const dispatcher = createDispatcher(4);
  const timeoutMs = Math.max(MIN_REQUEST_TIMEOUT_MS, deadlineMs * 2);

  const verifyContext = createVerifyContext({
    provider,
    scheme,
    secret,
    events,
    find: (name, id) => catalog.find(name, id),
    deadlineMs,
    runtime: ctx.runtime,
    userAgent: USER_AGENT,
    send: async (probe) => {
      const result = await postBytes(target, probe.headers, probe.body, { timeoutMs, dispatcher });
      return {
        status: result.status,
        durationMs: result.durationMs,
        body: result.body.toString('utf8'),
        error: result.error?.message,
      };
    },
  });

  // One correctly signed delivery first: a receiver that is not running is one message, not thirteen failures.
  const first = verifyContext.build(verifyContext.primary);
  const preflight = await verifyContext.send({
    label: first.event,
    body: first.body,
    headers: verifyContext.sign(first.body, { messageId: first.eventId }),
  });
  if (preflight.status === null && /nothing is listening/.test(preflight.error ?? '')) {
    await dispatcher.close();
    throw new FailureError(preflight.error!, 'start your receiver first, then run verify against it');
  }

  const pretty = options.reporter === 'pretty';
  const c = ctx.color;
  if (pretty)
    ctx.err(
      c.bold(
        `Verifying ${target} as ${provider.name} (${scheme} signatures, ${events.length} event types, deadline ${deadlineMs} ms)`,
      ),
    );
  const started = Date.now();
  let results: CheckResult[];
  try {
    results = await runChecks(
      verifyContext,
      selected,
      () => Date.now(),
      (result) => {
        if (pretty) for (const line of renderCheck(c, result)) ctx.out(line);
      },
    );
  } finally {
    await dispatcher.close();
  }
  const summary = summarizeChecks(results, {
    target,
    provider: provider.id,
    scheme,
    durationMs: Date.now() - started,
  });

  let report: string | undefined;
  if (options.reporter === 'json') report = `${JSON.stringify({ summary, checks: results })}\n`;
  else if (options.reporter === 'junit') report = junitReport(results, summary);
  else if (options.output) {
    const { Chalk } = await import('chalk');
    const plain = new Chalk({ level: 0 });
    report = `${[...results.flatMap((r) => renderCheck(plain, r)), '', renderSummary(plain, summary)].join('\n')}\n`;
  }
  if (options.output) {
    const file = path.resolve(ctx.cwd, options.output);
    try {
      await writeFile(file, report ?? '');
    } catch (error) {
      throw new UsageError(`cannot write ${file}: ${(error as Error).message}`);
    }
    ctx.err(`Wrote the ${options.reporter} report to ${file}.`);
  } else if (report) {
    ctx.stdout.write(report);
  }
  if (pretty || options.output) ctx.err(renderSummary(c, summary));
  if (summary.failed > 0) throw new FailureError(`${summary.failed} of ${results.length} checks failed`);
  return 0;
}
