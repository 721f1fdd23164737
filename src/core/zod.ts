/**
 * The one way in to zod. `import { z } from 'zod'` is a namespace of the whole library, so a bundle
 * keeps all of it (about 580 KB parsed on every run that validates anything); this object names only
 * the builders the project uses, so the bundle keeps only those. A builder missing here is one line.
 */
import {
  array,
  boolean,
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
  | 'array'
  | 'boolean'
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
  array,
  boolean,
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
  // eslint-disable-next-line @typescript-eslint/no-namespace -- zod's own path to the issue type
  namespace core {
    type $ZodIssue = zod.core.$ZodIssue;
    type $ZodRawIssue = zod.core.$ZodRawIssue;
  }
}
