// Writes src/generated/catalog.ts from fixtures/ and schemas/ (and src/generated/version.ts from package.json): the built-in
// catalog as data (so the CLI reads no fixture files at start-up), every event's JSON Schema, and a TypeScript type for
// every event's payload derived from that schema.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeAll, typeFromSchema } from '../schemas/compose.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = path.join(root, 'fixtures');
const events = [];
// Alphabetical here; the catalog lists providers in the registry's order (src/core/providers/builtins.ts).
const providers = readdirSync(fixtures).sort();
for (const provider of providers) {
  for (const file of readdirSync(path.join(fixtures, provider))
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const fixture = JSON.parse(readFileSync(path.join(fixtures, provider, file), 'utf8'));
    events.push({
      name: fixture.event,
      provider,
      description: fixture.description,
      payload: fixture.payload,
    });
  }
}

// The payload types come from the event schemas (schemas/), the one definition of every event's shape.
const schemas = composeAll();
const payloadTypes = events.map(({ name, provider }) => {
  const schema = schemas[provider]?.[name];
  if (!schema)
    throw new Error(`fixtures/${provider}/${name}.json has no schema in schemas/${provider}/events.json`);
  return `  ${JSON.stringify(name)}: ${typeFromSchema(schema, 1)};`;
});
for (const [provider, bySchema] of Object.entries(schemas)) {
  for (const name of Object.keys(bySchema)) {
    if (!events.some((e) => e.provider === provider && e.name === name))
      throw new Error(`schemas/${provider}/events.json defines ${name}, which has no fixture`);
  }
}

// Large data as JSON.parse of a string: V8 reads JSON text several times faster than the same
// object literal in JavaScript, and both the catalog and the schemas are read on start-up.
const asJsonParse = (value) => `JSON.parse(${JSON.stringify(JSON.stringify(value))})`;

const out = `// Generated from fixtures/ by scripts/generate-catalog.mjs at build time. Do not edit.
import type { EventDef } from '../core/catalog.js';
import type { Payload } from '../core/providers/types.js';

/** The payload of every built-in event type, as its schema (schemas/) defines it. */
export interface EventPayloads {
${payloadTypes.join('\n')}
}

export type EventName = keyof EventPayloads;

/** A built-in event; its payload is parsed from its JSON text when first read, and kept. */
function builtin([name, provider, description, text]: readonly string[]): EventDef {
  let payload: Payload | undefined;
  return {
    name: name!,
    provider: provider!,
    description: description!,
    get payload(): Payload {
      return (payload ??= JSON.parse(text!) as Payload);
    },
  };
}

// Each payload as JSON text: listing the events (\`events\`) or building one (\`payload\`) parses only the
// payloads it reads.
export const BUILTIN_EVENTS: readonly EventDef[] = (${asJsonParse(
  events.map(({ name, provider, description, payload }) => [
    name,
    provider,
    description,
    JSON.stringify(payload),
  ]),
)} as string[][]).map(builtin);
`;
mkdirSync(path.join(root, 'src', 'generated'), { recursive: true });
writeFileSync(path.join(root, 'src', 'generated', 'catalog.ts'), out);
writeFileSync(
  path.join(root, 'src', 'generated', 'schemas.ts'),
  `// Generated from schemas/ by scripts/generate-catalog.mjs at build time. Do not edit.\n\n/** Every built-in event's JSON Schema (2020-12) as JSON text, by provider and event: src/schema/registry.ts parses each when it is first needed. */\nexport const EVENT_SCHEMA_TEXTS: Readonly<Record<string, Readonly<Record<string, string>>>> = ${asJsonParse(
    Object.fromEntries(
      Object.entries(schemas).map(([provider, events]) => [
        provider,
        Object.fromEntries(Object.entries(events).map(([name, schema]) => [name, JSON.stringify(schema)])),
      ]),
    ),
  )};\n`,
);

// The version as a constant: no package.json read at start-up, and the bundle needs no path to it.
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
writeFileSync(
  path.join(root, 'src', 'generated', 'version.ts'),
  `// Generated from package.json by scripts/generate-catalog.mjs at build time. Do not edit.\nexport const VERSION = ${JSON.stringify(version)};\n`,
);
