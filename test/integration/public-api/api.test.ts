/**
 * The public HTTP API on Herald's real web server, real PostgreSQL, the real publishing engine and
 * the Mastodon fake: keys (created from chat, hashed, revoked), every endpoint's happy path, each
 * refusal, idempotent retries, one tenant's key against another tenant's posts, the rate limit, and
 * the OpenAPI document against the answers the handlers really give.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRef } from '../../../bot/commands/context.js';
import { createCatalogue, runCommand } from '../../../bot/commands/index.js';
import { DOCUMENTED_SCHEMAS } from '../../../bot/http/public-api/openapi.js';
import type { HttpServer } from '../../../bot/http/server.js';
import { linkAccount } from '../../../core/account-store.js';
import { createKeyring } from '../../../core/crypto.js';
import { createMediaDownloader, type MediaDownloader } from '../../../social/media-download.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../social/registry.js';
import { publishPost } from '../../../worker/publish/publish-post.js';
import { startFakeServer, type FakeServer } from '../../fakes/fake-server.js';
import { startMastodonFake, type MastodonFake } from '../../fakes/mastodon.js';
import { commandContext, createTenant } from '../../support/commands.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../../support/database.js';
import { startApiServer } from '../../support/public-api.js';

const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
const catalogue = createCatalogue({ heartbeatSeconds: 15 });
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(4_000, 1),
]);

type Json = Record<string, unknown>;

describe('the public HTTP API', () => {
  let db: TestDatabase;
  let mastodon: MastodonFake;
  let cdn: FakeServer;
  let registry: ProviderRegistry;
  let media: MediaDownloader;
  let web: HttpServer;
  let acme: TenantRef;
  let other: TenantRef;
  let acmeKey: string;
  let otherKey: string;
  const accounts: Record<string, string> = {};
  let document: Json;

  const link = async (tenant: TenantRef, username: string, status = 'active') => {
    const account = mastodon.addAccount({ username });
    const { id } = await linkAccount(db.pool, keyring, {
      tenantId: tenant.id,
      platform: 'mastodon',
      platformAccountId: String(account.id),
      handle: username,
      displayName: `${username} team`,
      instanceUrl: mastodon.url,
      profileUrl: undefined,
      avatarUrl: `https://cdn.example/${username}.png`,
      accessToken: mastodon.issueToken(account, ['read', 'write']),
      linkedBy: 'U1',
    });
    if (status !== 'active')
      await db.pool.query(`UPDATE social_accounts SET status = $2, status_reason = 'revoked' WHERE id = $1`, [
        id,
        status,
      ]);
    return id;
  };
  const keyFor = async (tenant: TenantRef, name: string) => {
    const ctx = commandContext({ pool: db.pool, keyring, registry, config: testConfig() }, tenant);
    const result = await runCommand(catalogue, ctx, ['api-key', 'create'], { name });
    if (result.kind !== 'reply') throw new Error('expected a reply');
    return /`(hk_[A-Za-z0-9_-]+)`/.exec(result.text)![1]!;
  };

  beforeAll(async () => {
    [db, mastodon, cdn] = await Promise.all([createTestDatabase(), startMastodonFake(), startFakeServer()]);
    cdn.on('GET', '/photo.png', () => ({ status: 200, body: PNG }));
    const config = testConfig({ HERALD_ALLOW_LOOPBACK_URLS: 'true' });
    registry = createProviderRegistry(config);
    media = createMediaDownloader({ userAgent: 'Herald/test', timeoutMs: 5_000, allowLoopback: true });
    acme = await createTenant(db.pool, '9101', 'Acme');
    other = await createTenant(db.pool, '9102', 'Other');
    accounts.acme = await link(acme, 'acme');
    accounts.acmeStale = await link(acme, 'stale', 'needs_reconnect');
    accounts.other = await link(other, 'otherco');
    await db.pool.query(
      `INSERT INTO social_accounts (tenant_id, platform, platform_account_id, handle, instance_url)
       VALUES ($1, 'rss', 'https://blog.example/feed', 'blog.example', 'https://blog.example/feed')`,
      [acme.id],
    );
    acmeKey = await keyFor(acme, 'zapier');
    otherKey = await keyFor(other, 'ci');
    web = await startApiServer({ pool: db.pool, keyring, registry, media });
  });
  afterAll(async () => {
    await web?.close();
    await registry?.close();
    await media?.close();
    await Promise.all([mastodon?.close(), cdn?.close()]);
    await db?.drop();
  });

  const base = () => `http://127.0.0.1:${web.port}/public/v1`;
  const call = async (
    method: string,
    path: string,
    options: { key?: string | null; body?: unknown; headers?: Json } = {},
  ) => {
    const key = options.key === undefined ? acmeKey : options.key;
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: key } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.headers as Record<string, string> | undefined),
      },
      ...(options.body === undefined
        ? {}
        : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  };
  const post = (integration: string, value: Json[], extra: Json = {}) => ({
    type: 'now',
    tags: [],
    posts: [{ integration: { id: integration }, value }],
    ...extra,
  });
  const publish = (postId: string) =>
    publishPost({ pool: db.pool, keyring, providers: registry, logger: testLogger }, postId);

  /** Each answer checked against the document's schema for it: the handlers and the document agree. */
  const ajv = addFormats.default(new Ajv2020({ strict: false, allErrors: true }));
  const conforms = (schemaName: string, body: unknown) => {
    const validate = ajv.compile({
      ...(document.components as { schemas: Record<string, Json> }).schemas[schemaName],
      $defs: undefined,
    });
    const ok = validate(body);
    if (!ok) throw new Error(`${schemaName}: ${ajv.errorsText(validate.errors)}`);
  };

  it('GIVEN the OpenAPI document THEN it is a valid OpenAPI 3.1 document built from the handlers’ schemas', async () => {
    const { status, body } = await call('GET', '/openapi.json', { key: null });
    expect(status).toBe(200);
    document = body as Json;
    const result = await new Validator().validate(document as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
    expect(Object.keys(schemas).sort()).toEqual(
      [...Object.keys(DOCUMENTED_SCHEMAS.requests), ...Object.keys(DOCUMENTED_SCHEMAS.responses)].sort(),
    );
    expect(Object.keys(document.paths as Json).sort()).toEqual([
      '/public/v1/integrations',
      '/public/v1/posts',
      '/public/v1/posts/{id}',
    ]);
  });

  it('GIVEN no key or a wrong one THEN 401 with the spec’s message, and nothing else is said', async () => {
    expect(await call('GET', '/integrations', { key: null })).toMatchObject({
      status: 401,
      body: { msg: 'No API Key found' },
    });
    expect(await call('GET', '/integrations', { key: 'hk_nope' })).toMatchObject({
      status: 401,
      body: { msg: 'Invalid API key' },
    });
    const wrong = await call('GET', '/integrations', { key: 'Bearer not-a-key' });
    expect(wrong).toMatchObject({ status: 401, body: { msg: 'Invalid API key' } });
    conforms('Error', wrong.body);
  });

  it('GIVEN keys THEN only a hash is stored, chat lists them by prefix, and "Bearer" is accepted too', async () => {
    const { rows } = await db.pool.query<{ prefix: string; key_hash: Buffer }>(
      'SELECT prefix, key_hash FROM api_keys WHERE tenant_id = $1',
      [acme.id],
    );
    expect(rows).toHaveLength(1);
    expect(acmeKey.startsWith(rows[0]!.prefix)).toBe(true);
    expect(rows[0]!.key_hash.toString('utf8')).not.toContain(acmeKey);
    expect(JSON.stringify(rows)).not.toContain(acmeKey.slice(11));
    expect((await call('GET', '/integrations', { key: `Bearer ${acmeKey}` })).status).toBe(200);
    const ctx = commandContext({ pool: db.pool, keyring, registry, config: testConfig() }, acme);
    const listed = await runCommand(catalogue, ctx, ['api-key', 'list'], {});
    expect(JSON.stringify(listed)).toContain(rows[0]!.prefix);
    expect(JSON.stringify(listed)).toMatch(/last used/);
    expect(JSON.stringify(listed)).not.toContain(acmeKey);
  });

  it('GIVEN GET integrations THEN the postable accounts in the spec’s shape, a stale one disabled', async () => {
    const { status, body } = await call('GET', '/integrations');
    expect(status).toBe(200);
    conforms('IntegrationList', body);
    expect(body).toEqual([
      {
        id: accounts.acme,
        name: 'acme team',
        identifier: 'mastodon',
        picture: 'https://cdn.example/acme.png',
        disabled: false,
        profile: 'acme',
      },
      expect.objectContaining({ id: accounts.acmeStale, disabled: true }),
    ]);
  });

  it('GIVEN a post now with an image THEN 201, the publish job runs it, and GET shows it published with its link', async () => {
    const created = await call('POST', '/posts', {
      body: post(
        accounts.acme!,
        [{ content: 'Hello from the API', image: [{ path: `${cdn.url}/photo.png` }] }],
        {
          tags: ['launch', { value: 'q4', label: 'Q4' }],
        },
      ),
    });
    expect(created.status).toBe(201);
    conforms('CreatedPosts', created.body);
    const { postId, integration } = (created.body as Array<{ postId: string; integration: string }>)[0]!;
    expect(integration).toBe(accounts.acme);
    const job = await db.pool.query(`SELECT 1 FROM graphile_worker.jobs WHERE key = 'publish:' || $1`, [
      postId,
    ]);
    expect(job.rowCount).toBe(1);
    expect((await publish(postId)).status).toBe('published');

    const one = await call('GET', `/posts/${postId}`);
    conforms('PostList', one.body);
    const [entry] = (one.body as { posts: Json[] }).posts;
    expect(entry).toMatchObject({
      id: postId,
      state: 'PUBLISHED',
      content: 'Hello from the API',
      tags: ['launch', 'q4'],
      integration: { id: accounts.acme, identifier: 'mastodon' },
      releaseURL: expect.stringMatching(/^https?:\/\//),
    });
    const status = mastodon.statuses.find((s) => String(s.content).includes('Hello from the API'))!;
    expect((status.media_attachments as unknown[]).length).toBe(1);

    const listed = await call('GET', `/posts?status=published&integration=${accounts.acme}`);
    conforms('PostList', listed.body);
    expect((listed.body as { posts: Json[] }).posts.map((p) => p.id)).toContain(postId);
    const none = await call('GET', `/posts?startDate=2000-01-01T00:00:00Z&endDate=2000-01-02T00:00:00Z`);
    expect(none.body).toEqual({ posts: [] });
  });

  it('GIVEN several value items THEN a thread on the platform, in order', async () => {
    const created = await call('POST', '/posts', {
      body: post(accounts.acme!, [{ content: 'Thread one' }, { content: 'Thread two' }]),
    });
    const { postId } = (created.body as Array<{ postId: string }>)[0]!;
    await publish(postId);
    const first = mastodon.statuses.find((s) => String(s.content).includes('Thread one'))!;
    const second = mastodon.statuses.find((s) => String(s.content).includes('Thread two'))!;
    expect(second.in_reply_to_id).toBe(first.id);
  });

  it('GIVEN a scheduled post THEN it is queued at its date, DELETE cancels it, and a second DELETE says it already was', async () => {
    const created = await call('POST', '/posts', {
      body: post(accounts.acme!, [{ content: 'Next year' }], {
        type: 'schedule',
        date: '2099-03-01T10:00:00+01:00',
      }),
    });
    const { postId } = (created.body as Array<{ postId: string }>)[0]!;
    const entry = ((await call('GET', `/posts/${postId}`)).body as { posts: Json[] }).posts[0];
    expect(entry).toMatchObject({ state: 'QUEUE', publishDate: '2099-03-01T09:00:00.000Z' });
    const cancelled = await call('DELETE', `/posts/${postId}`);
    expect(cancelled).toMatchObject({ status: 200, body: { id: postId, state: 'CANCELLED' } });
    conforms('CancelledPost', cancelled.body);
    const job = await db.pool.query(`SELECT 1 FROM graphile_worker.jobs WHERE key = 'publish:' || $1`, [
      postId,
    ]);
    expect(job.rowCount).toBe(0);
    expect(await call('DELETE', `/posts/${postId}`)).toMatchObject({
      status: 409,
      body: { msg: 'This post was already cancelled.' },
    });
  });

  it('GIVEN a published post THEN DELETE answers 409: it can no longer be cancelled', async () => {
    const created = await call('POST', '/posts', {
      body: post(accounts.acme!, [{ content: 'Too late to stop' }]),
    });
    const { postId } = (created.body as Array<{ postId: string }>)[0]!;
    await publish(postId);
    expect((await call('DELETE', `/posts/${postId}`)).status).toBe(409);
  });

  it('GIVEN posts no integration can take THEN 400 with a reason per integration and nothing created', async () => {
    const before = (await db.pool.query('SELECT count(*)::int AS n FROM outbound_posts')).rows[0].n;
    const refused = await call('POST', '/posts', {
      body: {
        type: 'now',
        posts: [
          { integration: { id: accounts.acme }, value: [{ content: 'x'.repeat(501) }] },
          { integration: { id: accounts.acmeStale }, value: [{ content: 'fine' }] },
          { integration: { id: 'not-an-id' }, value: [{ content: 'fine' }] },
        ],
      },
    });
    expect(refused.status).toBe(400);
    conforms('Error', refused.body);
    expect(refused.body).toEqual({
      msg: 'Some integrations cannot take their post: nothing was created.',
      errors: [
        {
          integration: accounts.acme,
          msg: expect.stringMatching(/^value\[0\] is 501\/500 as Mastodon counts it/),
        },
        { integration: accounts.acmeStale, msg: expect.stringMatching(/needs reconnecting/) },
        { integration: 'not-an-id', msg: expect.stringMatching(/^No integration with this id/) },
      ],
    });
    expect((await db.pool.query('SELECT count(*)::int AS n FROM outbound_posts')).rows[0].n).toBe(before);
    expect(await call('POST', '/posts', { body: '{"type":' })).toMatchObject({
      status: 400,
      body: { msg: 'The body is not valid JSON.' },
    });
    expect(await call('POST', '/posts', { body: { type: 'later', posts: [] } })).toMatchObject({
      status: 400,
      body: {
        msg: expect.stringMatching(
          /type: must be now, schedule or draft; posts: needs at least one integration/,
        ),
      },
    });
    expect(
      await call('POST', '/posts', {
        body: post(accounts.acme!, [{ content: 'when?' }], { type: 'schedule' }),
      }),
    ).toMatchObject({ status: 400, body: { msg: 'date: is required when type is schedule.' } });
  });

  it('GIVEN the same Idempotency-Key twice THEN one post and the same answer; with another body THEN 422', async () => {
    const body = post(accounts.acme!, [{ content: 'Exactly once' }]);
    const headers = { 'idempotency-key': 'retry-123' };
    const first = await call('POST', '/posts', { body, headers });
    const second = await call('POST', '/posts', { body, headers });
    expect(first.status).toBe(201);
    expect(second).toEqual({ ...first, headers: second.headers });
    const { rows } = await db.pool.query(
      `SELECT 1 FROM outbound_posts WHERE content->0->>'text' = 'Exactly once'`,
    );
    expect(rows).toHaveLength(1);
    const changed = await call('POST', '/posts', {
      body: post(accounts.acme!, [{ content: 'Something else' }]),
      headers,
    });
    expect(changed).toMatchObject({
      status: 422,
      body: { msg: expect.stringMatching(/used for a different request/) },
    });
  });

  it('GIVEN tenant B’s key THEN tenant A’s posts and integrations read as missing, and stay untouched', async () => {
    const created = await call('POST', '/posts', {
      body: post(accounts.acme!, [{ content: 'Acme only' }], {
        type: 'schedule',
        date: '2099-01-01T00:00:00Z',
      }),
    });
    const { postId } = (created.body as Array<{ postId: string }>)[0]!;
    expect(await call('GET', `/posts/${postId}`, { key: otherKey })).toMatchObject({
      status: 404,
      body: { msg: 'Post not found.' },
    });
    expect(await call('DELETE', `/posts/${postId}`, { key: otherKey })).toMatchObject({ status: 404 });
    expect(await call('GET', `/posts/00000000-0000-4000-8000-000000000000`, { key: otherKey })).toMatchObject(
      {
        status: 404,
        body: { msg: 'Post not found.' },
      },
    );
    const list = await call('GET', '/posts', { key: otherKey });
    expect((list.body as { posts: Json[] }).posts.map((p) => p.id)).not.toContain(postId);
    const integrations = (await call('GET', '/integrations', { key: otherKey })).body as Json[];
    expect(integrations.map((i) => i.id)).toEqual([accounts.other]);
    const intrusion = await call('POST', '/posts', {
      key: otherKey,
      body: post(accounts.acme!, [{ content: 'hijack' }]),
    });
    expect(intrusion).toMatchObject({
      status: 400,
      body: { errors: [{ msg: expect.stringMatching(/^No integration with this id/) }] },
    });
    expect(((await call('GET', `/posts/${postId}`)).body as { posts: Json[] }).posts[0]).toMatchObject({
      state: 'QUEUE',
    });
  });

  it('GIVEN a revoked key THEN 401 from then on', async () => {
    const key = await keyFor(acme, 'short-lived');
    expect((await call('GET', '/integrations', { key })).status).toBe(200);
    const ctx = commandContext({ pool: db.pool, keyring, registry, config: testConfig() }, acme);
    await runCommand(catalogue, ctx, ['api-key', 'revoke'], { key });
    expect(await call('GET', '/integrations', { key })).toMatchObject({
      status: 401,
      body: { msg: 'Invalid API key' },
    });
  });
});

