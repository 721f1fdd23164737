import type { EventDef } from '../core/catalog.js';
import { SCHEMA_DIALECT } from './dialect.js';
import { documentInfo, embeddedSchema, eventKey, providerHeaders, providerName } from './contract.js';

/** An OpenAPI 3.1 document whose `webhooks` hold every event: payload schema, signature headers, example. */
export function openApiDocument(events: readonly EventDef[]): Record<string, unknown> {
  const providers = [...new Set(events.map((e) => e.provider))];
  const webhooks: Record<string, unknown> = {};
  for (const def of events) {
    webhooks[`${def.provider}:${def.name}`] = {
      post: {
        operationId: eventKey(def),
        summary: def.name,
        description: def.description,
        tags: [providerName(def.provider)],
        parameters: providerHeaders(def.provider).map((h) => ({
          name: h.name,
          in: 'header',
          required: h.required,
          description: h.description,
          schema: { type: 'string' },
        })),
        requestBody: {
          required: true,
          content: { 'application/json': { schema: embeddedSchema(def), example: def.payload } },
        },
        responses: {
          '200': { description: 'Acknowledged: any 2xx answer counts as delivered' },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: documentInfo('mes-webhooks event catalog'),
    jsonSchemaDialect: SCHEMA_DIALECT,
    tags: providers.map((p) => ({
      name: providerName(p),
      description: `Webhooks sent by ${providerName(p)}`,
    })),
    paths: {},
    webhooks,
  };
}
