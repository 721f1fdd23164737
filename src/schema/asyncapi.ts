import type { EventDef } from '../core/catalog.js';
import {
  documentInfo,
  embeddedSchema,
  eventKey,
  providerHeaders,
  providerName,
  providerPath,
} from './contract.js';

/**
 * An AsyncAPI 3.0 document: one channel per provider endpoint, one message per event, the signature headers
 * as message headers, and one receive operation per channel (the reader's receiver is the one receiving).
 */
export function asyncApiDocument(events: readonly EventDef[]): Record<string, unknown> {
  const providers = [...new Set(events.map((e) => e.provider))];
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const provider of providers) {
    const own = events.filter((e) => e.provider === provider);
    const headers = providerHeaders(provider);
    const headerSchema = {
      type: 'object',
      properties: {
        'content-type': { type: 'string', const: 'application/json' },
        ...Object.fromEntries(headers.map((h) => [h.name, { type: 'string', description: h.description }])),
      },
      required: headers.filter((h) => h.required).map((h) => h.name),
    };
    for (const def of own) {
      messages[eventKey(def)] = {
        name: def.name,
        title: `${providerName(provider)} ${def.name}`,
        summary: def.description,
        contentType: 'application/json',
        headers: headerSchema,
        payload: embeddedSchema(def),
        examples: [{ name: def.name, payload: def.payload }],
      };
    }
    channels[provider] = {
      address: providerPath(provider),
      title: `${providerName(provider)} webhooks`,
      description: `The endpoint that receives ${providerName(provider)}'s webhooks (an HTTP POST per event).`,
      messages: Object.fromEntries(
        own.map((d) => [eventKey(d), { $ref: `#/components/messages/${eventKey(d)}` }]),
      ),
    };
    operations[`receive_${provider}`] = {
      action: 'receive',
      title: `Receive ${providerName(provider)} webhooks`,
      channel: { $ref: `#/channels/${provider}` },
      messages: own.map((d) => ({ $ref: `#/channels/${provider}/messages/${eventKey(d)}` })),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: documentInfo('mes-webhooks event catalog'),
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
