// Writes src/generated/catalog.ts from fixtures/ (and src/generated/version.ts from package.json): the built-in catalog as data (so the CLI reads no
// fixture files at start-up) and a TypeScript type for every event's payload.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = path.join(root, 'fixtures');

const key = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));

function typeOf(value, indent) {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'unknown[]';
    const types = [...new Set(value.map((v) => typeOf(v, indent)))];
    return types.length === 1 ? `${types[0]}[]` : `(${types.join(' | ')})[]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return 'Record<string, unknown>';
    const pad = '  '.repeat(indent + 1);
    return `{\n${entries.map(([k, v]) => `${pad}${key(k)}: ${typeOf(v, indent + 1)};`).join('\n')}\n${'  '.repeat(indent)}}`;
  }
  return typeof value;
}

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

const payloadTypes = events.map(({ name, payload }) => {
  let type = typeOf(payload, 1);
  // The envelope field that names the event: the top-level string equal to the event's name.
  const field = Object.keys(payload).find((k) => payload[k] === name);
  if (field) type = type.replace(`\n    ${field}: string;`, `\n    ${field}: ${JSON.stringify(name)};`);
  return `  ${JSON.stringify(name)}: ${type};`;
});

const out = `// Generated from fixtures/ by scripts/generate-catalog.mjs at build time. Do not edit.
import type { EventDef } from '../core/catalog.js';

/** The payload of every built-in event type, as the fixtures show it. */
export interface EventPayloads {
${payloadTypes.join('\n')}
}

export type EventName = keyof EventPayloads;

export const BUILTIN_EVENTS: readonly EventDef[] = ${JSON.stringify(events)};
`;
mkdirSync(path.join(root, 'src', 'generated'), { recursive: true });
writeFileSync(path.join(root, 'src', 'generated', 'catalog.ts'), out);

// The version as a constant: no package.json read at start-up, and the bundle needs no path to it.
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
writeFileSync(
  path.join(root, 'src', 'generated', 'version.ts'),
  `// Generated from package.json by scripts/generate-catalog.mjs at build time. Do not edit.\nexport const VERSION = ${JSON.stringify(version)};\n`,
);
