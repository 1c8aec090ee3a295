import {
  ApplicationCommandOptionType as Opt,
  ComponentType,
  InteractionResponseType,
  MessageFlags,
  OverwriteType,
  PermissionFlagsBits,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIMessage,
} from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordAdapter, type DiscordAdapter } from '../../../bot/discord/client.js';
import { createKeyring } from '../../../core/crypto.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../social/registry.js';
import { startDiscordFake, type DiscordFake } from '../../fakes/discord/index.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { captureLogs } from '../../support/log-capture.js';
import { createTestCatalogue, CONNECT_FORM, type TestCatalogue } from './test-catalogue.js';

const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));

interface World {
  readonly fake: DiscordFake;
  readonly adapter: DiscordAdapter;
  readonly registry: ProviderRegistry;
}

async function startWorld(
  db: TestDatabase,
  test: TestCatalogue,
  logger = captureLogs().logger,
  setup: (fake: DiscordFake) => Record<string, string> = () => ({}),
): Promise<World> {
  const fake = await startDiscordFake({ heartbeatIntervalMs: 1_000 });
  const config = testConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    ...setup(fake),
  });
  const registry = createProviderRegistry(config);
  const deps = { pool: db.pool, keyring, registry, logger, settings: config.worker };
  const adapter = await startDiscordAdapter({
    discord: config.discord!,
    catalogue: test.catalogue,
    suggest: test.suggest,
    deps,
    logger,
  }).catch(async (err: unknown) => {
    await Promise.all([registry.close(), fake.close()]);
    throw err;
  });
  return { fake, adapter, registry };
}

async function stopWorld(world: World | undefined): Promise<void> {
  await world?.adapter.stop();
  await Promise.all([world?.registry.close(), world?.fake.close()]);
}

const sub = (name: string, options: APIApplicationCommandInteractionDataBasicOption[] = []) => [
  { name, type: Opt.Subcommand as const, options },
];
const embedOf = (message: APIMessage) => message.embeds[0];

