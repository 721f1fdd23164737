/**
 * The one way in to zod. `import { z } from 'zod'` is a namespace of the whole library, so a bundle
 * keeps all of it (about 580 KB parsed on every run that validates anything); this object names only
 * the builders the project uses, so the bundle keeps only those. A builder missing here is one line.
 */
import {
  NEVER,
  array,
  boolean,
  coerce,
  enum as enumOf,
  iso,
  literal,
  looseObject,
  number,
  object,
  record,
  strictObject,
  string,
  union,
  unknown,
  url,
} from 'zod';
import type * as zod from 'zod';

type Used =
  | 'NEVER'
  | 'array'
  | 'boolean'
  | 'coerce'
  | 'enum'
  | 'iso'
  | 'literal'
  | 'looseObject'
  | 'number'
  | 'object'
  | 'record'
  | 'strictObject'
  | 'string'
  | 'union'
  | 'unknown'
  | 'url';

export const z: Pick<typeof zod, Used> = {
  NEVER,
  array,
  boolean,
  coerce,
  enum: enumOf,
  iso,
  literal,
  looseObject,
  number,
  object,
  record,
  strictObject,
  string,
  union,
  unknown,
  url,
};

// The types the project names through `z.`, as zod's own namespace has them.
// eslint-disable-next-line @typescript-eslint/no-namespace -- merges with the value above, types only
export declare namespace z {
  type infer<T> = zod.infer<T>;
  type output<T> = zod.output<T>;
  type ZodType<Output = unknown> = zod.ZodType<Output>;
  type ZodObject<S extends zod.ZodRawShape> = zod.ZodObject<S>;
  // eslint-disable-next-line @typescript-eslint/no-namespace -- zod's own path to the issue type
  namespace core {
    type $ZodIssue = zod.core.$ZodIssue;
  }
}
