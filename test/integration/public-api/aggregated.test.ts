/**
 * The public API with accounts a tenant reaches through an aggregator: listed as integrations with
 * ids of their own, posted to through the same checks and publish job, read back with their route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpServer } from '../../../bot/http/server.js';
import { setAggregatorKey } from '../../../core/aggregator-keys.js';
import { createApiKey } from '../../../core/api-keys.js';
import { createKeyring } from '../../../core/crypto.js';
import { createMediaDownloader, type MediaDownloader } from '../../../social/media-download.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../social/registry.js';
import { publishPost } from '../../../worker/publish/publish-post.js';
import { startFakeServer, type FakeServer } from '../../fakes/fake-server.js';
import { startPostForMeFake, type PostForMeFake } from '../../fakes/postforme.js';
import { createTenant } from '../../support/commands.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../../support/database.js';
import { startApiServer } from '../../support/public-api.js';

const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(10_000, 3)]);

describe('the public API with accounts at an aggregator', () => {
  let db: TestDatabase;
  let postforme: PostForMeFake;
  let cdn: FakeServer;
  let registry: ProviderRegistry;
  let media: MediaDownloader;
  let web: HttpServer;
  let key: string;
  let instagramId: string;

  beforeAll(async () => {
    [db, postforme, cdn] = await Promise.all([createTestDatabase(), startPostForMeFake(), startFakeServer()]);
    cdn.on('GET', '/photo.jpg', () => ({ status: 200, body: JPEG }));
    const config = testConfig({
      HERALD_ALLOW_LOOPBACK_URLS: 'true',
      HERALD_POSTFORME_API_URL: postforme.url,
    });
    registry = createProviderRegistry(config, { aggregatorResultDelayMs: 1 });
    media = createMediaDownloader({ userAgent: 'Herald/test', timeoutMs: 5_000, allowLoopback: true });
    const tenant = await createTenant(db.pool, '9301', 'Acme');
    await setAggregatorKey(db.pool, keyring, {
      tenantId: tenant.id,
      aggregator: 'postforme',
      apiKey: postforme.apiKey,
      setBy: 'U1',
    });
    instagramId = String(postforme.addAccount({ platform: 'instagram', username: 'acme.gram' }).id);
    key = (await createApiKey(db.pool, { tenantId: tenant.id, name: 'n8n', createdBy: 'U1' })).key;
    web = await startApiServer({ pool: db.pool, keyring, registry, media });
  });
  afterAll(async () => {
    await web?.close();
    await registry?.close();
    await media?.close();
    await Promise.all([postforme?.close(), cdn?.close()]);
    await db?.drop();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${web.port}/public/v1${path}`, {
      method,
      headers: { authorization: key, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('GIVEN a PostForMe key THEN its accounts are integrations, posted to through it, and read back', async () => {
    const integrations = (await call('GET', '/integrations')).body as Array<Record<string, unknown>>;
    expect(integrations).toEqual([
      {
        id: `postforme:${instagramId}`,
        name: 'acme.gram',
        identifier: 'instagram',
        picture: null,
        disabled: false,
        profile: 'acme.gram',
      },
    ]);
    const created = await call('POST', '/posts', {
      type: 'now',
      posts: [
        {
          integration: { id: `postforme:${instagramId}` },
          value: [{ content: 'Through PostForMe', image: [{ path: `${cdn.url}/photo.jpg` }] }],
        },
      ],
    });
    expect(created.status).toBe(201);
    const { postId, integration } = (created.body as Array<{ postId: string; integration: string }>)[0]!;
    expect(integration).toBe(`postforme:${instagramId}`);
    expect(
      (await publishPost({ pool: db.pool, keyring, providers: registry, logger: testLogger }, postId)).status,
    ).toBe('published');
    expect([...postforme.uploads.values()].map((u) => u.data.length)).toContain(JPEG.length);
    const listed = await call('GET', `/posts?integration=postforme:${instagramId}`);
    expect((listed.body as { posts: unknown[] }).posts).toEqual([
      expect.objectContaining({
        id: postId,
        state: 'PUBLISHED',
        integration: expect.objectContaining({ id: `postforme:${instagramId}`, identifier: 'instagram' }),
      }),
    ]);
  });

  it('GIVEN a thread through an aggregator, or an account it does not have THEN 400 says why', async () => {
    const refused = await call('POST', '/posts', {
      type: 'now',
      posts: [
        { integration: { id: `postforme:${instagramId}` }, value: [{ content: 'one' }, { content: 'two' }] },
      ],
    });
    expect(refused).toMatchObject({
      status: 400,
      body: {
        errors: [
          {
            integration: `postforme:${instagramId}`,
            msg: expect.stringMatching(/thread cannot go through PostForMe/),
          },
        ],
      },
    });
    expect(
      await call('POST', '/posts', {
        type: 'now',
        posts: [{ integration: { id: 'postforme:spc_not_mine' }, value: [{ content: 'x' }] }],
      }),
    ).toMatchObject({
      status: 400,
      body: { errors: [{ msg: expect.stringMatching(/^No integration with this id/) }] },
    });
  });
});
