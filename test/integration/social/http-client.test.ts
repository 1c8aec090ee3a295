import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProviderError } from '../../../core/errors.js';
import { createHttpClient, HttpStatusError, type HttpClient } from '../../../social/http.js';
import { startFakeServer, type FakeServer } from '../../fakes/fake-server.js';
import { rejectionOf } from '../../support/failures.js';

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

describe('the shared HTTP client', () => {
  let fake: FakeServer;
  let client: HttpClient;
  let guarded: HttpClient;
  const itemSchema = z.object({ id: z.string(), count: z.number() });

  beforeAll(async () => {
    fake = await startFakeServer();
    fake.on('GET', '/item', () => ({
      json: { id: 'a', count: 3 },
      headers: { 'x-rate-limit-remaining': '7', 'x-rate-limit-reset': '2000000000' },
    }));
    fake.on('GET', '/big', () => ({ text: 'x'.repeat(2_000) }));
    fake.on('GET', '/redirect-private', () => ({
      status: 302,
      headers: { location: 'http://10.0.0.1/secret' },
    }));
    fake.on('GET', '/redirect-local', (req) => ({
      status: 302,
      headers: { location: `http://localhost:${req.headers.host?.split(':')[1]}/item` },
    }));
    fake.on('GET', '/whoami', (req) => ({ json: { authorization: req.headers.authorization ?? null } }));
    fake.on('GET', '/redirect-same', () => ({ status: 302, headers: { location: '/whoami' } }));
    fake.on('GET', '/redirect-away', (req) => ({
      status: 302,
      headers: { location: `http://localhost:${req.headers.host?.split(':')[1]}/whoami` },
    }));
    fake.on('POST', '/echo', (req) => ({ json: { got: req.json(), type: req.headers['content-type'] } }));
    client = createHttpClient({
      platform: 'x',
      userAgent: 'Herald-test/1',
      rateLimitStyle: 'x',
      timeoutMs: 1_000,
      maxBodyBytes: 1_000,
      allowLoopback: true,
    });
    guarded = createHttpClient({
      platform: 'rss',
      userAgent: 'Herald-test/1',
      rateLimitStyle: 'none',
      allowLoopback: false,
    });
  });
  afterAll(async () => {
    await client.close();
    await guarded.close();
    await fake.close();
  });

  it('GIVEN a valid answer THEN parses it with the schema and reads the rate-limit headers', async () => {
    const res = await client.request({
      url: `${fake.url}/item`,
      endpoint: 'GET /item',
      schema: itemSchema,
      query: { a: 1, b: undefined },
    });
    expect(res.data).toEqual({ id: 'a', count: 3 });
    expect(res.rateLimit.remaining).toBe(7);
    expect(res.rateLimit.resetAt?.getTime()).toBe(2_000_000_000_000);
    const sent = fake.requestsTo('GET', '/item').at(-1);
    expect(sent?.headers['user-agent']).toBe('Herald-test/1');
    expect(sent?.query.get('a')).toBe('1');
    expect(sent?.query.has('b')).toBe(false);
  });

  it('GIVEN an array in the query THEN the parameter repeats', async () => {
    await client.request({ url: `${fake.url}/item`, endpoint: 'GET /item', query: { 'id[]': ['1', '2'] } });
    expect(fake.requestsTo('GET', '/item').at(-1)?.query.getAll('id[]')).toEqual(['1', '2']);
  });

  it('GIVEN a JSON body THEN sends it as application/json', async () => {
    const res = await client.request({
      method: 'POST',
      url: `${fake.url}/echo`,
      endpoint: 'POST /echo',
      json: { hello: 'world' },
    });
    expect(res.data).toEqual({ got: { hello: 'world' }, type: 'application/json' });
  });

  it('GIVEN a payload of the wrong shape THEN bad-request names platform, endpoint and the first bad path', async () => {
    fake.injectFault({ kind: 'reply', reply: { json: { id: 'a', count: 'three' } } });
    const err = await failure(
      client.request({ url: `${fake.url}/item`, endpoint: 'GET /item', schema: itemSchema }),
    );
    expect(err).toMatchObject({ kind: 'bad-request', platform: 'x', endpoint: 'GET /item' });
    expect(err.message).toMatch(/^x: GET \/item: unexpected response at count/);
  });

  it('GIVEN a body that is not JSON THEN bad-request says so', async () => {
    fake.injectFault({ kind: 'malformed', body: '<html>oops' });
    const err = await failure(
      client.request({ url: `${fake.url}/item`, endpoint: 'GET /item', schema: itemSchema }),
    );
    expect(err).toMatchObject({ kind: 'bad-request' });
    expect(err.message).toContain('not valid JSON');
  });

  it.each([
    [401, 'refresh-token'],
    [404, 'bad-request'],
    [422, 'bad-request'],
    [500, 'retry-later'],
    [503, 'retry-later'],
  ] as const)('GIVEN HTTP %i THEN the default kind is %s and the body is kept', async (status, kind) => {
    fake.injectFault({ kind: 'reply', reply: { status, json: { title: 'Problem', status } } });
    const err = await failure(client.request({ url: `${fake.url}/item`, endpoint: 'GET /item' }));
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err).toMatchObject({ kind, status, body: { title: 'Problem', status } });
  });

  it('GIVEN a 429 with the platform reset header THEN retry-later carries when to come back', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    fake.injectFault({
      kind: 'reply',
      reply: {
        status: 429,
        headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
        json: {},
      },
    });
    const err = await failure(client.request({ url: `${fake.url}/item`, endpoint: 'GET /item' }));
    expect(err.kind).toBe('retry-later');
    expect(err.retryAfterMs).toBeGreaterThan(100_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('GIVEN no answer in time THEN retry-later says it timed out', async () => {
    fake.injectFault({ kind: 'slow', delayMs: 3_000 });
    const err = await failure(client.request({ url: `${fake.url}/item`, endpoint: 'GET /item' }));
    expect(err.kind).toBe('retry-later');
    expect(err.message).toMatch(/no answer within/);
  });

  it('GIVEN a dropped connection THEN retry-later calls it a network error', async () => {
    fake.injectFault({ kind: 'drop' });
    const err = await failure(client.request({ url: `${fake.url}/item`, endpoint: 'GET /item' }));
    expect(err).toMatchObject({ kind: 'retry-later', message: expect.stringContaining('network error') });
  });

  it('GIVEN a body over the size limit THEN bad-request, and the rest is not read', async () => {
    const err = await failure(
      client.request({ url: `${fake.url}/big`, endpoint: 'GET /big', responseType: 'text' }),
    );
    expect(err).toMatchObject({
      kind: 'bad-request',
      message: expect.stringContaining('larger than 1000 bytes'),
    });
  });

  it('GIVEN an untrusted URL on loopback without the switch THEN it is refused and nothing is sent', async () => {
    const before = fake.requests.length;
    const err = await failure(
      guarded.request({ url: `${fake.url}/item`, endpoint: 'GET feed', untrusted: true }),
    );
    expect(err).toMatchObject({ kind: 'bad-request', message: expect.stringContaining('refused to fetch') });
    expect(fake.requests.length).toBe(before);
  });

  it('GIVEN an untrusted hostname that resolves to loopback THEN the DNS guard refuses it', async () => {
    const port = new URL(fake.url).port;
    const err = await failure(
      guarded.request({ url: `http://localhost:${port}/item`, endpoint: 'GET feed', untrusted: true }),
    );
    expect(err).toMatchObject({
      kind: 'bad-request',
      message: expect.stringMatching(/refused to fetch: localhost resolves to/),
    });
  });

  it('GIVEN an untrusted URL that redirects to a private address THEN the redirect is refused', async () => {
    const err = await failure(
      client.request({ url: `${fake.url}/redirect-private`, endpoint: 'GET feed', untrusted: true }),
    );
    expect(err).toMatchObject({ kind: 'bad-request', message: expect.stringContaining('10.0.0.1') });
  });

  it('GIVEN an untrusted URL that redirects to an allowed one THEN the redirect is followed', async () => {
    const res = await client.request({
      url: `${fake.url}/redirect-local`,
      endpoint: 'GET feed',
      untrusted: true,
      schema: itemSchema,
    });
    expect(res.data.id).toBe('a');
    expect(res.url).toMatch(/^http:\/\/localhost:\d+\/item$/);
  });

  it('GIVEN a token and a redirect THEN the token follows within the origin and never to another one', async () => {
    const seen = async (path: string) =>
      (
        await client.request<{ authorization: string | null }>({
          url: `${fake.url}${path}`,
          endpoint: 'GET file',
          untrusted: true,
          bearer: 'xoxb-secret',
        })
      ).data.authorization;
    expect(await seen('/redirect-same')).toBe('Bearer xoxb-secret');
    expect(await seen('/redirect-away')).toBeNull();
  });

  it('GIVEN a non-http URL THEN it is refused', async () => {
    const err = await failure(
      guarded.request({ url: 'file:///etc/passwd', endpoint: 'GET feed', untrusted: true }),
    );
    expect(err.message).toContain('only http and https');
  });
});
