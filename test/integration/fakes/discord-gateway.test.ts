import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  OverwriteType,
  PermissionFlagsBits,
  type TextChannel,
} from 'discord.js';
import { startDiscordFake, type DiscordFake, type GatewayFrame } from '../../fakes/discord/index.js';
import { ping, startHarness, type Harness } from './discord-harness.js';

let h: Harness;

describe('GIVEN the real discord.js client logged in to the fake', () => {
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    expect(await h.stop()).toEqual([]);
  });

  it('THEN it logged in with one REST call, identified with its token and intents, and sees the guild, its channel and itself', () => {
    const { fake, client, guildId, channelId } = h;
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v10/gateway/bot']);
    const identify = fake.gateway.received.find((frame) => frame.op === 2);
    expect(identify?.d).toMatchObject({
      token: fake.token,
      intents: GatewayIntentBits.Guilds,
      shard: [0, 1],
    });
    expect(fake.gateway.sessions()).toEqual([expect.objectContaining({ connected: true, intents: 1 })]);
    expect(client.user.id).toBe(fake.bot.id);
    expect(client.application.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(guildId);
    expect(guild?.available).toBe(true);
    expect(guild?.name).toBe('Acme');
    expect(guild?.channels.cache.get(channelId)?.name).toBe('general');
    expect(guild?.members.me?.roles.cache.has(fake.botRoleId(guildId))).toBe(true);
  });

  it('THEN world changes after login arrive as dispatches: a new guild, a new channel, the bot losing a role permission', async () => {
    const { fake, client, guildId } = h;
    const guildCreated = once(client, Events.GuildCreate);
    const joined = fake.addGuild({ name: 'Beta' });
    const [guild] = (await guildCreated) as [{ id: string; name: string }];
    expect(guild).toMatchObject({ id: joined, name: 'Beta' });

    const channelCreated = once(client, Events.ChannelCreate);
    const voice = fake.addChannel({ guildId, name: 'talk', type: ChannelType.GuildVoice });
    await channelCreated;
    expect(client.channels.cache.get(voice)?.type).toBe(ChannelType.GuildVoice);

    const roleUpdated = once(client, Events.GuildRoleUpdate);
    fake.setRolePermissions(guildId, fake.botRoleId(guildId), PermissionFlagsBits.ViewChannel);
    await roleUpdated;
    const me = client.guilds.cache.get(guildId)?.members.me;
    expect(me?.permissions.has(PermissionFlagsBits.SendMessages)).toBe(true); // @everyone still grants it
    expect(me?.permissions.has(PermissionFlagsBits.ManageWebhooks)).toBe(false);
  });

  it('THEN taking Send Messages and Embed Links from the bot in a channel shows in discord.js, in app_permissions and in REST', async () => {
    const { fake, client, guildId, channelId, memberId } = h;
    await client.application.commands.set([ping.toJSON()]);
    const updated = once(client, Events.ChannelUpdate);
    const denied = PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks;
    fake.setPermissionOverwrite(channelId, { id: fake.bot.id, type: OverwriteType.Member, deny: denied });
    await updated;

    const channel = client.channels.cache.get(channelId) as TextChannel;
    const me = channel.guild.members.me;
    expect(me && channel.permissionsFor(me).has(PermissionFlagsBits.ViewChannel)).toBe(true);
    expect(me && channel.permissionsFor(me).any(denied)).toBe(false);
    expect(fake.permissions(guildId, fake.bot.id, channelId) & denied).toBe(0n);
    const handle = fake.fireSlashCommand({ guildId, channelId, userId: memberId, name: 'ping' });
    expect(BigInt(handle.payload.app_permissions) & denied).toBe(0n);
    await expect(channel.send('hello')).rejects.toMatchObject({ code: 50013, status: 403 });
  });

  it('THEN without Embed Links an embed-only message is refused and a message with text loses its embeds', async () => {
    const { fake, client, channelId } = h;
    const updated = once(client, Events.ChannelUpdate);
    const deny = PermissionFlagsBits.EmbedLinks;
    fake.setPermissionOverwrite(channelId, { id: fake.bot.id, type: OverwriteType.Member, deny });
    await updated;
    const channel = client.channels.cache.get(channelId) as TextChannel;
    await expect(channel.send({ embeds: [{ title: 'x' }] })).rejects.toMatchObject({ code: 50013 });
    const sent = await channel.send({ content: 'text', embeds: [{ title: 'x' }] });
    expect(sent.embeds).toEqual([]);
    expect(fake.messages(channelId).map((m) => m.content)).toEqual(['text']);
  });

  it('THEN the channel, guild, member, role and application reads discord.js makes are answered', async () => {
    const { fake, client, guildId, channelId, adminId, modRoleId } = h;
    const guild = await client.guilds.fetch({ guild: guildId, force: true });
    expect(guild.ownerId).not.toBe(fake.bot.id);
    const channel = await client.channels.fetch(channelId, { force: true });
    expect(channel?.type).toBe(ChannelType.GuildText);
    expect((await guild.channels.fetch()).map((c) => c?.name)).toEqual(['general']);
    expect((await guild.members.fetchMe({ force: true })).roles.cache.has(fake.botRoleId(guildId))).toBe(
      true,
    );
    const admin = await guild.members.fetch({ user: adminId, force: true });
    expect(admin.roles.cache.has(modRoleId)).toBe(true);
    expect((await guild.roles.fetch()).map((r) => r.name).sort()).toEqual(['@everyone', 'herald', 'mods']);
    expect((await client.application.fetch()).id).toBe(fake.applicationId);
    await expect(guild.members.fetch({ user: '123456789012345678', force: true })).rejects.toMatchObject({
      code: 10013,
    });
  });

  it('THEN after the gateway drops the connection the client resumes its session and still gets interactions', async () => {
    const { fake, client, guildId, channelId, memberId } = h;
    await client.application.commands.set([ping.toJSON()]);
    const resumed = once(client, Events.ShardResume);
    fake.gateway.closeConnections(4000);
    await resumed;
    expect(fake.gateway.identifies()).toBe(1);
    expect(fake.gateway.received.filter((frame) => frame.op === 6)).toHaveLength(1);

    h.onInteraction(async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply('still here');
    });
    const handle = fake.fireSlashCommand({ guildId, channelId, userId: memberId, name: 'ping' });
    expect((await handle.waitForFinal()).content).toBe('still here');
  });
});

