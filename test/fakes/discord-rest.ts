/**
 * A loopback Discord (API v10) that the real discord.js client and Herald's REST senders talk to: the
 * REST API and the gateway on one port, over one world of guilds, roles, members, channels and
 * messages (see `discord/`).
 *
 * CDN: files attached to slash-command options and to messages, on Discord's signed CDN paths.
 *
 * REST: the bot user, Create Message with `nonce` + `enforce_nonce` dedupe and the bot's channel
 * permissions enforced, Get Channel Messages with `before`/`after`/`around` paging, Get Gateway Bot,
 * the current application, command bulk overwrites, interaction callbacks and webhooks, and channel,
 * guild, member and role reads. It answers as Discord does: `Authorization: Bot <token>` checked (401
 * `{"message":"401: Unauthorized","code":0}`), JSON errors `{ message, code, errors? }`, per-route
 * buckets with `X-RateLimit-*` headers on every answer and 429 bodies with `retry_after` and `global`.
 * Every request is recorded (see `FakeServer`), and every gateway frame a client sends.
 *
 * Point `@discordjs/rest` (or a discord.js `Client`'s `rest.api`) at `apiUrl`; it adds `/v10`, and
 * `GET /gateway/bot` sends discord.js to the gateway on the same port.
 * @see https://discord.com/developers/docs/resources/message
 * @see https://discord.com/developers/docs/topics/rate-limits
 */
import { GatewayDispatchEvents, type APIUser } from 'discord-api-types/v10';
import { startFakeServer, type FakeServer } from './fake-server.js';
import type { DiscordInteractionControls, DiscordWorldControls } from './discord/api.js';
import { createAttachments } from './discord/attachments.js';
import { createCommandStore } from './discord/commands.js';
import { createHolds, faultHelpers, type DiscordFaults } from './discord/faults.js';
import { createGateway, type FakeGateway } from './discord/gateway.js';
import { createInteractionCallbacks } from './discord/interaction-callbacks.js';
import { createInteractionMessages } from './discord/interaction-messages.js';
import { createInteractionPayloads } from './discord/interaction-payloads.js';
import { registerInteractionRoutes } from './discord/interaction-routes.js';
import { createInteractions } from './discord/interactions.js';
import { createChannelMessages, type ChannelMessages } from './discord/messages.js';
import { BUCKETS, createRateLimits, type Bucket } from './discord/rate-limits.js';
import { registerRestRoutes } from './discord/rest-routes.js';
import { createRouter, objectBody, type Route } from './discord/routing.js';
import { createSnowflakes, discordError, invalidJson } from './discord/wire.js';
import { createWorld, type World } from './discord/world.js';

export type { FakeMessageInput } from './discord/api.js';
export type { FakeFaultOptions, HeldDiscordMessages } from './discord/faults.js';
export type { RateLimitScope } from './discord/rate-limits.js';
export type { ForbiddenCode } from './discord/world.js';

export interface DiscordRestFakeOptions {
  /** The bot token the fake accepts (`Authorization: Bot <token>`, IDENTIFY's `token`). */
  readonly token?: string;
  readonly botName?: string;
  /** Each route's bucket per major resource: requests per window. Default 10,000 per second (never in the way). */
  readonly bucket?: Bucket;
  /** How long `enforce_nonce` dedupes ("a few minutes" in the docs). Default 5 minutes. */
  readonly nonceWindowMs?: number;
  /** The fake's clock (ids, timestamps, nonce window, buckets, interaction tokens). Default `Date.now`. */
  readonly now?: () => number;
  /** HELLO's `heartbeat_interval`. Default 41,250 ms, as Discord sends. */
  readonly heartbeatIntervalMs?: number;
  /** The initial response window of an interaction. Default 3,000 ms. */
  readonly responseWindowMs?: number;
  /** How long an interaction token works for edits and follow-ups. Default 15 minutes. */
  readonly tokenLifetimeMs?: number;
  /** Privileged intents enabled for the app (GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT bits). Default none. */
  readonly privilegedIntents?: number;
}

export interface DiscordRestFake
  extends FakeServer, DiscordFaults, DiscordWorldControls, DiscordInteractionControls {
  /** `REST`'s `api` option (and Herald's `DISCORD_API_URL`): `<url>/api`. */
  readonly apiUrl: string;
  readonly token: string;
  readonly gateway: FakeGateway;
  /** The token was reset: every request answers 401, and the gateway closes IDENTIFY with 4004. */
  revokeToken(): void;
}

function registerMessageRoutes(
  route: Route,
  channels: ChannelMessages,
  world: World,
  hold: ReturnType<typeof createHolds>['hold'],
) {
  route('GET', '/users/@me', () => ({ json: world.bot }));
  route(
    'POST',
    '/channels/:id/messages',
    ({ params, body }) => {
      const channel = channels.access(params.id ?? '', true);
      if (!('messages' in channel)) return channel;
      const json = objectBody(body);
      if (json === undefined) return invalidJson();
      return channels.create(channel, json);
    },
    { major: 'id', hold },
  );
  route(
    'GET',
    '/channels/:id/messages',
    ({ params, request }) => {
      const channel = channels.access(params.id ?? '', false);
      return 'messages' in channel ? channels.list(channel, request.query) : channel;
    },
    { major: 'id' },
  );
}

