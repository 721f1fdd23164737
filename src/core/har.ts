import { bodyBytes, type DeliveryRecord } from './delivery.js';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const nameValues = (headers: Record<string, string>) =>
  Object.entries(headers).map(([name, value]) => ({ name, value }));

/** The URL a record's request went to: received ones hold only a path, so the Host header completes it. */
export function absoluteUrl(r: DeliveryRecord): string {
  if (/^https?:\/\//.test(r.request.url)) return r.request.url;
  return `http://${r.request.headers.host ?? 'localhost'}${r.request.url}`;
}

/** One HAR 1.2 entry; bodies that are not UTF-8 are kept as base64, as HAR allows for responses. */
export function harEntry(r: DeliveryRecord) {
  const url = new URL(absoluteUrl(r));
  const requestBytes = bodyBytes(r.request);
  const responseBytes = r.response ? bodyBytes(r.response) : Buffer.alloc(0);
  return {
    startedDateTime: r.at,
    time: r.durationMs,
    request: {
      method: r.request.method,
      url: url.toString(),
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: nameValues(r.request.headers),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      postData: {
        mimeType: r.request.headers['content-type'] ?? 'application/json',
        text: r.request.bodyEncoding === 'utf8' ? r.request.body : requestBytes.toString('latin1'),
      },
      headersSize: -1,
      bodySize: requestBytes.length,
    },
    response: {
      status: r.status ?? 0,
      statusText: r.status === null ? (r.error?.message ?? 'no response') : (STATUS_TEXT[r.status] ?? ''),
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: r.response ? nameValues(r.response.headers) : [],
      content: {
        size: responseBytes.length,
        mimeType: r.response?.headers['content-type'] ?? 'application/octet-stream',
        ...(r.response
          ? { text: r.response.body, ...(r.response.bodyEncoding === 'base64' ? { encoding: 'base64' } : {}) }
          : {}),
      },
      redirectURL: '',
      headersSize: -1,
      bodySize: r.response ? responseBytes.length : -1,
    },
    cache: {},
    timings: { send: 0, wait: r.durationMs, receive: 0 },
    comment: `${r.kind} ${r.direction} ${r.deliveryId}${r.event ? ` ${r.event}` : ''}`,
  };
}

export const HAR_HEAD = (version: string) =>
  `{"log":{"version":"1.2","creator":{"name":"mes-webhooks","version":${JSON.stringify(version)}},"pages":[],"entries":[`;
export const HAR_TAIL = ']}}\n';