/** Reads a raw gateway connection frame by frame. */
function reader(socket: WebSocket) {
  const queue: GatewayFrame[] = [];
  const waiting: Array<(frame: GatewayFrame) => void> = [];
  socket.on('message', (data: Buffer) => {
    const frame = JSON.parse(String(data)) as GatewayFrame;
    const waiter = waiting.shift();
    if (waiter) waiter(frame);
    else queue.push(frame);
  });
  return {
    next: (): Promise<GatewayFrame> => {
      const frame = queue.shift();
      return frame ? Promise.resolve(frame) : new Promise((resolve) => waiting.push(resolve));
    },
    send: (frame: GatewayFrame) => socket.send(JSON.stringify(frame)),
  };
}

describe('GIVEN a raw WebSocket client speaking the gateway protocol', () => {
  let fake: DiscordFake;
  let guildId: string;
  const sockets: WebSocket[] = [];
  const connect = async () => {
    const socket = new WebSocket(`${fake.gateway.url}/?v=10&encoding=json`);
    sockets.push(socket);
    const gateway = reader(socket);
    expect(await gateway.next()).toEqual({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null });
    return { socket, gateway };
  };
  const identify = {
    token: '',
    intents: GatewayIntentBits.Guilds,
    properties: { os: 'linux', browser: 'test', device: 'test' },
  };
  beforeEach(async () => {
    fake = await startDiscordFake();
    guildId = fake.addGuild({ name: 'Acme' });
    fake.addChannel({ guildId, name: 'general' });
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    await fake.close();
  });

  it('THEN HELLO, IDENTIFY → READY with the guild unavailable → GUILD_CREATE, in sequence, and each HEARTBEAT is acknowledged', async () => {
    const { gateway } = await connect();
    gateway.send({ op: 2, d: { ...identify, token: fake.token } });
    const ready = await gateway.next();
    expect(ready).toMatchObject({
      op: 0,
      t: 'READY',
      s: 1,
      d: {
        v: 10,
        user: { id: fake.bot.id, bot: true },
        guilds: [{ id: guildId, unavailable: true }],
        resume_gateway_url: fake.gateway.url,
        application: { id: fake.applicationId },
      },
    });
    const guild = await gateway.next();
    expect(guild).toMatchObject({ op: 0, t: 'GUILD_CREATE', s: 2, d: { id: guildId, unavailable: false } });
    expect((guild.d as { channels: Array<{ name: string }> }).channels.map((c) => c.name)).toEqual([
      'general',
    ]);
    gateway.send({ op: 1, d: 2 });
    expect(await gateway.next()).toEqual({ op: 11, d: null, s: null, t: null });
    gateway.send({ op: 2, d: { ...identify, token: fake.token } });
    expect((await once(sockets[0] as WebSocket, 'close'))[0]).toBe(4005);
  });

  it('THEN RESUME replays what the dropped connection missed, then RESUMED; an unknown session gets INVALID_SESSION', async () => {
    const first = await connect();
    first.gateway.send({ op: 2, d: { ...identify, token: fake.token } });
    const ready = await first.gateway.next();
    await first.gateway.next();
    first.socket.close(4000);
    await once(first.socket, 'close');
    fake.addChannel({ guildId, name: 'missed' });

    const second = await connect();
    const sessionId = (ready.d as { session_id: string }).session_id;
    second.gateway.send({ op: 6, d: { token: fake.token, session_id: sessionId, seq: 2 } });
    expect(await second.gateway.next()).toMatchObject({
      t: 'CHANNEL_CREATE',
      s: 3,
      d: { name: 'missed', guild_id: guildId },
    });
    expect(await second.gateway.next()).toMatchObject({ t: 'RESUMED', s: 4 });

    const third = await connect();
    third.gateway.send({ op: 6, d: { token: fake.token, session_id: 'gone', seq: 1 } });
    expect(await third.gateway.next()).toEqual({ op: 9, d: false, s: null, t: null });
  });
});