/** Everything but the HTTP server: the world, the gateway and the interactions, on one clock and one token. */
function createCore(options: DiscordRestFakeOptions, url: () => string, origin: () => string) {
  const now = options.now ?? Date.now;
  const newId = createSnowflakes(now);
  const auth = { token: options.token ?? 'fake-discord-bot-token' };
  const bot: APIUser = {
    id: newId(),
    username: options.botName ?? 'herald',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
  };
  // Applications made since 2016 share their id with their bot user.
  const applicationId = bot.id;
  const responseWindowMs = options.responseWindowMs ?? 3_000;
  const world = createWorld({ bot, newId: () => newId(), now });
  const nonceWindowMs = options.nonceWindowMs ?? 5 * 60_000;
  const channels = createChannelMessages({ world, newId, now, nonceWindowMs });
  const commands = createCommandStore({ applicationId, newId: () => newId() });
  const attachments = createAttachments({ applicationId, newId: () => newId(), now, origin });
  const gateway = createGateway({
    world,
    token: () => auth.token,
    applicationId,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    privilegedIntents: options.privilegedIntents ?? 0,
    url,
  });
  const messages = createInteractionMessages({ world, newId: () => newId(), now, applicationId });
  const payloads = createInteractionPayloads({
    world,
    commands,
    attachments,
    applicationId,
    newId: () => newId(),
  });
  const interactions = createInteractions({
    payloads,
    messages,
    now,
    responseWindowMs,
    dispatch: (guildId, payload) =>
      gateway.dispatchTo(guildId, GatewayDispatchEvents.InteractionCreate, payload),
  });
  const callbacks = createInteractionCallbacks({
    interactions,
    messages,
    applicationId,
    now,
    responseWindowMs,
    tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000,
  });
  return {
    now,
    auth,
    bot,
    applicationId,
    world,
    channels,
    commands,
    attachments,
    gateway,
    interactions,
    callbacks,
  };
}
type Core = ReturnType<typeof createCore>;

function worldControls(core: Core): DiscordWorldControls {
  const { world, channels, bot } = core;
  return {
    bot,
    applicationId: core.applicationId,
    addGuild: world.addGuild,
    addRole: world.addRole,
    addMember: world.addMember,
    addChannel: (options) => world.addChannel(options),
    setRolePermissions: world.setRolePermissions,
    setMemberRoles: world.setMemberRoles,
    setPermissionOverwrite: world.setPermissionOverwrite,
    removePermissionOverwrite: world.removePermissionOverwrite,
    botRoleId: (guildId) => world.guild(guildId).botRoleId,
    permissions: world.permissions,
    messages: (channelId) => world.channel(channelId).messages,
    addMessage(channelId, input = {}) {
      const body = {
        content: input.content ?? '',
        embeds: input.embeds ?? [],
        allowed_mentions: { parse: [] },
      };
      const at = input.at?.getTime() ?? core.now();
      const author = input.authorId === undefined ? (input.author ?? bot) : world.user(input.authorId);
      const files = (input.attachments ?? []).map((file) =>
        core.attachments.add(file, { kind: 'channel', channelId }),
      );
      return channels.store(world.channel(channelId), body, author, at, files);
    },
    addAttachment: (input) => core.attachments.add(input, { kind: 'ephemeral' }).id,
    deleteMessage(channelId, messageId) {
      const list = world.channel(channelId).messages;
      const index = list.findIndex((m) => m.id === messageId);
      if (index !== -1) list.splice(index, 1);
    },
    makeChannelUnknown: world.makeChannelUnknown,
    forbidChannel(channelId, code = 50001) {
      world.channel(channelId).state = code;
    },
    allowChannel(channelId) {
      world.channel(channelId).state = 'ok';
    },
  };
}

function interactionControls({ interactions, commands }: Core): DiscordInteractionControls {
  return {
    commands: (guildId) => commands.list(guildId ?? null),
    fireSlashCommand: interactions.fireSlashCommand,
    fireMessageCommand: interactions.fireMessageCommand,
    fireAutocomplete: interactions.fireAutocomplete,
    fireButton: interactions.fireButton,
    fireComponent: interactions.fireComponent,
    interaction(id) {
      const record = interactions.byId(id);
      return record ? interactions.handle(record) : undefined;
    },
  };
}

export async function startDiscordRestFake(options: DiscordRestFakeOptions = {}): Promise<DiscordRestFake> {
  let wsUrl = '';
  let httpUrl = '';
  const core = createCore(
    options,
    () => wsUrl,
    () => httpUrl,
  );
  const { gateway, auth, now } = core;
  const server = await startFakeServer({
    notFound: discordError(404, '404: Not Found', 0),
    upgrade: (request, socket, head) => gateway.handleUpgrade(request, socket, head),
  });
  httpUrl = server.url;
  wsUrl = server.url.replace(/^http/u, 'ws');
  core.attachments.mount(server);
  const bucket = options.bucket ?? { limit: 10_000, resetAfterMs: 1_000 };
  const limits = createRateLimits(bucket, now);
  const holds = createHolds();
  const route = createRouter({ server, limits, token: () => auth.token });
  registerMessageRoutes(route, core.channels, core.world, holds.hold);
  registerRestRoutes({
    route,
    world: core.world,
    commands: core.commands,
    gateway,
    applicationId: core.applicationId,
    privilegedIntents: options.privilegedIntents ?? 0,
    startedAt: now(),
    now,
  });
  registerInteractionRoutes(route, core.callbacks);
  const fresh = () => limits.headers(BUCKETS.post, 1, now() + bucket.resetAfterMs);

  return {
    ...server,
    ...faultHelpers(server, limits, fresh),
    ...worldControls(core),
    ...interactionControls(core),
    holdCreatedMessages: holds.holdCreatedMessages,
    apiUrl: `${server.url}/api`,
    get token() {
      return auth.token;
    },
    gateway,
    revokeToken() {
      auth.token = `revoked-${auth.token}`;
    },
    async close() {
      core.interactions.close();
      // Upgraded sockets are not the HTTP server's to close: end them first, or close() never returns.
      await gateway.close();
      await server.close();
    },
  };
}
