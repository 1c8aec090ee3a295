/**
 * Publishing through the aggregators, end to end through the catalogue and the publishing engine
 * against the PostForMe and LATE fakes: a server's own key checked before it is stored, the
 * accounts connected there listed, the aggregator's connect page handed out, a post with an image
 * published through PostForMe, failover to LATE when PostForMe answers 500, and a pending result
 * asked for later instead of posting again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRef } from '../../../bot/commands/context.js';
import { createCatalogue, runAction, runCommand } from '../../../bot/commands/index.js';
import type { CommandResult, Form, Reply } from '../../../bot/commands/reply.js';
import { createKeyring } from '../../../core/crypto.js';
import { createMediaDownloader, type MediaDownloader } from '../../../social/media-download.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../social/registry.js';
import { publishPost } from '../../../worker/publish/publish-post.js';
import { startFakeServer, type FakeServer } from '../../fakes/fake-server.js';
import { startLateFake, type LateFake } from '../../fakes/late.js';
import { startPostForMeFake, type PostForMeFake } from '../../fakes/postforme.js';
import { commandContext, createTenant } from '../../support/commands.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../../support/database.js';

const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
const catalogue = createCatalogue({ heartbeatSeconds: 15 });
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(20_000, 7)]);

const asReply = (result: CommandResult): Reply => {
  if (result.kind !== 'reply') throw new Error(`expected a reply, got a ${result.kind}`);
  return result;
};
const allText = (r: Reply) =>
  [r.title, r.text, ...(r.fields ?? []).flatMap((f) => [f.name, f.value])].join('\n');

describe('publishing through PostForMe and LATE', () => {
  let db: TestDatabase;
  let postforme: PostForMeFake;
  let late: LateFake;
  let cdn: FakeServer;
  let registry: ProviderRegistry;
  let media: MediaDownloader;
  let tenant: TenantRef;
  let config: ReturnType<typeof testConfig>;

  beforeAll(async () => {
    [db, postforme, late, cdn] = await Promise.all([
      createTestDatabase(),
      startPostForMeFake(),
      startLateFake(),
      startFakeServer(),
    ]);
    cdn.on('GET', '/attachments/photo.jpg', () => ({ status: 200, body: JPEG }));
    // The server's own PostForMe key is stored from chat; LATE is Herald's global fallback.
    config = testConfig({
      HERALD_ALLOW_LOOPBACK_URLS: 'true',
      HERALD_POSTFORME_API_URL: postforme.url,
      HERALD_LATE_API_URL: late.url,
      HERALD_LATE_API_KEY: late.apiKey,
    });
    registry = createProviderRegistry(config, { aggregatorResultDelayMs: 1 });
    media = createMediaDownloader({ userAgent: 'Herald/test', timeoutMs: 5_000, allowLoopback: true });
    tenant = await createTenant(db.pool, '8201', 'Acme');
    postforme.addAccount({ platform: 'instagram', username: 'acme.gram' });
    postforme.addAccount({ platform: 'linkedin', username: 'acme-inc' });
    late.addProfile({ name: 'Default', isDefault: true });
    late.addAccount({ platform: 'instagram', username: 'acme.gram' });
  });
  afterAll(async () => {
    await registry?.close();
    await media?.close();
    await Promise.all([postforme?.close(), late?.close(), cdn?.close()]);
    await db?.drop();
  });

  const ctx = (isAdmin = true) => {
    const base = commandContext({ pool: db.pool, keyring, registry, config }, tenant, { isAdmin });
    return { ...base, deps: { ...base.deps, media } };
  };
  const run = async (path: string, raw: Record<string, string | boolean>) =>
    asReply(await runCommand(catalogue, ctx(), path.split(' '), raw));
  const image = () => JSON.stringify({ url: `${cdn.url}/attachments/photo.jpg`, fileName: 'photo.jpg' });
  const engine = () => ({ pool: db.pool, keyring, providers: registry, logger: testLogger });
  const target = async (postId: string) =>
    (
      await db.pool.query<{ via: string; status: string; url: string | null; error: string | null }>(
        'SELECT via, status, url, error FROM outbound_targets WHERE outbound_post_id = $1',
        [postId],
      )
    ).rows;
  const publishFrom = async (preview: Reply) => {
    const button = preview.buttons!.find((b) => b.style === 'primary')!;
    await runAction(catalogue, ctx(), button.actionId);
    const postId = button.actionId.split(':')[1]!;
    return { postId, outcome: await publishPost(engine(), postId) };
  };

  it('GIVEN a wrong PostForMe key THEN it is refused and nothing is stored; the right one is stored encrypted', async () => {
    const form = (await runCommand(catalogue, ctx(), ['herald', 'aggregator'], {
      aggregator: 'postforme',
    })) as Form;
    expect(form.fields[0]).toMatchObject({ id: 'key', secret: true });
    const wrong = asReply(await runAction(catalogue, ctx(), form.submitId, { key: 'pfm_wrong' }));
    expect(wrong.tone).toBe('error');
    expect(wrong.text).toMatch(/PostForMe refused this key: nothing was stored/);
    expect(wrong.text).not.toContain('pfm_wrong');
    expect((await db.pool.query('SELECT 1 FROM aggregator_credentials')).rowCount).toBe(0);

    const stored = asReply(await runAction(catalogue, ctx(), form.submitId, { key: postforme.apiKey }));
    expect(stored.text).toMatch(/PostForMe key stored \(encrypted\)\. 2 accounts connected there/);
    const { rows } = await db.pool.query<{ api_key_enc: string }>(
      'SELECT api_key_enc FROM aggregator_credentials',
    );
    expect(rows[0]!.api_key_enc).not.toContain(postforme.apiKey);
    expect(keyring.decrypt(rows[0]!.api_key_enc)).toBe(postforme.apiKey);
  });

  it('GIVEN keys THEN social accounts lists the accounts at each aggregator, and social connect hands out its page', async () => {
    const accounts = allText(await run('social accounts', {}));
    expect(accounts).toContain('@acme.gram on Instagram');
    expect(accounts).toContain('via PostForMe (this workspace’s key)');
    expect(accounts).toContain('via LATE (Herald’s key)');
    const connect = await run('social connect', { platform: 'tiktok' });
    expect(connect.text).toMatch(
      /connect a TikTok account at PostForMe \(this workspace’s key\):\nhttps?:\/\//,
    );
    expect(postforme.requestsTo('POST', '/v1/social-accounts/auth-url').at(-1)!.json()).toMatchObject({
      platform: 'tiktok',
    });
  });

  it('GIVEN a post with an image to Instagram THEN it goes through PostForMe (first in order) with the image', async () => {
    const preview = await run('post new', { text: 'Launch photo', accounts: 'instagram', image: image() });
    expect(allText(preview)).toContain('@acme.gram on Instagram via PostForMe');
    const { postId, outcome } = await publishFrom(preview);
    expect(outcome.status).toBe('published');
    expect(await target(postId)).toEqual([
      { via: 'postforme', status: 'published', url: expect.stringMatching(/^https?:\/\//), error: null },
    ]);
    expect([...postforme.uploads.values()].map((u) => u.data.length)).toContain(JPEG.length);
    expect(allText(await run('post history', {}))).toMatch(/acme\.gram \(Instagram via PostForMe\): ✅/);
  });

  it('GIVEN PostForMe answering 500 THEN the same post goes out through LATE, once, and the route is recorded', async () => {
    const postsBefore = postforme.posts.length;
    postforme.serverError({ path: '/v1/social-posts', times: 1 });
    const preview = await run('post new', { text: 'Failover day', accounts: 'instagram' });
    const { postId, outcome } = await publishFrom(preview);
    expect(outcome.status).toBe('published');
    expect(await target(postId)).toEqual([
      { via: 'late', status: 'published', url: expect.stringMatching(/^https?:\/\//), error: null },
    ]);
    expect(postforme.posts.length).toBe(postsBefore);
    expect(late.posts.filter((p) => JSON.stringify(p).includes('Failover day'))).toHaveLength(1);
  });

  it('GIVEN a result still pending THEN the retry asks for it and never creates the post again', async () => {
    const linkedin = postforme.accounts.find((a) => a.platform === 'linkedin')!;
    postforme.setOutcome(String(linkedin.id), { kind: 'pending', polls: 5 });
    const preview = await run('post new', { text: 'Slow platform', accounts: 'linkedin' });
    const { postId, outcome } = await publishFrom(preview);
    expect(outcome.retry).toBe(1);
    expect((await target(postId))[0]).toMatchObject({ via: 'postforme', status: 'unknown' });
    const created = postforme.requestsTo('POST', '/v1/social-posts').length;
    let again = await publishPost(engine(), postId);
    for (let i = 0; i < 5 && again.retry > 0; i++) again = await publishPost(engine(), postId);
    expect(again.status).toBe('published');
    expect(postforme.requestsTo('POST', '/v1/social-posts').length).toBe(created);
  });

  it('GIVEN every route refusing (500, no other route has the account) THEN nothing is created and the retry publishes', async () => {
    postforme.addAccount({ platform: 'facebook', username: 'acme.page' });
    postforme.serverError({ path: '/v1/social-posts', times: 1 });
    const preview = await run('post new', { text: 'Second try', accounts: 'facebook' });
    const { postId, outcome } = await publishFrom(preview);
    expect(outcome.retry).toBe(1);
    expect((await target(postId))[0]).toMatchObject({
      status: 'pending',
      error: expect.stringMatching(/HTTP 500/),
    });
    expect((await publishPost(engine(), postId)).status).toBe('published');
    expect(postforme.posts.filter((p) => JSON.stringify(p).includes('Second try'))).toHaveLength(1);
  });

  it('GIVEN a text too long for a platform reached through an aggregator THEN it is left out, with why', async () => {
    const preview = await run('post new', { text: 'x'.repeat(2_300), accounts: 'instagram' });
    expect(preview.tone).toBe('error');
    expect(allText(preview)).toContain(
      '2300/2200, too long for Instagram, and a thread cannot go through an aggregator',
    );
  });
});
