import { z } from '../core/zod.js';
import { UsageError } from '../core/errors.js';
import { MAX_OFFSET_MS } from '../core/limits.js';
import { BUILTIN_REGISTRY, type Registry } from '../core/registry.js';
import { parseDuration } from '../core/schedule.js';
import type { SchemeId } from '../core/schemes/types.js';
import type { Flags, OptionsOf } from './declare.js';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** Checked against the run's registry (built-ins plus the config's) by parseDeclared. */
const provider = () => z.string().min(1);

/** Checked against the run's registry by parseDeclared. */
const scheme = () =>
  z
    .string()
    .min(1)
    .transform((s) => s as SchemeId);

/** `-10m`, `+6m`, `30s`: a signed duration in ms. */
const offset = () =>
  z.string().transform((text, ctx) => {
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

/** `5s`, `250ms`: a duration in ms. */
const duration = () =>
  z.string().transform((text, ctx) => {
    try {
      return parseDuration(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a duration like 500ms, 5s or 2m' });
      return z.NEVER;
    }
  });

/** Repeatable, comma-separated values as one flat list. */
const commaList = () =>
  z
    .array(z.string())
    .default([])
    .transform((values) =>
      values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean),
    );

const off = () => z.boolean().default(false);

/** What option declarations build their zod pieces from. */
export const pieces = { z, int, provider, scheme, offset, duration, commaList, off };
export type Pieces = typeof pieces;

const schemas = new WeakMap<Flags, z.ZodType>();

export function schemaOf(flags: Flags): z.ZodType {
  let schema = schemas.get(flags);
  if (!schema) {
    schema = z.object(Object.fromEntries(Object.entries(flags).map(([key, f]) => [key, f.zod(pieces)])));
    schemas.set(flags, schema);
  }
  return schema;
}

/** Parses a command's options once, at the edge, into the shape the command works with. */
export function parseDeclared<F extends Flags>(
  flags: F,
  raw: unknown,
  registry: Registry = BUILTIN_REGISTRY,
): OptionsOf<F> {
  const parsed = schemaOf(flags).safeParse(raw);
  if (parsed.success) {
    const { provider, scheme } = parsed.data as { provider?: unknown; scheme?: unknown };
    if (typeof provider === 'string' && !registry.provider(provider))
      throw new UsageError(`--provider: must be one of ${registry.providers.map((p) => p.id).join(', ')}`);
    if (typeof scheme === 'string' && !registry.hasScheme(scheme))
      throw new UsageError(`--scheme: must be one of ${registry.schemes.map((s) => s.id).join(', ')}`);
    return parsed.data as OptionsOf<F>;
  }
  const issue = parsed.error.issues[0]!;
  const key = issue.path[0];
  const name = key === undefined ? 'options' : /--[\w-]+/.exec(flags[String(key)]?.flags ?? '')?.[0];
  throw new UsageError(`${name ?? String(key)}: ${issue.message}`);
}
