import { UsageError } from './errors.js';
import type { Payload, Provider } from './providers/types.js';
import { BUILTIN_REGISTRY, type Registry } from './registry.js';
import { closest } from './suggest.js';
import { compileSchema, type Validator } from '../schema/validate.js';
import { formatProblem, type JsonSchema } from '../schema/types.js';

/** One file of `fixtures/<provider>/<event>.json`. */
export interface FixtureFile {
  event: string;
  description: string;
  source?: string;
  /** JSON Pointers the provider renews on every send (ids, timestamps); written by `capture`. */
  fresh?: string[];
  payload: Payload;
}

const text: JsonSchema = { type: 'string', minLength: 1 };
const FIXTURE_FILE: JsonSchema = {
  type: 'object',
  properties: {
    event: text,
    description: text,
    source: text,
    fresh: { type: 'array', items: { type: 'string', pattern: '^(/[^/]*)+$' } },
    payload: { type: 'object' },
  },
  required: ['event', 'description', 'payload'],
};
let fixtureFile: Validator | undefined;

/** What is wrong with a fixture file's shape (a field it does not know is wrong too), or nothing. */
export function fixtureFileProblem(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'expected a JSON object';
  fixtureFile ??= compileSchema(FIXTURE_FILE);
  const { problems, notes } = fixtureFile(json);
  const first = problems[0] ?? notes.find((n) => n.pointer.lastIndexOf('/') === 0);
  return first && formatProblem(first);
}

export interface EventDef {
  name: string;
  provider: string;
  description: string;
  payload: Payload;
  /** The fixture file of a user's event; absent for a built-in one. */
  file?: string;
  /** A user's event that stands in for the built-in event of the same name. */
  overrides?: boolean;
}

export interface Catalog {
  events: readonly EventDef[];
  /** The providers and schemes the catalog's events belong to. */
  registry: Registry;
  find(name: string, provider?: string): EventDef;
  ofProvider(provider: string): EventDef[];
}

/** Checks a fixture against its provider's envelope and returns the problems, if any. */
export function fixtureProblems(provider: Provider, file: FixtureFile): string[] {
  const problems: string[] = [];
  const parsed = provider.envelope.safeParse(file.payload);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.') || '(payload)'}: ${issue.message}`);
    }
  } else if (provider.eventType(file.payload) !== file.event) {
    problems.push(`the payload's event type is "${provider.eventType(file.payload)}", not "${file.event}"`);
  }
  return problems;
}

export function createCatalog(events: readonly EventDef[], registry: Registry = BUILTIN_REGISTRY): Catalog {
  const known = [...new Set(events.map((e) => e.name))];
  return {
    events,
    registry,
    ofProvider: (provider) => events.filter((e) => e.provider === provider),
    find(input, provider) {
      const [qualifiedProvider, qualifiedName] = input.includes(':')
        ? input.split(':', 2)
        : [provider, input];
      const name = qualifiedName ?? input;
      const matches = events.filter(
        (e) => e.name === name && (qualifiedProvider === undefined || e.provider === qualifiedProvider),
      );
      if (matches[0]) return matches[0];
      if (
        qualifiedProvider !== undefined &&
        !registry.provider(qualifiedProvider) &&
        !events.some((e) => e.provider === qualifiedProvider)
      ) {
        throw new UsageError(`unknown provider "${qualifiedProvider}"`, undefined, 'E_UNKNOWN_PROVIDER');
      }
      const pool = qualifiedProvider
        ? events.filter((e) => e.provider === qualifiedProvider).map((e) => e.name)
        : known;
      const suggestions = closest(name, pool);
      const where = qualifiedProvider ? ` for provider ${qualifiedProvider}` : '';
      throw new UsageError(
        `unknown event "${name}"${where}`,
        suggestions.length > 0 ? `did you mean ${suggestions.join(', ')}?` : undefined,
        'E_UNKNOWN_EVENT',
      );
    },
  };
}