describe('GIVEN the Discord adapter logged in to the fake with a test catalogue', () => {
  let db: TestDatabase;
  let world: World;
  const test = createTestCatalogue();
  const logs = captureLogs();
  let guildId: string;
  let channelId: string;
  let mutedChannelId: string;
  let otherGuildId: string;
  let otherChannelId: string;
  let adminId: string;
  let memberId: string;
  let otherAdminId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await startWorld(db, test, logs.logger, (fake) => {
      guildId = fake.addGuild({ name: 'Acme' });
      channelId = fake.addChannel({ guildId, name: 'general' });
      mutedChannelId = fake.addChannel({ guildId, name: 'announcements' });
      // Herald's own role may not send in #announcements.
      fake.setPermissionOverwrite(mutedChannelId, {
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
      return {};
    });
  });
  afterAll(async () => {
    await stopWorld(world);
    await db?.drop();
  });

  const fire = (name: string, subcommand: string, userId: string, options = {}) =>
    world.fake.fireSlashCommand({
      guildId,
      channelId,
      userId,
      name,
      options: sub(subcommand, []),
      ...options,
    });

  it('THEN one command per group is registered globally, admin-only groups hidden from members', () => {
    const commands = world.fake.commands();
    expect(commands.map((c) => c.name).sort()).toEqual(['feed', 'herald', 'social']);
    const byName = Object.fromEntries(commands.map((c) => [c.name, c]));
    expect(byName.feed?.default_member_permissions).toBe('32');
    expect(byName.herald?.default_member_permissions).toBeNull();
    expect(byName.feed?.contexts).toEqual([0]);
    expect(world.adapter.registration).toEqual({ scope: 'global', count: 3 });
    expect(world.fake.requestsTo('PUT', '/api/v10/applications/:app/commands')).toHaveLength(1);
  });

  it('THEN the invite link with exactly the four permissions is logged, and no token is', () => {
    const invite = logs.events().find((e) => typeof e.inviteUrl === 'string')?.inviteUrl;
    const bits = PermissionFlagsBits;
    const wanted = bits.ViewChannel | bits.SendMessages | bits.EmbedLinks | bits.ReadMessageHistory;
    expect(invite).toBe(
      `https://discord.com/oauth2/authorize?client_id=${world.fake.applicationId}&scope=bot%20applications.commands&permissions=${wanted}`,
    );
    expect(logs.lines.join('\n')).not.toContain(world.fake.token);
  });

  it('THEN an admin’s slow command is deferred privately, then edited into the reply', async () => {
    let release = () => undefined as void;
    test.gate = new Promise<void>((resolve) => (release = resolve));
    const handle = fire('feed', 'add', adminId, {
      options: sub('add', [{ name: 'channel', type: Opt.Channel, value: channelId }]),
    });
    expect(await handle.response()).toEqual({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral },
    });
    test.gate = undefined;
    release();
    const final = await handle.waitForFinal();
    expect(final.flags).toBe(MessageFlags.Ephemeral);
    expect(embedOf(final)).toMatchObject({
      title: 'Feed added for Acme',
      description: `Posts will go to <#${channelId}> (#general).`,
      color: 0x57f287,
    });
    expect(handle.edits).toHaveLength(1);
    expect(handle.edits[0]?.body).toMatchObject({ allowed_mentions: { parse: [] } });
    const tenants = await db.pool.query(`SELECT name FROM tenants WHERE external_id = $1`, [guildId]);
    expect(tenants.rows).toEqual([{ name: 'Acme' }]);
  });

  it('THEN a member running an admin command (re-granted by the server) is refused in plain words', async () => {
    const before = test.feedAddRuns;
    const handle = fire('feed', 'add', memberId, {
      options: sub('add', [{ name: 'channel', type: Opt.Channel, value: channelId }]),
      bypassDefaultPermissions: true,
    });
    const final = await handle.waitForFinal();
    expect(final.flags).toBe(MessageFlags.Ephemeral);
    expect(embedOf(final)?.description).toMatch(/^Only people with the Manage Server permission/u);
    expect(embedOf(final)?.color).toBe(0xed4245);
    expect(test.feedAddRuns).toBe(before);
  });

  it('THEN a channel where Herald lacks Send Messages is named with what is missing', async () => {
    const handle = fire('feed', 'add', adminId, {
      options: sub('add', [{ name: 'channel', type: Opt.Channel, value: mutedChannelId }]),
    });
    const final = await handle.waitForFinal();
    expect(embedOf(final)?.description).toBe('Herald cannot post in #announcements: it lacks Send Messages.');
  });

  it('THEN a command returning a form opens a modal, and its submission reaches the action', async () => {
    const handle = fire('social', 'connect', adminId);
    const response = await handle.response();
    expect(response).toMatchObject({
      type: InteractionResponseType.Modal,
      data: { custom_id: 'connect-test', title: CONNECT_FORM.title },
    });
    const submit = handle.submitModal({ values: { handle: 'ann.example', password: 'hunter2-app' } });
    const final = await submit.waitForFinal();
    expect(embedOf(final)?.description).toBe('Linked ann.example.');
    expect(test.submitted.at(-1)).toEqual({ handle: 'ann.example', password: 'hunter2-app' });
    expect(logs.lines.join('\n')).not.toContain('hunter2-app');
  });

  it('THEN a form that comes after the defer is opened from a button instead', async () => {
    let release = () => undefined as void;
    test.gate = new Promise<void>((resolve) => (release = resolve));
    const handle = fire('social', 'connect', adminId);
    expect((await handle.response()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    test.gate = undefined;
    release();
    const prompt = await handle.waitForFinal();
    const button = prompt.components?.[0] as { components: { custom_id: string }[] } | undefined;
    const customId = button?.components[0]?.custom_id ?? '';
    expect(customId).toMatch(/^~form:/u);
    const click = world.fake.fireButton({ userId: adminId, messageId: prompt.id, customId });
    expect((await click.response()).type).toBe(InteractionResponseType.Modal);
    const final = await click
      .submitModal({ values: { handle: 'late.example', password: 'pw' } })
      .waitForFinal();
    expect(embedOf(final)?.description).toBe('Linked late.example.');
  });

  it('THEN autocomplete offers the core’s suggestions, at most 25', async () => {
    const handle = world.fake.fireAutocomplete({
      guildId,
      channelId,
      userId: adminId,
      name: 'feed',
      options: sub('remove', [{ name: 'account', type: Opt.String, value: 'ac', focused: true }]),
    });
    const response = await handle.response();
    expect(response.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    const choices = (response as { data: { choices: { name: string; value: string }[] } }).data.choices;
    expect(choices).toHaveLength(25);
    expect(choices[0]).toEqual({ name: 'Acme account ac0', value: 'account-0' });
  });

  it('THEN a member gets no suggestions for an admin command', async () => {
    const handle = world.fake.fireAutocomplete({
      guildId,
      channelId,
      userId: memberId,
      name: 'feed',
      options: sub('remove', [{ name: 'account', type: Opt.String, value: '', focused: true }]),
      bypassDefaultPermissions: true,
    });
    expect(await handle.response()).toEqual({
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: [] },
    });
  });

  it('THEN a member’s reply carries its button, and the button runs its action', async () => {
    const handle = fire('herald', 'status', memberId);
    const final = await handle.waitForFinal();
    expect(final.flags).toBe(MessageFlags.Ephemeral);
    expect(embedOf(final)?.description).toBe('Hello bob, this is Acme. @everyone');
    expect(embedOf(final)?.fields).toEqual([{ name: 'Admin', value: 'false', inline: true }]);
    expect(final.components?.[0]).toMatchObject({
      type: ComponentType.ActionRow,
      components: [{ type: ComponentType.Button, custom_id: 'wave:hi', label: 'Wave' }],
    });
    const click = world.fake.fireButton({ userId: memberId, messageId: final.id, customId: 'wave:hi' });
    expect(embedOf(await click.waitForFinal())?.description).toBe('bob waves hi.');
  });

  it('THEN a public reply is posted in the channel with mentions off', async () => {
    const handle = fire('herald', 'status', memberId, {
      options: sub('status', [{ name: 'public', type: Opt.Boolean, value: true }]),
    });
    const final = await handle.waitForFinal();
    expect(final.flags ?? 0).toBe(0);
    expect(world.fake.messages(channelId).map((m) => m.id)).toContain(final.id);
    const callback = world.fake.requestsTo('POST', '/api/v10/interactions/:id/:token/callback').at(-1);
    expect(callback?.json()).toMatchObject({ data: { allowed_mentions: { parse: [] } } });
  });

  it('THEN a second guild gets its own tenant', async () => {
    const handle = world.fake.fireSlashCommand({
      guildId: otherGuildId,
      channelId: otherChannelId,
      userId: otherAdminId,
      name: 'herald',
      options: sub('status'),
    });
    const final = await handle.waitForFinal();
    expect(embedOf(final)?.description).toBe('Hello cat, this is Beta. @everyone');
    expect(embedOf(final)?.fields?.[0]?.value).toBe('true');
    const { rows } = await db.pool.query(
      `SELECT external_id, name FROM tenants WHERE chat_platform = 'discord' ORDER BY name`,
    );
    expect(rows).toEqual([
      { external_id: guildId, name: 'Acme' },
      { external_id: otherGuildId, name: 'Beta' },
    ]);
  });

  it('THEN a handler that throws gives a plain error with a reference, and the log has the rest', async () => {
    const final = await fire('herald', 'help', memberId).waitForFinal();
    const text = embedOf(final)?.description ?? '';
    expect(text).toMatch(/^Herald hit an unexpected problem \(reference [0-9a-f]{8}\)/u);
    expect(text).not.toMatch(/boom|line 42|\bat\b.*\.ts/u);
    const ref = /reference ([0-9a-f]{8})/u.exec(text)?.[1];
    expect(logs.events().some((e) => e.ref === ref && JSON.stringify(e.err).includes('boom'))).toBe(true);
  });
});

describe('GIVEN DISCORD_DEV_GUILD_ID', () => {
  let db: TestDatabase;
  let world: World | undefined;
  let devGuildId = '';

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await stopWorld(world);
    await db?.drop();
  });

  it('THEN the commands are registered in that guild only', async () => {
    world = await startWorld(db, createTestCatalogue(), undefined, (fake) => {
      devGuildId = fake.addGuild({ name: 'Dev' });
      return { DISCORD_DEV_GUILD_ID: devGuildId };
    });
    expect(world.fake.commands()).toEqual([]);
    expect(
      world.fake
        .commands(devGuildId)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['feed', 'herald', 'social']);
    expect(world.adapter.registration).toEqual({ scope: 'guild', count: 3 });
  });
});

describe('GIVEN a bot token Discord refuses', () => {
  it('THEN the start fails naming DISCORD_TOKEN, and nothing is left running', async () => {
    const fake = await startDiscordFake();
    const config = testConfig({
      DISCORD_TOKEN: 'not-the-token',
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
    });
    const start = startDiscordAdapter({
      discord: config.discord!,
      catalogue: createTestCatalogue().catalogue,
      suggest: async () => [],
      deps: {} as never,
      logger: captureLogs().logger,
    });
    await expect(start).rejects.toMatchObject({
      name: 'ConfigError',
      problems: [expect.stringMatching(/^DISCORD_TOKEN: Discord refused the bot token/u)],
    });
    expect(fake.gateway.sessions()).toEqual([]);
    await fake.close();
  });
});
