/**
 * The real `herald start --role bot` process against the fake Discord: the end-to-end cases.
 * Each answer is read from what the process sent to the fake (the interaction's final message).
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApplicationCommandOptionType as Opt,
  InteractionResponseType,
  OverwriteType,
  PermissionFlagsBits,
  type APIApplicationCommandInteractionDataBasicOption,
} from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socialPostSchema } from '../../core/social-post.js';
import { startDiscordFake, type DiscordFake } from '../fakes/discord/index.js';
import { startRssFake, type RssFake } from '../fakes/rss.js';
import { TEST_KEY } from '../support/config.js';
import { textOf } from '../support/discord-text.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort, spawnHerald, type HeraldProcess } from '../support/herald-process.js';
import { rssFeed } from '../support/pipeline.js';

type Option = APIApplicationCommandInteractionDataBasicOption;
const sub = (name: string, options: Option[] = []) => [{ name, type: Opt.Subcommand as const, options }];
const str = (name: string, value: string, focused = false): Option =>
  focused ? { name, type: Opt.String, value, focused } : { name, type: Opt.String, value };

describe('the Discord bot, end to end with the real process', () => {
  let db: TestDatabase;
  let fake: DiscordFake;
  let rss: RssFake;
  let cwd: string;
  let herald: HeraldProcess;
  let guildId: string;
  let newsId: string;
  let lockedId: string;
  let adminId: string;
  let memberId: string;
  let otherGuildId: string;
  let otherChannelId: string;
  let otherAdminId: string;

  beforeAll(async () => {
    [db, fake, rss] = await Promise.all([
      createTestDatabase(),
      // A real process on a loaded CI machine: the adapter's own 2 s defer is what is tested, not the box.
      startDiscordFake({ responseWindowMs: 10_000 }),
      startRssFake(),
    ]);
    guildId = fake.addGuild({ name: 'Acme' });
    newsId = fake.addChannel({ guildId, name: 'news' });
    lockedId = fake.addChannel({ guildId, name: 'locked' });
    fake.setPermissionOverwrite(lockedId, {
      id: fake.botRoleId(guildId),
      type: OverwriteType.Role,
      deny: PermissionFlagsBits.SendMessages,
    });
    const mods = fake.addRole(guildId, { name: 'mods', permissions: PermissionFlagsBits.ManageGuild });
    adminId = fake.addMember(guildId, { username: 'ann', roles: [mods] });
    memberId = fake.addMember(guildId, { username: 'bob' });
    otherGuildId = fake.addGuild({ name: 'Beta' });
    otherChannelId = fake.addChannel({ guildId: otherGuildId, name: 'lobby' });
    const boss = fake.addRole(otherGuildId, { permissions: PermissionFlagsBits.Administrator });
    otherAdminId = fake.addMember(otherGuildId, { username: 'cat', roles: [boss] });

    cwd = await mkdtemp(join(tmpdir(), 'herald-discord-'));
    await chmod(cwd, 0o755);
    herald = spawnHerald(
      ['start', '--role', 'bot'],
      {
        DATABASE_URL: db.url,
        HERALD_ENCRYPTION_KEY: TEST_KEY,
        HERALD_DATA_DIR: join(cwd, 'data'),
        HERALD_ALLOW_LOOPBACK_URLS: 'true',
        PORT: String(await freePort()),
        DISCORD_TOKEN: fake.token,
        DISCORD_APPLICATION_ID: fake.applicationId,
        DISCORD_API_URL: fake.apiUrl,
      },
      cwd,
    );
    await herald.waitForOutput('herald started');
  }, 60_000);

  afterAll(async () => {
    herald?.child.kill('SIGTERM');
    await herald?.exited();
    await Promise.all([fake?.close(), rss?.close()]);
    await db?.drop();
    await rm(cwd, { recursive: true, force: true });
  });

  const run = async (
    userId: string,
    group: string,
    name: string,
    options: Option[] = [],
    where = { guildId, channelId: newsId },
  ) =>
    textOf(
      await fake
        .fireSlashCommand({
          ...where,
          userId,
          name: group,
          options: sub(name, options),
          bypassDefaultPermissions: true,
        })
        .waitForFinal(),
    );
  const feeds = async () =>
    (await db.pool.query<{ id: string; channel_id: string }>('SELECT id, channel_id FROM feeds')).rows;

  let accountId = '';

  it('GIVEN the bot started THEN its commands are registered, one per group, and the message command', async () => {
    await expect
      .poll(
        () =>
          fake
            .commands()
            .map((c) => c.name)
            .sort(),
        { timeout: 20_000 },
      )
      .toEqual(['Publish to social', 'api-key', 'feed', 'herald', 'post', 'social']);
  });

  it('GIVEN an admin THEN a feed URL is linked and a feed with filters is added and listed', async () => {
    const url = rss.setFeed('/acme.xml', {
      body: rssFeed([{ id: 'a1', title: 'Hello world', published: new Date(Date.now() - 60_000) }]),
    });
    expect(await run(adminId, 'social', 'connect', [str('platform', 'rss'), str('url', url)])).toContain(
      'Account linked',
    );
    accountId = (await db.pool.query<{ id: string }>('SELECT id FROM social_accounts')).rows[0]!.id;

    const added = await run(adminId, 'feed', 'add', [
      str('account', accountId),
      { name: 'channel', type: Opt.Channel, value: newsId },
      str('keywords', 'launch'),
      { name: 'no-replies', type: Opt.Boolean, value: true },
    ]);
    expect(added).toContain('Feed added');
    expect(added).toContain(`<#${newsId}>`);
    const listed = await run(adminId, 'feed', 'list');
    expect(listed).toContain('keywords: launch');
    expect(listed).toContain('no replies');
  });

  it('GIVEN autocomplete THEN it lists this guild’s accounts only', async () => {
    const choices = async (userId: string, where: { guildId: string; channelId: string }) => {
      const response = await fake
        .fireAutocomplete({
          ...where,
          userId,
          name: 'feed',
          options: sub('add', [str('account', '', true)]),
          bypassDefaultPermissions: true,
        })
        .response();
      expect(response.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
      return (response as { data: { choices: Array<{ value: string }> } }).data.choices.map((c) => c.value);
    };
    expect(await choices(adminId, { guildId, channelId: newsId })).toEqual([accountId]);
    expect(await choices(otherAdminId, { guildId: otherGuildId, channelId: otherChannelId })).toEqual([]);
  });

  it('GIVEN a member without Manage Server THEN feed add is refused and nothing changes', async () => {
    const before = await feeds();
    const answer = await run(memberId, 'feed', 'add', [
      str('account', accountId),
      { name: 'channel', type: Opt.Channel, value: lockedId },
    ]);
    expect(answer).toContain('Manage Server');
    expect(await feeds()).toEqual(before);
  });

  it('GIVEN a channel where the bot cannot send THEN feed add names the missing permission', async () => {
    const answer = await run(adminId, 'feed', 'add', [
      str('account', accountId),
      { name: 'channel', type: Opt.Channel, value: lockedId },
    ]);
    expect(answer).toContain('Send Messages');
    expect((await feeds()).map((f) => f.channel_id)).not.toContain(lockedId);
  });

  it.each([
    [[{ name: 'min-engagement', type: Opt.Integer, value: -5 }], 'min-engagement: must be at least 1'],
    [[str('regex', '(unclosed')], 'regex: is not a valid regular expression'],
  ] as Array<[Option[], string]>)(
    'GIVEN an invalid option THEN a clear private error and no change (%#)',
    async (bad, message) => {
      const before = await feeds();
      const secondChannel = fake.addChannel({ guildId, name: `more-${message.length}` });
      const answer = await run(adminId, 'feed', 'add', [
        str('account', accountId),
        { name: 'channel', type: Opt.Channel, value: secondChannel },
        ...bad,
      ]);
      expect(answer).toContain(message);
      expect(await feeds()).toEqual(before);
    },
  );

  it('GIVEN an unknown account THEN feed add says how to find one', async () => {
    const answer = await run(adminId, 'feed', 'add', [
      str('account', '@nobody'),
      { name: 'channel', type: Opt.Channel, value: newsId },
    ]);
    expect(answer).toContain('No linked account matches "@nobody"');
  });

  it('GIVEN another guild THEN its admin cannot see or remove this guild’s feed', async () => {
    const feedId = (await feeds())[0]!.id;
    const where = { guildId: otherGuildId, channelId: otherChannelId };
    expect(await run(otherAdminId, 'feed', 'list', [], where)).toContain('No feeds');
    expect(await run(otherAdminId, 'feed', 'remove', [str('feed', feedId)], where)).toContain(
      `No feed matches "${feedId}"`,
    );
    expect((await feeds()).map((f) => f.id)).toContain(feedId);
  });

  it('GIVEN a stored post without the keyword THEN feed test explains why it is blocked', async () => {
    const post = socialPostSchema.parse({
      platform: 'rss',
      platformId: 'weekly-1',
      kind: 'post',
      permalink: 'https://blog.example/weekly-1',
      createdAt: new Date(Date.now() - 30_000).toISOString(),
      author: { id: 'blog', handle: 'blog', displayName: 'Blog' },
      text: 'Weekly notes from the team',
      hashtags: [],
      links: [],
      media: [],
      metrics: {},
    });
    await db.pool.query(
      `INSERT INTO social_posts (account_id, platform_post_id, kind, permalink, published_at, post)
       VALUES ($1, $2, 'post', $3, $4, $5)`,
      [accountId, post.platformId, post.permalink, post.createdAt, JSON.stringify(post)],
    );
    const feedId = (await feeds())[0]!.id;
    const answer = await run(adminId, 'feed', 'test', [str('feed', feedId)]);
    expect(answer).toMatch(/Weekly notes[^\n]*\n🚫 would block: [^\n]*launch/);
  });
});
