import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRef } from '../../../bot/commands/context.js';
import { createCatalogue, runAction, runCommand, suggest } from '../../../bot/commands/index.js';
import type { CommandResult, Reply } from '../../../bot/commands/reply.js';
import { createKeyring } from '../../../core/crypto.js';
import { socialPostSchema } from '../../../core/social-post.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../social/registry.js';
import { startRssFake, type RssFake } from '../../fakes/rss.js';
import { commandContext, createTenant, type ContextWorld } from '../../support/commands.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { rssFeed } from '../../support/pipeline.js';

const catalogue = createCatalogue({ heartbeatSeconds: 15 });

function asReply(result: CommandResult): Reply {
  if (result.kind !== 'reply') throw new Error(`expected a reply, got a ${result.kind}`);
  return result;
}
const allText = (r: Reply) =>
  [r.title, r.text, ...(r.fields ?? []).flatMap((f) => [f.name, f.value])].join('\n');

describe('the command catalogue: accounts and feeds', () => {
  let db: TestDatabase;
  let rss: RssFake;
  let registry: ProviderRegistry;
  let world: ContextWorld;
  let acme: TenantRef;
  let other: TenantRef;

  beforeAll(async () => {
    [db, rss] = await Promise.all([createTestDatabase(), startRssFake()]);
    const config = testConfig({ HERALD_ALLOW_LOOPBACK_URLS: 'true', HERALD_HTTP_TIMEOUT_SECONDS: '5' });
    registry = createProviderRegistry(config);
    world = { pool: db.pool, keyring: createKeyring(Buffer.from(TEST_KEY, 'base64')), registry, config };
    acme = await createTenant(db.pool, '111', 'Acme');
    other = await createTenant(db.pool, '222', 'Other');
  });
  afterAll(async () => {
    await registry.close();
    await Promise.all([rss.close(), db.drop()]);
  });

  const admin = (tenant = acme) => commandContext(world, tenant);
  const run = async (path: string, raw: Record<string, string | number | boolean> = {}, ctx = admin()) =>
    asReply(await runCommand(catalogue, ctx, path.split(' '), raw));
  const feedCount = async () =>
    (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM feeds')).rows[0]!.n;

  async function linkBlog(path: string, tenant = acme): Promise<string> {
    const url = rss.setFeed(path, {
      body: rssFeed([
        { id: `${path}-1`, title: 'Launch day for the new app', published: new Date(Date.now() - 60_000) },
        { id: `${path}-2`, title: 'Weekly notes', published: new Date(Date.now() - 120_000) },
      ]),
    });
    const linked = await run('social connect', { platform: 'rss', url }, admin(tenant));
    expect(linked.tone).toBe('success');
    const { rows } = await db.pool.query<{ id: string }>(
      'SELECT id FROM social_accounts WHERE tenant_id = $1 AND instance_url = $2',
      [tenant.id, url],
    );
    return rows[0]!.id;
  }

  it('GIVEN a feed URL THEN social connect links it once, and again only refreshes it', async () => {
    const url = rss.setFeed('/once.xml', {
      body: rssFeed([{ id: 'o1', title: 'Hello', published: new Date() }]),
    });
    expect((await run('social connect', { platform: 'rss', url })).title).toBe('Account linked');
    expect((await run('social connect', { platform: 'rss', url })).title).toBe('Account updated');
    const { rows } = await db.pool.query('SELECT 1 FROM social_accounts WHERE instance_url = $1', [url]);
    expect(rows).toHaveLength(1);
  });

  it('GIVEN an admin THEN feed add stores the feed with its filters and feed list shows it', async () => {
    const accountId = await linkBlog('/add.xml');
    const added = await run('feed add', {
      account: accountId,
      channel: '900',
      hashtags: '#Launch,release',
      keywords: '"new app",beta',
      'min-engagement': 10,
      'no-replies': true,
      mention: '555',
    });
    expect(added.tone).toBe('success');
    expect(allText(added)).toContain('hashtags: #launch, #release');
    const { rows } = await db.pool.query(
      'SELECT filters, mention_role_id, created_by FROM feeds WHERE channel_id = $1',
      ['900'],
    );
    expect(rows[0]).toEqual({
      filters: {
        hashtags: ['launch', 'release'],
        keywords: ['new app', 'beta'],
        minEngagement: 10,
        excludeReplies: true,
      },
      mention_role_id: '555',
      created_by: 'u-admin',
    });
    const listed = await run(
      'feed list',
      { channel: '900' },
      commandContext(world, acme, { isAdmin: false }),
    );
    expect(allText(listed)).toContain('<#900>');
    expect(allText(listed)).toContain('min engagement: 10');
  });

  it('GIVEN a member without admin rights THEN feed add is refused in plain words and nothing changes', async () => {
    const accountId = await linkBlog('/member.xml');
    const before = await feedCount();
    const refused = await run(
      'feed add',
      { account: accountId, channel: '901' },
      commandContext(world, acme, { isAdmin: false }),
    );
    expect(refused.tone).toBe('error');
    expect(refused.text).toContain('Manage Server');
    expect(await feedCount()).toBe(before);
  });

  it.each([
    [{ 'min-engagement': -5 }, 'min-engagement: must be at least 1'],
    [{ regex: '(unclosed' }, 'regex: is not a valid regular expression'],
    [{ backfill: 99 }, 'backfill: is at most 50'],
  ])(
    'GIVEN the bad option %j THEN a private error names it, shows the syntax, and nothing changes',
    async (bad, message) => {
      const accountId = await linkBlog(`/bad-${Object.keys(bad)[0]}.xml`);
      const before = await feedCount();
      const answer = await run('feed add', { account: accountId, channel: '902', ...bad });
      expect(answer).toMatchObject({ tone: 'error', private: true });
      expect(answer.text).toContain(message);
      expect(answer.text).toContain('Example: `feed add');
      expect(await feedCount()).toBe(before);
    },
  );

  it('GIVEN an unknown account THEN feed add says how to find or link one', async () => {
    const answer = await run('feed add', { account: '@nobody', channel: '903' });
    expect(answer.tone).toBe('error');
    expect(answer.text).toContain('No linked account matches "@nobody"');
    expect(answer.text).toContain('social connect');
  });

  it('GIVEN a channel where the bot cannot send THEN feed add names the missing permission', async () => {
    const accountId = await linkBlog('/perm.xml');
    const ctx = commandContext(world, acme, {
      channels: {
        '904': { ok: false, reason: 'missing-permissions', name: 'news', missing: ['Send Messages'] },
      },
    });
    const answer = await run('feed add', { account: accountId, channel: '904' }, ctx);
    expect(answer.tone).toBe('error');
    expect(answer.text).toContain('**Send Messages**');
    expect(answer.text).toContain('<#904>');
    expect(await db.pool.query('SELECT 1 FROM feeds WHERE channel_id = $1', ['904'])).toMatchObject({
      rowCount: 0,
    });
  });

  it('GIVEN the same account and channel twice THEN the second feed add says to edit the first', async () => {
    const accountId = await linkBlog('/twice.xml');
    expect((await run('feed add', { account: accountId, channel: '905' })).tone).toBe('success');
    const again = await run('feed add', { account: accountId, channel: '905' });
    expect(again.tone).toBe('error');
    expect(again.text).toContain('feed edit');
  });

  it('GIVEN another server THEN it can neither see nor change this server’s feeds and accounts', async () => {
    const accountId = await linkBlog('/private.xml');
    await run('feed add', { account: accountId, channel: '906' });
    const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM feeds WHERE channel_id = $1', [
      '906',
    ]);
    const feedId = rows[0]!.id;
    const outsider = admin(other);
    expect((await run('feed list', {}, outsider)).text).toContain('No feeds');
    for (const path of ['feed remove', 'feed pause', 'feed test']) {
      const answer = await run(path, { feed: feedId }, outsider);
      expect(answer.tone, path).toBe('error');
      expect(answer.text, path).toContain(`No feed matches "${feedId}"`);
    }
    expect((await run('feed add', { account: accountId, channel: '907' }, outsider)).tone).toBe('error');
    expect(await suggest(outsider, 'account', '')).toEqual([]);
    expect(await suggest(outsider, 'feed', '')).toEqual([]);
    expect(await db.pool.query('SELECT paused FROM feeds WHERE id = $1', [feedId])).toMatchObject({
      rows: [{ paused: false }],
    });
  });

  it('GIVEN accounts in two servers THEN autocomplete offers only this server’s, filtered by what was typed', async () => {
    await linkBlog('/suggest-a.xml');
    await linkBlog('/suggest-b.xml', other);
    const mine = await suggest(admin(), 'account', '');
    const theirs = await suggest(admin(other), 'account', '');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map((s) => s.value)).not.toEqual(expect.arrayContaining(theirs.map((s) => s.value)));
    const typed = await suggest(admin(), 'account', 'SUGGEST-A');
    expect(typed.length).toBeLessThan(mine.length);
  });

  it('GIVEN a keyword filter THEN feed test explains why a post is blocked and offers to send one', async () => {
    const accountId = await linkBlog('/explain.xml');
    await run('feed add', { account: accountId, channel: '908', keywords: 'launch' });
    const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM feeds WHERE channel_id = $1', [
      '908',
    ]);
    // Posts the account already has (as a poll would have stored them).
    await db.pool.query(
      `INSERT INTO social_posts (account_id, platform_post_id, kind, permalink, published_at, post)
       SELECT $1, p->>'platformId', 'post', p->>'permalink', (p->>'createdAt')::timestamptz, p
         FROM jsonb_array_elements($2::jsonb) AS p`,
      [
        accountId,
        JSON.stringify(
          ['Launch day for the new app', 'Weekly notes'].map((text, i) =>
            socialPostSchema.parse({
              platform: 'rss',
              platformId: `explain-${i}`,
              kind: 'post',
              permalink: `https://blog.example/explain-${i}`,
              createdAt: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
              author: { id: 'blog', handle: 'blog', displayName: 'Blog' },
              text,
              hashtags: [],
              links: [],
              media: [],
              metrics: {},
            }),
          ),
        ),
      ],
    );
    const answer = await run('feed test', { feed: rows[0]!.id });
    const text = allText(answer);
    expect(text).toMatch(/Launch day[^\n]*\n👍 would deliver/);
    expect(text).toMatch(/Weekly notes[^\n]*\n🚫 would block: [^\n]*launch/);
    expect(answer.buttons?.map((b) => b.label)).toEqual(['Send #1', 'Send #2']);
  });

  it('GIVEN disconnect THEN it asks first, and the confirmation removes the account with its feeds', async () => {
    const accountId = await linkBlog('/gone.xml');
    await run('feed add', { account: accountId, channel: '909' });
    const ask = await run('social disconnect', { account: accountId });
    expect(ask.tone).toBe('warning');
    expect(await db.pool.query('SELECT 1 FROM social_accounts WHERE id = $1', [accountId])).toMatchObject({
      rowCount: 1,
    });
    const confirmed = asReply(await runAction(catalogue, admin(), ask.buttons![0]!.actionId));
    expect(confirmed.text).toContain('removed 1 feed');
    expect(await db.pool.query('SELECT 1 FROM feeds WHERE channel_id = $1', ['909'])).toMatchObject({
      rowCount: 0,
    });
    const member = asReply(
      await runAction(catalogue, commandContext(world, acme, { isAdmin: false }), ask.buttons![0]!.actionId),
    );
    expect(member.tone).toBe('error');
  });

  it('GIVEN help THEN every command is listed with an example', async () => {
    const help = allText(await run('herald help', {}, commandContext(world, acme, { isAdmin: false })));
    for (const command of catalogue.commands) expect(help).toContain(`**${command.path.join(' ')}**`);
  });

  it('GIVEN Bluesky THEN connect answers with a private form whose password field is secret', async () => {
    const form = await runCommand(catalogue, admin(), ['social', 'connect'], { platform: 'bluesky' });
    expect(form).toMatchObject({ kind: 'form', submitId: 'connect-bluesky' });
    if (form.kind === 'form') expect(form.fields.find((f) => f.id === 'password')?.secret).toBe(true);
  });
});
