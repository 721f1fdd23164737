import { describe, expect, it } from 'vitest';
import { MAX_HEAD_BYTES, readRequestHead } from '../src/server/request-head.js';

const MAX = 1024;
const read = (text: string, max = MAX) => readRequestHead(Buffer.from(text, 'latin1'), max);
const post = (headers: string, body = '{}') =>
  `POST /hooks?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n${body}`;

describe('the fast path request head reader', () => {
  it('reads a plain POST: target, lowercase names, values without surrounding whitespace, body offset', () => {
    const text = post('Content-Type: application/json\r\nX-Sig:  abc\r\nContent-Length: 2\r\n');
    const head = read(text);
    expect(head).toEqual({
      url: '/hooks?x=1',
      headers: {
        host: '127.0.0.1',
        'content-type': 'application/json',
        'x-sig': 'abc',
        'content-length': '2',
      },
      bodyStart: text.length - 2,
      length: 2,
      close: false,
    });
  });

  it('notes Connection: close and takes keep-alive, in any case', () => {
    expect(read(post('Connection: Close\r\nContent-Length: 2\r\n'))?.close).toBe(true);
    expect(read(post('connection: keep-alive\r\nContent-Length: 2\r\n'))?.close).toBe(false);
  });

  it('keeps header values byte for byte as latin1, as node:http does', () => {
    const head = read(post('X-Name: caf\xe9 \t au lait\r\nContent-Length: 2\r\n'));
    expect(head?.headers['x-name']).toBe('caf\xe9 \t au lait');
  });

  it('leaves an unfinished head to node:http, up to the last byte', () => {
    const text = post('Content-Length: 2\r\n');
    const end = text.indexOf('\r\n\r\n') + 4;
    for (let i = 0; i < end; i++) expect(read(text.slice(0, i))).toBeUndefined();
    expect(read(text.slice(0, end))).toBeDefined();
  });

  it.each([
    ['GET', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['HTTP/1.0', 'POST / HTTP/1.0\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}'],
    ['no Host', 'POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}'],
    ['no Content-Length', post('')],
    ['chunked', post('Transfer-Encoding: chunked\r\n', '2\r\n{}\r\n0\r\n\r\n')],
    ['Content-Length and Transfer-Encoding', post('Content-Length: 2\r\nTransfer-Encoding: chunked\r\n')],
    ['two Content-Lengths', post('Content-Length: 2\r\nContent-Length: 2\r\n')],
    ['a repeated header', post('X-A: 1\r\nx-a: 2\r\nContent-Length: 2\r\n')],
    ['a signed Content-Length', post('Content-Length: +2\r\n')],
    ['a Content-Length list', post('Content-Length: 2, 2\r\n')],
    ['a body over the limit', post('Content-Length: 1025\r\n')],
    ['Expect: 100-continue', post('Expect: 100-continue\r\nContent-Length: 2\r\n')],
    ['Upgrade', post('Connection: Upgrade\r\nUpgrade: websocket\r\nContent-Length: 2\r\n')],
    ['another Connection option', post('Connection: keep-alive, TE\r\nContent-Length: 2\r\n')],
    ['a bare LF', 'POST / HTTP/1.1\nHost: a\r\nContent-Length: 2\r\n\r\n{}'],
    ['a bare CR in a value', post('X-A: a\rb\r\nContent-Length: 2\r\n')],
    ['a NUL in a value', post('X-A: a\x00b\r\nContent-Length: 2\r\n')],
    ['trailing whitespace in a value', post('X-A: a \r\nContent-Length: 2\r\n')],
    ['a folded line', post('X-A: a\r\n b\r\nContent-Length: 2\r\n')],
    ['a space before the colon', post('X-A : a\r\nContent-Length: 2\r\n')],
    ['no colon', post('X-A\r\nContent-Length: 2\r\n')],
    ['an empty name', post(': a\r\nContent-Length: 2\r\n')],
    ['__proto__', post('__proto__: a\r\nContent-Length: 2\r\n')],
    ['a space in the target', 'POST /a b HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}'],
    ['a lowercase method', 'post / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}'],
    ['an empty line first', '\r\nPOST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}'],
  ])('does not take %s', (_, text) => {
    expect(read(text)).toBeUndefined();
  });

  it('does not take a head over node:http’s size limit, nor over 100 headers', () => {
    const big = `X-Big: ${'a'.repeat(MAX_HEAD_BYTES)}\r\nContent-Length: 2\r\n`;
    expect(read(post(big))).toBeUndefined();
    const many = Array.from({ length: 100 }, (_, i) => `X-${i}: ${i}\r\n`).join('');
    expect(read(post(`${many}Content-Length: 2\r\n`))).toBeUndefined();
  });
});