describe('the public API rate limit', () => {
  it('GIVEN more requests than the key’s window allows THEN 429 with Retry-After, and other keys are unaffected', async () => {
    const db = await createTestDatabase();
    const config = testConfig();
    const registry = createProviderRegistry(config);
    const media = createMediaDownloader({ userAgent: 'Herald/test', timeoutMs: 1_000, allowLoopback: false });
    const web = await startApiServer({
      pool: db.pool,
      keyring,
      registry,
      media,
      rateLimit: { requests: 3, windowSeconds: 3_600 },
    });
    try {
      const tenant = await createTenant(db.pool, '9201', 'Busy');
      const ctx = commandContext({ pool: db.pool, keyring, registry, config }, tenant);
      const keyOf = async () => {
        const result = await runCommand(catalogue, ctx, ['api-key', 'create'], {});
        return /`(hk_[A-Za-z0-9_-]+)`/.exec(result.kind === 'reply' ? result.text : '')![1]!;
      };
      const [busy, calm] = [await keyOf(), await keyOf()];
      const get = (key: string) =>
        fetch(`http://127.0.0.1:${web.port}/public/v1/integrations`, { headers: { authorization: key } });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await get(busy)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const limited = await get(busy);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3_500);
      expect(((await limited.json()) as { msg: string }).msg).toMatch(
        /^Too many requests: this key may make 3 every 3600 s/,
      );
      expect((await get(calm)).status).toBe(200);
      // The window ends: the key works again.
      await db.pool.query(`UPDATE api_keys SET window_started = now() - interval '2 hours'`);
      expect((await get(busy)).status).toBe(200);
    } finally {
      await web.close();
      await registry.close();
      await media.close();
      await db.drop();
    }
  });
});