describe('GIVEN a wrong token', () => {
  let fake: DiscordFake;
  beforeEach(async () => {
    fake = await startDiscordFake();
  });
  afterEach(() => fake.close());

  it('THEN login rejects with TokenInvalid (401 from GET /gateway/bot) and no gateway session starts', async () => {
    const stranger = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    try {
      await expect(stranger.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    } finally {
      await stranger.destroy();
    }
    expect(fake.gateway.identifies()).toBe(0);
  });

  it('THEN the gateway closes an IDENTIFY with it with 4004 Authentication failed', async () => {
    const socket = new WebSocket(`${fake.gateway.url}/?v=10&encoding=json`);
    const [hello] = (await once(socket, 'message')) as [Buffer];
    expect(JSON.parse(String(hello))).toMatchObject({ op: 10, d: { heartbeat_interval: 41_250 } });
    socket.send(JSON.stringify({ op: 2, d: { token: 'not-the-token', intents: 1, properties: {} } }));
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(4004);
  });

  it('THEN a privileged intent the app has not enabled closes with 4014 Disallowed intents', async () => {
    const socket = new WebSocket(`${fake.gateway.url}/?v=10&encoding=json`);
    await once(socket, 'message');
    const intents = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers;
    socket.send(JSON.stringify({ op: 2, d: { token: fake.token, intents, properties: {} } }));
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(4014);
  });
});
