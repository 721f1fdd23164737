import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Catalog } from '../core/catalog.js';
import { UsageError } from '../core/errors.js';
import { parseHeaderLine } from '../core/headers.js';
import { checkDepth, MAX_OFFSET_MS } from '../core/limits.js';
import { parseAssignment } from '../core/overrides.js';
import { PROVIDERS, findProvider } from '../core/providers/index.js';
import { parseDuration } from '../core/schedule.js';
import { allSchemes, isSchemeId, type SchemeId } from '../core/schemes/index.js';
import { loadCatalog } from '../io/fixtures.js';
import { configFolders, resolveSecret } from '../io/settings.js';
import type { Context } from '../ui/context.js';

/** Parses a command's options once, at the boundary, into the shape the command works with. */
export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
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

export const providerOption = z.string().refine((p) => findProvider(p) !== undefined, {
  error: `must be one of ${PROVIDERS.map((p) => p.id).join(', ')}`,
});

export const schemeOption = z
  .string()
  .refine(isSchemeId, {
    error: () =>
      `must be one of ${allSchemes()
        .map((s) => s.id)
        .join(', ')}`,
  })
  .transform((s) => s as SchemeId);

/** `-10m`, `+6m`, `30s`: a signed duration in ms. */
export const offsetOption = z.string().transform((text, ctx) => {
  const m = /^([+-]?)(.+)$/.exec(text.trim())!;
  try {
    const ms = (m[1] === '-' ? -1 : 1) * parseDuration(m[2]!);
    if (!(Math.abs(ms) <= MAX_OFFSET_MS)) throw new RangeError('too far');
    return ms;
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a duration like -10m or +6m, at most 100 years either way',
    });
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
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--data file ${target} is not valid JSON: ${(error as Error).message}`);
  }
  return checkDepth(data, `--data file ${target}`);
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
  return loadCatalog(configFolders(ctx.config, 'fixtures'));
}
