import { UsageError } from '../core/errors.js';
import { closest } from '../core/suggest.js';
import type { z } from '../core/zod.js';

const HINT = 'fix the config file, or point --config at another';

/** Every problem of one config file, each as `file: "key": what is wrong`, told together. */
export class ConfigProblems {
  private readonly lines: string[] = [];

  constructor(readonly file: string) {}

  /** `key` is the dotted path to the value (`providers.acme.scheme`); none for the file as a whole. */
  add(key: string | undefined, what: string): void {
    this.lines.push(`${this.file}: ${key === undefined || key === '' ? 'the file' : `"${key}"`}: ${what}`);
  }

  get size(): number {
    return this.lines.length;
  }

  /** Throws one usage error that names them all, when there is any. */
  throwAny(): void {
    const [first] = this.lines;
    if (first === undefined) return;
    if (this.lines.length === 1) throw new UsageError(first, HINT);
    throw new UsageError(
      `the config file has ${this.lines.length} problems:\n${this.lines.map((l) => `  ${l}`).join('\n')}`,
      HINT,
    );
  }
}

/** What a JSON value is, in a word or two. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  array: 'a list',
  object: 'an object',
  record: 'an object',
  number: 'a number',
  boolean: 'true or false',
};

/**
 * zod's own words for what it finds ("Invalid input: expected array, received string"), said
 * plainly; given to a parse as its error map, so the messages the schema spells out itself stand.
 */
export function plainWords(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is missing';
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${kindOf(issue.input)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(issue.input)}`;
    case 'too_small':
      return issue.origin === 'string' || issue.origin === 'array'
        ? 'must not be empty'
        : `must be at least ${String(issue.minimum)}`;
    case 'invalid_key': {
      const inner = issue.issues[0]?.message;
      return inner ? `the name ${JSON.stringify(issue.input)} ${inner}` : undefined;
    }
    default:
      return undefined;
  }
}

/** Who takes the keys at a path: the file itself, or one of its providers or schemes. */
const OWNERS: Record<string, string> = {
  '': 'the config file',
  providers: 'a provider',
  schemes: 'a scheme',
};

/**
 * Adds each issue of a failed parse. An unknown key is named on its own, with the known key nearest
 * in spelling: `keysAt` gives the keys the object at a path takes.
 */
export function addIssues(
  problems: ConfigProblems,
  issues: readonly z.core.$ZodIssue[],
  keysAt: (path: readonly PropertyKey[]) => readonly string[],
): void {
  for (const issue of issues) {
    const at = issue.path.map(String);
    if (issue.code !== 'unrecognized_keys') {
      problems.add(at.join('.'), issue.message);
      continue;
    }
    for (const key of issue.keys) {
      const [near] = closest(key, keysAt(issue.path), 1);
      const owner = OWNERS[at.length === 2 ? at[0]! : at.join('.')] ?? `"${at.join('.')}"`;
      problems.add(
        [...at, key].join('.'),
        `is not a key ${owner} takes${near ? `; did you mean "${near}"?` : ''}`,
      );
    }
  }
}
