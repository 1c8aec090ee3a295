/**
 * `post new` with images and long text, end to end through the catalogue and the real publishing
 * engine against the X, Bluesky and Mastodon fakes: attachments downloaded once from a loopback
 * "chat CDN", checked per platform before anything is uploaded, a thread where one platform's limit
 * is too short, Edit, and history by campaign.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRef } from '../../../bot/commands/context.js';
import { createCatalogue, runAction, runCommand } from '../../../bot/commands/index.js';
import type { CommandResult, Form, Reply } from '../../../bot/commands/reply.js';
import { createKeyring } from '../../../core/crypto.js';
import type { SocialPlatform } from '../../../core/platforms.js';
import { createMediaDownloader, type MediaDownloader } from '../../../social/media-download.js';
import type { ProviderRegistry } from '../../../social/registry.js';
import { publishPost } from '../../../worker/publish/publish-post.js';
import { startBlueskyFake, type BlueskyFake } from '../../fakes/bluesky.js';
import { startFakeServer, type FakeServer } from '../../fakes/fake-server.js';
import { startMastodonFake, type MastodonFake } from '../../fakes/mastodon.js';
import { startXFake, type XFake } from '../../fakes/x.js';
import { commandContext, createTenant } from '../../support/commands.js';
import { linkOnePerPlatform, publishingRegistry } from '../../support/link-ref.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../../support/database.js';

const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
const catalogue = createCatalogue({ heartbeatSeconds: 15 });
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const png = (bytes: number, fill: number) => Buffer.concat([PNG, Buffer.alloc(bytes - PNG.length, fill)]);

const asReply = (result: CommandResult): Reply => {
  if (result.kind !== 'reply') throw new Error(`expected a reply, got a ${result.kind}`);
  return result;
};
const allText = (r: Reply) =>
  [r.title, r.text, ...(r.fields ?? []).flatMap((f) => [f.name, f.value])].join('\n');
const fieldOf = (r: Reply, platform: string) =>
  r.fields?.find((f) => f.name.endsWith(`on ${platform}`))?.value;

describe('posting with images and threads', () => {
  let db: TestDatabase;
  let x: XFake;
  let bluesky: BlueskyFake;
  let mastodon: MastodonFake;
  let cdn: FakeServer;
  let registry: ProviderRegistry;
  let media: MediaDownloader;
  let tenant: TenantRef;
  const files = new Map<string, Buffer>();

  beforeAll(async () => {
    [db, x, bluesky, mastodon, cdn] = await Promise.all([
      createTestDatabase(),
      startXFake(),
      startBlueskyFake(),
      startMastodonFake(),
      startFakeServer(),
    ]);
    // A chat platform's file host: attachments as Discord's CDN serves them.
    cdn.on('GET', '/attachments/:name', (_req, params) => {
      const body = files.get(params.name ?? '');
      return body
        ? { status: 200, headers: { 'content-type': 'application/octet-stream' }, body }
        : { status: 404, text: 'not found' };
    });
    registry = publishingRegistry({ x, bluesky });
    media = createMediaDownloader({ userAgent: 'Herald/test', timeoutMs: 5_000, allowLoopback: true });
    tenant = await createTenant(db.pool, '8101', 'Acme');
    await linkOnePerPlatform(db.pool, keyring, tenant.id, { x, bluesky, mastodon });
  });
  afterAll(async () => {
    await registry?.close();
    await media?.close();
    await Promise.all([x?.close(), bluesky?.close(), mastodon?.close(), cdn?.close()]);
    await db?.drop();
  });

  const ctx = () => {
    const base = commandContext({ pool: db.pool, keyring, registry, config: testConfig() }, tenant);
    return { ...base, deps: { ...base.deps, media } };
  };
  const run = async (path: string, raw: Record<string, string | boolean>) =>
    asReply(await runCommand(catalogue, ctx(), path.split(' '), raw));
  /** An attachment option as the Discord adapter passes it. */
  const attach = (name: string, body: Buffer) => {
    files.set(name, body);
    return JSON.stringify({
      url: `${cdn.url}/attachments/${name}`,
      fileName: name,
      contentType: 'image/png',
      size: body.length,
    });
  };
  const publishFrom = async (preview: Reply) => {
    const button = preview.buttons!.find((b) => b.style === 'primary')!;
    expect(asReply(await runAction(catalogue, ctx(), button.actionId)).tone).toBe('success');
    const postId = button.actionId.split(':')[1]!;
    // The worker's job, run here so the test drives it (the job itself is queued by Publish).
    await publishPost({ pool: db.pool, keyring, providers: registry, logger: testLogger }, postId);
    return postId;
  };
  const targets = async (postId: string) =>
    Object.fromEntries(
      (
        await db.pool.query<{ platform: SocialPlatform; status: string; error: string | null }>(
          'SELECT platform, status, error FROM outbound_targets WHERE outbound_post_id = $1',
          [postId],
        )
      ).rows.map((r) => [r.platform, r.status]),
    );

  it('GIVEN two images for X, Bluesky and Mastodon THEN each is downloaded once and every platform gets both', async () => {
    const before = cdn.requests.length;
    const preview = await run('post new', {
      text: 'Launch day, in pictures',
      image: attach('one.png', png(50_000, 1)),
      image2: attach('two.png', png(60_000, 2)),
    });
    expect(preview.tone).toBe('info');
    for (const platform of ['X', 'Bluesky', 'Mastodon'])
      expect(fieldOf(preview, platform)).toContain('2 files fit');
    expect(cdn.requests.length - before).toBe(2);

    const postId = await publishFrom(preview);
    expect(await targets(postId)).toEqual({ x: 'published', bluesky: 'published', mastodon: 'published' });
    // No second download when publishing: the bytes were kept with the post.
    expect(cdn.requests.length - before).toBe(2);
    const status = mastodon.statuses.find((s) => String(s.content).includes('Launch day'))!;
    expect((status.media_attachments as unknown[]).length).toBe(2);
    const blobs = bluesky.requests.filter((r) => r.path === '/xrpc/com.atproto.repo.uploadBlob');
    expect(blobs.map((r) => r.body.length).sort()).toEqual([50_000, 60_000]);
    const tweet = x.requestsTo('POST', '/2/tweets').at(-1)!.json() as { media?: { media_ids: string[] } };
    expect(tweet.media?.media_ids).toHaveLength(2);
  });

  it('GIVEN an image too large for X and Bluesky but fine for Mastodon THEN the preview says so and only Mastodon gets it', async () => {
    const preview = await run('post new', {
      text: 'Big picture',
      image: attach('big.png', png(6 * 1_048_576, 3)),
    });
    expect(fieldOf(preview, 'X')).toMatch(/left out: big\.png is 6 MB; X takes up to 5 MB/);
    expect(fieldOf(preview, 'Bluesky')).toMatch(/left out: big\.png is 6 MB; Bluesky takes up to 1 MB/);
    expect(fieldOf(preview, 'Mastodon')).toContain('1 file fit');
    const tweetsBefore = x.requestsTo('POST', '/2/tweets').length;
    const postId = await publishFrom(preview);
    expect(await targets(postId)).toEqual({ mastodon: 'published' });
    expect(x.requestsTo('POST', '/2/tweets').length).toBe(tweetsBefore);
  });

  it('GIVEN a file that is not an image THEN a clear refusal and nothing stored', async () => {
    const attachment = attach('notes.txt', Buffer.from('just some text, not a picture'));
    const refused = await run('post new', { text: 'With notes', image: attachment });
    expect(refused.tone).toBe('error');
    expect(refused.text).toMatch(/notes\.txt is not an image or video Herald can post/);
    const bogus = await run('post new', { text: 'With nonsense', image: 'not a file' });
    expect(bogus.text).toMatch(/image: must be an attached file or an http\(s\) URL/);
  });

  it('GIVEN text too long for X only THEN the preview offers a thread there, and Publish posts it as a reply chain', async () => {
    const text = `${'Herald now imports and publishes across platforms. '.repeat(7)}The end.`;
    const preview = await run('post new', { text, accounts: 'x,mastodon' });
    expect(fieldOf(preview, 'X')).toMatch(/🧵 \d+\/280: too long for one X post; a thread of 2/);
    expect(fieldOf(preview, 'Mastodon')).toMatch(/✅ \d+\/500/);
    expect(preview.buttons!.find((b) => b.style === 'primary')!.label).toBe('Publish, as a thread on X');
    const before = x.requestsTo('POST', '/2/tweets').length;
    const postId = await publishFrom(preview);
    expect(await targets(postId)).toEqual({ x: 'published', mastodon: 'published' });
    const tweets = x
      .requestsTo('POST', '/2/tweets')
      .slice(before)
      .map((r) => r.json() as { text: string; reply?: { in_reply_to_tweet_id: string } });
    expect(tweets).toHaveLength(2);
    expect(tweets[1]!.reply?.in_reply_to_tweet_id).toBeDefined();
    expect(`${tweets[0]!.text} ${tweets[1]!.text}`.replace(/\s+/g, ' ')).toBe(
      text.replace(/\s+/g, ' ').trim(),
    );
    // Mastodon had room: one post with the whole text.
    expect(mastodon.statuses.filter((s) => String(s.content).includes('The end.'))).toHaveLength(1);
  });

  it('GIVEN Edit THEN a form with the text, and saving it previews the new text on the same draft', async () => {
    const preview = await run('post new', { text: 'Typo teh', accounts: 'mastodon', campaign: 'winter' });
    const edit = preview.buttons!.find((b) => b.label === 'Edit')!;
    const form = (await runAction(catalogue, ctx(), edit.actionId)) as Form;
    expect(form.kind).toBe('form');
    expect(form.fields[0]).toMatchObject({ id: 'text', value: 'Typo teh' });
    const saved = asReply(await runAction(catalogue, ctx(), form.submitId, { text: 'Typo fixed' }));
    expect(saved.text).toBe('Typo fixed');
    expect(saved.title).toContain('campaign winter');
    const postId = await publishFrom(saved);
    expect(await targets(postId)).toEqual({ mastodon: 'published' });
    expect(mastodon.statuses.some((s) => String(s.content).includes('Typo fixed'))).toBe(true);
    expect(mastodon.statuses.some((s) => String(s.content).includes('Typo teh'))).toBe(false);

    const history = await run('post history', { campaign: 'Winter' });
    expect(history.fields).toHaveLength(1);
    expect(allText(history)).toMatch(/acme \(Mastodon\): ✅ http/);
    expect(allText(history)).toContain('campaign: winter');
    expect((await run('post history', { campaign: 'summer' })).text).toMatch(
      /Nothing published yet for campaign summer/,
    );
    expect((await run('post history', { account: '@acme.test' })).fields?.length).toBeGreaterThan(0);
  });
});
