import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Catalog } from '../core/catalog.js';
import { UsageError } from '../core/errors.js';
import { parseHeaderLine } from '../core/headers.js';
import { parseAssignment } from '../core/overrides.js';
import { BUILTIN_REGISTRY, type Registry } from '../core/registry.js';
import { parseDuration } from '../core/schedule.js';
import type { SchemeId } from '../core/schemes/types.js';
import { loadCatalog } from '../io/fixtures.js';
import { configFolders, registryOf, resolveSecret } from '../io/settings.js';
import type { Context } from '../ui/context.js';

/**
 * Parses a command's options once, at the boundary, into the shape the command works with.
 * `--provider` and `--scheme` are checked against the run's registry (built-ins plus the config's).
 */
export function parseOptions<T extends z.ZodType>(
  schema: T,
  raw: unknown,
  registry: Registry = BUILTIN_REGISTRY,
): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) {
    const { provider, scheme } = (parsed.data ?? {}) as { provider?: unknown; scheme?: unknown };
    if (typeof provider === 'string' && !registry.provider(provider))
      throw new UsageError(`--provider: must be one of ${registry.providers.map((p) => p.id).join(', ')}`);
    if (typeof scheme === 'string' && !registry.hasScheme(scheme))
      throw new UsageError(`--scheme: must be one of ${registry.schemes.map((s) => s.id).join(', ')}`);
    return parsed.data;
  }
  const issue = parsed.error.issues[0]!;
  const flag =
    issue.path.length > 0
      ? `--${String(issue.path[0]).replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`
      : 'options';
  throw new UsageError(`${flag}: ${issue.message}`);
}

export const intOption = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** Checked against the run's registry by parseOptions. */
export const providerOption = z.string().min(1);

/** Checked against the run's registry by parseOptions. */
export const schemeOption = z
  .string()
  .min(1)
  .transform((s) => s as SchemeId);

/** `-10m`, `+6m`, `30s`: a signed duration in ms. */
export const offsetOption = z.string().transform((text, ctx) => {
  const m = /^([+-]?)(.+)$/.exec(text.trim())!;
  try {
    return (m[1] === '-' ? -1 : 1) * parseDuration(m[2]!);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a duration like -10m or +6m' });
    return z.NEVER;
  }
});

/** What `payload` and `send` share: how an event is built and signed. */
export const eventOptionsShape = {
  provider: providerOption.optional(),
  scheme: schemeOption.optional(),
  secret: z.string().min(1).optional(),
  set: z.array(z.string()).default([]),
  data: z.string().optional(),
  header: z.array(z.string()).default([]),
  timestampOffset: offsetOption.optional(),
  config: z.string().optional(),
};

export interface EventSettings {
  secret: string;
  secretSource: string;
  /** The secret for one provider's events: the config can name one per provider. */
  secretFor(provider: string): string;
  /** Added to the clock the events are built and signed with (--timestamp-offset). */
  clockOffsetMs: number;
  sets: ReturnType<typeof parseAssignment>[];
  data: unknown;
  headers: Record<string, string>;
}

async function readDataFile(ctx: Context, file: string): Promise<unknown> {
  const target = path.resolve(ctx.cwd, file);
  let text: string;
  try {
    text = await readFile(target, 'utf8');
  } catch {
    throw new UsageError(`cannot read --data file ${target}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--data file ${target} is not valid JSON: ${(error as Error).message}`);
  }
}

export async function eventSettings(
  ctx: Context,
  options: { secret?: string; set: string[]; data?: string; header: string[]; timestampOffset?: number },
): Promise<EventSettings> {
  const config = ctx.config;
  const { secret, source } = resolveSecret(options.secret, ctx.env, config);
  const secrets = new Map<string, string>();
  const headers: Record<string, string> = {};
  for (const line of options.header) {
    const parsed = parseHeaderLine(line);
    if (!parsed) throw new UsageError(`--header takes "Name: value", got "${line}"`);
    headers[parsed[0].toLowerCase()] = parsed[1];
  }
  return {
    secret,
    secretSource: source,
    secretFor: (provider) => {
      let found = secrets.get(provider);
      if (found === undefined)
        secrets.set(provider, (found = resolveSecret(options.secret, ctx.env, config, provider).secret));
      return found;
    },
    clockOffsetMs: options.timestampOffset ?? 0,
    sets: options.set.map(parseAssignment),
    data: options.data === undefined ? undefined : await readDataFile(ctx, options.data),
    headers,
  };
}

export function describeSecret(source: string): string {
  switch (source) {
    case 'flag':
      return 'the secret from --secret';
    case 'env':
      return 'the secret in MES_WEBHOOKS_SECRET';
    case 'config':
      return 'the secret named by the config file';
    default:
      return 'the development secret (set MES_WEBHOOKS_SECRET for your own)';
  }
}

/** The catalog: built-in events and those of the config file's fixture folders. */
export function catalogFor(ctx: Context): Promise<Catalog> {
  return loadCatalog(configFolders(ctx.config, 'fixtures'), registryOf(ctx.config));
}
