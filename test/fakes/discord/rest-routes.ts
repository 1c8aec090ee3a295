/**
 * The REST routes around the gateway and the world: Get Gateway Bot (what `Client#login` calls),
 * the current application, application command bulk overwrites and lists (global and per guild),
 * and the channel, guild, member, role and user reads a bot makes to check its permissions. Errors
 * are Discord's: 10003 Unknown Channel, 10004 Unknown Guild, 10007 Unknown Member, 10013 Unknown
 * User, 50001 Missing Access, 50035 Invalid Form Body.
 * @see https://discord.com/developers/docs/events/gateway#get-gateway-bot
 * @see https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
 */
import { PermissionFlagsBits, type APIApplication } from 'discord-api-types/v10';
import type { FakeReply } from '../fake-server.js';
import { validateCommands, type CommandStore } from './commands.js';
import { applicationFlags, type GatewayServer } from './gateway.js';
import type { Route } from './routing.js';
import { discordError, invalidJson, missingAccess, type Json } from './wire.js';
import { channelJson, guildJson, memberJson, roleJson } from './world-json.js';
import type { World, WorldGuild } from './world.js';

const SESSION_LIMIT = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RestRouteDeps {
  readonly route: Route;
  readonly world: World;
  readonly commands: CommandStore;
  readonly gateway: GatewayServer;
  readonly applicationId: string;
  readonly privilegedIntents: number;
  readonly startedAt: number;
  readonly now: () => number;
}

const unknownGuild = () => discordError(404, 'Unknown Guild', 10004);

export function registerRestRoutes(deps: RestRouteDeps): void {
  const { route, world } = deps;

  route('GET', '/gateway/bot', () => ({
    json: {
      url: deps.gateway.url,
      shards: 1,
      session_start_limit: {
        total: SESSION_LIMIT,
        remaining: Math.max(0, SESSION_LIMIT - deps.gateway.identifies()),
        reset_after: Math.max(0, DAY_MS - (deps.now() - deps.startedAt)),
        max_concurrency: 1,
      },
    },
  }));
  route('GET', '/gateway', () => ({ json: { url: deps.gateway.url } }), { auth: false });

  route('GET', '/applications/@me', () => {
    const flags = applicationFlags(deps.privilegedIntents);
    const application: APIApplication = {
      id: deps.applicationId,
      name: world.bot.username,
      icon: null,
      description: '',
      summary: '',
      bot_public: false,
      bot_require_code_grant: false,
      bot: world.bot,
      verify_key: '0'.repeat(64),
      team: null,
      flags,
      flags_new: String(flags),
      approximate_guild_count: world.guilds.size,
      interactions_endpoint_url: null,
    };
    return { json: application };
  });

  registerCommandRoutes(deps);

  /** A guild the bot is in, or Discord's answer. */
  const botGuild = (id: string | undefined): WorldGuild | FakeReply => {
    const guild = id === undefined ? undefined : world.guilds.get(id);
    return guild ?? unknownGuild();
  };
  const isGuild = (value: WorldGuild | FakeReply): value is WorldGuild => 'roles' in value;

  route(
    'GET',
    '/channels/:id',
    ({ params }) => {
      const channel = world.channels.get(params.id ?? '');
      if (!channel || channel.state === 'unknown') return discordError(404, 'Unknown Channel', 10003);
      const view =
        world.permissions(channel.guildId, world.bot.id, channel.id) & PermissionFlagsBits.ViewChannel;
      if (channel.state === 50001 || !view) return missingAccess();
      return { json: channelJson(channel) };
    },
    { major: 'id' },
  );

  route(
    'GET',
    '/guilds/:id',
    ({ params, request }) => {
      const guild = botGuild(params.id);
      if (!isGuild(guild)) return guild;
      const counts =
        request.query.get('with_counts') === 'true'
          ? { approximate_member_count: guild.members.size, approximate_presence_count: 0 }
          : {};
      return { json: { ...guildJson(guild), ...counts } };
    },
    { major: 'id' },
  );
  route(
    'GET',
    '/guilds/:id/channels',
    ({ params }) => {
      const guild = botGuild(params.id);
      return isGuild(guild) ? { json: world.guildChannels(guild.id).map((c) => channelJson(c)) } : guild;
    },
    { major: 'id' },
  );
  route(
    'GET',
    '/guilds/:id/roles',
    ({ params }) => {
      const guild = botGuild(params.id);
      return isGuild(guild) ? { json: [...guild.roles.values()].map(roleJson) } : guild;
    },
    { major: 'id' },
  );
  route(
    'GET',
    '/guilds/:id/members/:userId',
    ({ params }) => {
      const guild = botGuild(params.id);
      if (!isGuild(guild)) return guild;
      const member = guild.members.get(params.userId ?? '');
      if (member) return { json: memberJson(member) };
      return world.users.has(params.userId ?? '')
        ? discordError(404, 'Unknown Member', 10007)
        : discordError(404, 'Unknown User', 10013);
    },
    { major: 'id' },
  );
  route('GET', '/users/:id', ({ params }) => {
    const user = world.users.get(params.id ?? '');
    return user ? { json: user } : discordError(404, 'Unknown User', 10013);
  });
}

function registerCommandRoutes(deps: RestRouteDeps): void {
  const { route, world, commands } = deps;
  /** Another app's id, or a guild the bot is not in, is Missing Access. */
  const scope = (appId: string | undefined, guildId?: string): FakeReply | undefined =>
    appId !== deps.applicationId || (guildId !== undefined && !world.guilds.has(guildId))
      ? missingAccess()
      : undefined;

  const overwrite = (guildId: string | null, body: unknown): FakeReply => {
    if (body === undefined) return invalidJson();
    const invalid = validateCommands(body);
    return invalid ?? { json: commands.overwrite(guildId, body as Json[]) };
  };

  route(
    'PUT',
    '/applications/:appId/commands',
    ({ params, body }) => scope(params.appId) ?? overwrite(null, body),
    {
      major: 'appId',
    },
  );
  route(
    'GET',
    '/applications/:appId/commands',
    ({ params }) => scope(params.appId) ?? { json: commands.list(null) },
    {
      major: 'appId',
    },
  );
  route(
    'PUT',
    '/applications/:appId/guilds/:guildId/commands',
    ({ params, body }) => scope(params.appId, params.guildId) ?? overwrite(params.guildId ?? '', body),
    { major: 'appId' },
  );
  route(
    'GET',
    '/applications/:appId/guilds/:guildId/commands',
    ({ params }) => scope(params.appId, params.guildId) ?? { json: commands.list(params.guildId ?? '') },
    { major: 'appId' },
  );
}
