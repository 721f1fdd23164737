import { describe, expect, it } from 'vitest';
import { AnswerError, AnswerReader, requestHead } from '../src/io/http1.js';

/** Feeds `text` to a fresh reader in pieces of `size` bytes; the answer once whole, and when. */
function read(text: string, size: number) {
  const reader = new AnswerReader();
  const bytes = Buffer.from(text, 'latin1');
  for (let at = 0; at < bytes.length; at += size) {
    const answer = reader.push(Buffer.from(bytes.subarray(at, at + size)));
    if (answer) return { answer, after: Math.min(at + size, bytes.length), reader };
  }
  return { answer: reader.end(), after: bytes.length, reader };
}

const LENGTH =
  'HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 5\r\n\r\nhello';
const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nhel\r\n2\r\nlo\r\n0\r\nX-Trailer: t\r\n\r\n';

describe('the HTTP/1.1 answer reader of the load engine', () => {
  it.each([1, 2, 7, 1000])('reads a Content-Length answer delivered %i bytes at a time', (size) => {
    const { answer, after } = read(LENGTH, size);
    expect(after).toBe(LENGTH.length);
    expect(answer).toEqual({
      status: 201,
      headers: { 'content-type': 'text/plain', 'x-a': '1, 2', 'content-length': '5' },
      body: Buffer.from('hello'),
      closes: false,
    });
  });

  it.each([1, 3, 1000])('reads a chunked answer with trailers delivered %i bytes at a time', (size) => {
    const { answer, after } = read(CHUNKED, size);
    expect(after).toBe(CHUNKED.length);
    expect(answer?.body.toString()).toBe('hello');
    expect(answer?.status).toBe(200);
  });

  it('passes over 100 Continue, and reads an answer that runs to the end of the connection', () => {
    const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nConnection: close\r\n\r\nall of it';
    const { answer } = read(text, 4);
    expect(answer).toMatchObject({ status: 200, closes: true });
    expect(answer?.body.toString()).toBe('all of it');
  });

  it('reads an empty 204 and knows a Connection: close answer', () => {
    const { answer } = read('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n', 5);
    expect(answer).toMatchObject({ status: 204, closes: true });
    expect(answer?.body.length).toBe(0);
  });

  it('starts over cleanly for the next answer on the connection', () => {
    const { reader } = read(LENGTH, 3);
    expect(reader.push(Buffer.from(LENGTH))?.body.toString()).toBe('hello');
  });

  it.each([
    'SSH-2.0-OpenSSH\r\n\r\n',
    'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
  ])('refuses garbage: %j', (text) => {
    expect(() => read(text, 1000)).toThrow(AnswerError);
  });

  it('refuses an answer that outgrows the limit', () => {
    const reader = new AnswerReader();
    reader.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n'));
    expect(() => {
      for (let i = 0; i < 20; i++) reader.push(Buffer.alloc(1024 * 1024));
    }).toThrow(/larger than 16 MiB/);
  });

  it('refuses a head that never ends', () => {
    const reader = new AnswerReader();
    expect(() => reader.push(Buffer.alloc(64 * 1024, 'a'))).toThrow(AnswerError);
  });

  it('writes the request head with the headers as given and the body length', () => {
    expect(requestHead('/in?x=1', '127.0.0.1:9', { 'x-sig': 'abc' }, 12)).toBe(
      'POST /in?x=1 HTTP/1.1\r\nx-sig: abc\r\nhost: 127.0.0.1:9\r\nconnection: keep-alive\r\ncontent-length: 12\r\n\r\n',
    );
    expect(requestHead('/', 'h', { Host: 'given' }, 0)).not.toMatch(/host: h\r/);
  });
});
