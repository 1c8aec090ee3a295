/**
 * The fake's world: the application and its bot user, guilds with roles (permission bitfields; the
 * @everyone role's id is the guild's), members, and channels with permission overwrites and messages.
 * The bot is a member of every guild with a managed role of its own, so a test can take permissions
 * away from it (role bits or channel overwrites) and everything that computes permissions sees it.
 * Every change is announced to subscribers (the gateway) as the dispatch Discord would send.
 */
import {
  ChannelType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  Locale,
  type APIMessage,
  type APIOverwrite,
  type APIUser,
  type OverwriteType,
} from 'discord-api-types/v10';
import {
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  basePermissions,
  channelPermissions,
  type PermissionGuild,
} from './permissions.js';
import { channelJson, guildCreateJson, memberJson, roleJson } from './world-json.js';

export type ForbiddenCode = 50001 | 50013;
/** The channel kinds the fake models: GUILD_TEXT, GUILD_VOICE, GUILD_CATEGORY, GUILD_ANNOUNCEMENT. */
export type FakeChannelType =
  ChannelType.GuildText | ChannelType.GuildVoice | ChannelType.GuildCategory | ChannelType.GuildAnnouncement;
export type PermissionBits = bigint | string;

export interface WorldRole {
  readonly id: string;
  name: string;
  permissions: bigint;
  position: number;
  mentionable: boolean;
  /** Set on the bot's own managed role. */
  readonly botId?: string;
}

export interface WorldMember {
  readonly user: APIUser;
  roleIds: string[];
  nick: string | null;
  readonly joinedAt: number;
}

export interface WorldGuild {
  readonly id: string;
  name: string;
  readonly ownerId: string;
  readonly locale: Locale;
  readonly joinedAt: number;
  readonly roles: Map<string, WorldRole>;
  readonly members: Map<string, WorldMember>;
  readonly botRoleId: string;
  /** Channels made so far: the next one's default position (kept, as benches add thousands). */
  channelCount: number;
}

export interface WorldChannel {
  readonly id: string;
  readonly guildId: string;
  readonly type: FakeChannelType;
  name: string;
  position: number;
  parentId: string | null;
  topic: string | null;
  nsfw: boolean;
  overwrites: APIOverwrite[];
  /** A test's override: the channel is gone, or Discord refuses the bot whatever its permissions. */
  state: 'ok' | 'unknown' | ForbiddenCode;
  /** Sorted by id, as Discord pages them. */
  readonly messages: APIMessage[];
}

/** A change as the gateway dispatches it; `intent` null means every session gets it. */
export interface WorldEvent {
  readonly t: GatewayDispatchEvents;
  /** The event's `d` for a session with these intents. */
  readonly data: (intents: number) => unknown;
  readonly guildId: string;
  readonly intent: GatewayIntentBits | null;
}

export interface GuildOptions {
  readonly id?: string;
  readonly name?: string;
  /** The owner's user id; a user is created for it. Default: a new user "owner". */
  readonly ownerId?: string;
  readonly everyonePermissions?: PermissionBits;
  /** The bot's managed role. */
  readonly botPermissions?: PermissionBits;
  readonly locale?: Locale;
}

export interface RoleOptions {
  readonly id?: string;
  readonly name?: string;
  readonly permissions?: PermissionBits;
  readonly position?: number;
  readonly mentionable?: boolean;
}

export interface MemberOptions {
  /** An existing or new user's id. */
  readonly id?: string;
  readonly username?: string;
  readonly globalName?: string | null;
  readonly roles?: readonly string[];
  readonly nick?: string | null;
  readonly bot?: boolean;
}

export interface OverwriteOptions {
  /** A role id (the guild id for @everyone) or a user id. */
  readonly id: string;
  readonly type: OverwriteType;
  readonly allow?: PermissionBits;
  readonly deny?: PermissionBits;
}

export interface ChannelOptions {
  readonly id?: string;
  /** Default: the fake's default guild (made on first use); an unknown id makes a guild with it. */
  readonly guildId?: string;
  readonly name?: string;
  readonly type?: FakeChannelType;
  readonly parentId?: string | null;
  readonly position?: number;
  readonly topic?: string | null;
  readonly nsfw?: boolean;
  readonly permissionOverwrites?: readonly OverwriteOptions[];
}

const bits = (value: PermissionBits | undefined, fallback: bigint) =>
  value === undefined ? fallback : BigInt(value);

const overwrite = (o: OverwriteOptions): APIOverwrite => ({
  id: o.id,
  type: o.type,
  allow: bits(o.allow, 0n).toString(),
  deny: bits(o.deny, 0n).toString(),
});

export type World = ReturnType<typeof createWorld>;

export function createWorld(deps: { readonly bot: APIUser; newId: () => string; now: () => number }) {
  const { bot, newId, now } = deps;
  const users = new Map<string, APIUser>([[bot.id, bot]]);
  const guilds = new Map<string, WorldGuild>();
  const channels = new Map<string, WorldChannel>();
  const listeners = new Set<(event: WorldEvent) => void>();
  let defaultGuildId: string | undefined;

  /** `data` is only built when someone listens: benches add thousands of channels with no gateway. */
  const emit = (
    t: GatewayDispatchEvents,
    guildId: string,
    intent: GatewayIntentBits | null,
    data: (intents: number) => unknown,
  ) => {
    for (const listener of listeners) listener({ t, data, guildId, intent });
  };

  function user(id: string = newId(), options: MemberOptions = {}): APIUser {
    const known = users.get(id);
    if (known) return known;
    const created: APIUser = {
      id,
      username: options.username ?? `user${id.slice(-4)}`,
      discriminator: '0',
      global_name: options.globalName ?? null,
      avatar: null,
      ...(options.bot ? { bot: true } : {}),
    };
    users.set(id, created);
    return created;
  }

  function guild(id: string): WorldGuild {
    const found = guilds.get(id);
    if (!found) throw new Error(`The Discord fake has no guild ${id}`);
    return found;
  }

  function channel(id: string): WorldChannel {
    const found = channels.get(id);
    if (!found) throw new Error(`The Discord fake has no channel ${id}`);
    return found;
  }

  function member(guildId: string, userId: string): WorldMember {
    const found = guild(guildId).members.get(userId);
    if (!found) throw new Error(`The Discord fake has no member ${userId} in guild ${guildId}`);
    return found;
  }

  const guildChannels = (guildId: string) =>
    [...channels.values()].filter((c) => c.guildId === guildId && c.state !== 'unknown');

  function permissionGuild(g: WorldGuild): PermissionGuild {
    const rolePermissions = new Map([...g.roles.values()].map((r) => [r.id, r.permissions]));
    return { id: g.id, ownerId: g.ownerId, rolePermissions };
  }

  /** A member's permissions in the guild, or in one of its channels (with overwrites). */
  function permissions(guildId: string, userId: string, channelId?: string): bigint {
    const g = guild(guildId);
    const m = g.members.get(userId);
    if (!m) return 0n;
    const subject = { userId, roleIds: m.roleIds };
    if (channelId === undefined) return basePermissions(permissionGuild(g), subject);
    return channelPermissions(permissionGuild(g), subject, channel(channelId).overwrites);
  }

  function addGuild(options: GuildOptions = {}): string {
    const id = options.id ?? newId();
    if (guilds.has(id)) throw new Error(`The Discord fake already has guild ${id}`);
    const owner = user(options.ownerId, { username: 'owner' });
    const botRoleId = newId();
    const g: WorldGuild = {
      id,
      name: options.name ?? `Guild ${id.slice(-4)}`,
      ownerId: owner.id,
      locale: options.locale ?? Locale.EnglishUS,
      joinedAt: now(),
      roles: new Map(),
      members: new Map(),
      botRoleId,
      channelCount: 0,
    };
    const everyone = bits(options.everyonePermissions, DEFAULT_EVERYONE_PERMISSIONS);
    g.roles.set(id, { id, name: '@everyone', permissions: everyone, position: 0, mentionable: false });
    const botPermissions = bits(options.botPermissions, DEFAULT_BOT_PERMISSIONS);
    g.roles.set(botRoleId, {
      id: botRoleId,
      name: bot.username,
      permissions: botPermissions,
      position: 1,
      mentionable: false,
      botId: bot.id,
    });
    g.members.set(owner.id, { user: owner, roleIds: [], nick: null, joinedAt: now() });
    g.members.set(bot.id, { user: bot, roleIds: [botRoleId], nick: null, joinedAt: now() });
    guilds.set(id, g);
    // Joining a guild while connected is announced with GUILD_CREATE, as for the bot's invite.
    const create = (intents: number) => guildCreateJson(g, guildChannels(id), intents);
    emit(GatewayDispatchEvents.GuildCreate, id, GatewayIntentBits.Guilds, create);
    return id;
  }

  function addRole(guildId: string, options: RoleOptions = {}): string {
    const g = guild(guildId);
    const id = options.id ?? newId();
    const role: WorldRole = {
      id,
      name: options.name ?? 'new role',
      permissions: bits(options.permissions, 0n),
      position: options.position ?? g.roles.size,
      mentionable: options.mentionable ?? false,
    };
    g.roles.set(id, role);
    const d = { guild_id: guildId, role: roleJson(role) };
    emit(GatewayDispatchEvents.GuildRoleCreate, guildId, GatewayIntentBits.Guilds, () => d);
    return id;
  }

  function setRolePermissions(guildId: string, roleId: string, value: PermissionBits): void {
    const role = guild(guildId).roles.get(roleId);
    if (!role) throw new Error(`The Discord fake has no role ${roleId} in guild ${guildId}`);
    role.permissions = BigInt(value);
    const d = { guild_id: guildId, role: roleJson(role) };
    emit(GatewayDispatchEvents.GuildRoleUpdate, guildId, GatewayIntentBits.Guilds, () => d);
  }

  function addMember(guildId: string, options: MemberOptions = {}): string {
    const g = guild(guildId);
    const u = user(options.id, options);
    const m: WorldMember = {
      user: u,
      roleIds: [...(options.roles ?? [])],
      nick: options.nick ?? null,
      joinedAt: now(),
    };
    g.members.set(u.id, m);
    const d = { ...memberJson(m), guild_id: guildId };
    emit(GatewayDispatchEvents.GuildMemberAdd, guildId, GatewayIntentBits.GuildMembers, () => d);
    return u.id;
  }

  function setMemberRoles(guildId: string, userId: string, roleIds: readonly string[]): void {
    const m = member(guildId, userId);
    m.roleIds = [...roleIds];
    // Updates of the bot's own member arrive whatever the intents (gateway docs, "Caveats").
    const intent = userId === bot.id ? null : GatewayIntentBits.GuildMembers;
    const d = { ...memberJson(m), guild_id: guildId };
    emit(GatewayDispatchEvents.GuildMemberUpdate, guildId, intent, () => d);
  }

  function emitChannel(t: GatewayDispatchEvents, c: WorldChannel): void {
    emit(t, c.guildId, GatewayIntentBits.Guilds, () => channelJson(c));
  }

  function addChannel(options: ChannelOptions = {}): string {
    const guildId = options.guildId ?? (defaultGuildId ??= addGuild({ name: 'Herald Test' }));
    if (!guilds.has(guildId)) addGuild({ id: guildId });
    const id = options.id ?? newId();
    const c: WorldChannel = {
      id,
      guildId,
      type: options.type ?? ChannelType.GuildText,
      name: options.name ?? `channel-${id.slice(-4)}`,
      position: options.position ?? guild(guildId).channelCount++,
      parentId: options.parentId ?? null,
      topic: options.topic ?? null,
      nsfw: options.nsfw ?? false,
      overwrites: (options.permissionOverwrites ?? []).map(overwrite),
      state: 'ok',
      messages: [],
    };
    channels.set(id, c);
    emitChannel(GatewayDispatchEvents.ChannelCreate, c);
    return id;
  }

  function setPermissionOverwrite(channelId: string, options: OverwriteOptions): void {
    const c = channel(channelId);
    c.overwrites = [...c.overwrites.filter((o) => o.id !== options.id), overwrite(options)];
    emitChannel(GatewayDispatchEvents.ChannelUpdate, c);
  }

  function removePermissionOverwrite(channelId: string, targetId: string): void {
    const c = channel(channelId);
    c.overwrites = c.overwrites.filter((o) => o.id !== targetId);
    emitChannel(GatewayDispatchEvents.ChannelUpdate, c);
  }

  function makeChannelUnknown(channelId: string): void {
    const c = channel(channelId);
    c.state = 'unknown';
    emitChannel(GatewayDispatchEvents.ChannelDelete, c);
  }

  return {
    bot,
    users,
    guilds,
    channels,
    user,
    guild,
    channel,
    member,
    guildChannels,
    permissions,
    addGuild,
    addRole,
    setRolePermissions,
    addMember,
    setMemberRoles,
    addChannel,
    setPermissionOverwrite,
    removePermissionOverwrite,
    makeChannelUnknown,
    /** GUILD_CREATE as the bot sees it; other members only with GUILD_PRESENCES, as Discord does. */
    guildCreate: (guildId: string, intents: number) =>
      guildCreateJson(guild(guildId), guildChannels(guildId), intents),
    subscribe(listener: (event: WorldEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
