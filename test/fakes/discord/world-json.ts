/**
 * The world's objects as Discord serialises them in REST answers and gateway events.
 * @see https://discord.com/developers/docs/resources/guild#guild-object
 * @see https://discord.com/developers/docs/resources/channel#channel-object
 * @see https://discord.com/developers/docs/topics/permissions#role-object
 */
import {
  ChannelType,
  GatewayIntentBits,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildVerificationLevel,
  type APIChannel,
  type APIGuild,
  type APIGuildMember,
  type APIRole,
  type GuildMemberFlags,
  type GuildSystemChannelFlags,
  type RoleFlags,
  type GatewayGuildCreateDispatchData,
} from 'discord-api-types/v10';
import { discordTime } from './wire.js';
import type { WorldChannel, WorldGuild, WorldMember, WorldRole } from './world.js';

export function roleJson(role: WorldRole): APIRole {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.botId !== undefined,
    mentionable: role.mentionable,
    flags: 0 as RoleFlags,
    ...(role.botId === undefined ? {} : { tags: { bot_id: role.botId } }),
  };
}

export function memberJson(member: WorldMember): APIGuildMember {
  return {
    user: member.user,
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: [...member.roleIds],
    joined_at: discordTime(member.joinedAt),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

/** A guild channel; GUILD_CREATE's channels omit `guild_id`, REST and CHANNEL_* events carry it. */
export function channelJson(channel: WorldChannel, withGuildId = true): APIChannel {
  const base = {
    id: channel.id,
    name: channel.name,
    position: channel.position,
    permission_overwrites: channel.overwrites.map((o) => ({ ...o })),
    nsfw: channel.nsfw,
    flags: 0,
    ...(withGuildId ? { guild_id: channel.guildId } : {}),
  };
  const lastMessageId = channel.messages.at(-1)?.id ?? null;
  switch (channel.type) {
    case ChannelType.GuildCategory:
      return { ...base, type: channel.type, parent_id: null };
    case ChannelType.GuildVoice:
      return {
        ...base,
        type: channel.type,
        parent_id: channel.parentId,
        bitrate: 64_000,
        user_limit: 0,
        rtc_region: null,
        rate_limit_per_user: 0,
        last_message_id: lastMessageId,
      };
    default:
      return {
        ...base,
        type: channel.type,
        parent_id: channel.parentId,
        topic: channel.topic,
        rate_limit_per_user: 0,
        last_message_id: lastMessageId,
      };
  }
}

/** Get Guild's object (no channels or members: those have routes of their own). */
export function guildJson(guild: WorldGuild): APIGuild {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    region: null,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [...guild.roles.values()].map(roleJson),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    max_presences: null,
    max_members: 25_000_000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: guild.locale,
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
  };
}

/**
 * GUILD_CREATE for the bot. Without GUILD_PRESENCES Discord lists only the bot (and members in voice)
 * in `members`; `unavailable: false` and `channels` must be there or discord.js keeps the guild
 * unavailable.
 */
export function guildCreateJson(
  guild: WorldGuild,
  channels: readonly WorldChannel[],
  intents: number,
): GatewayGuildCreateDispatchData {
  const everyone = (intents & GatewayIntentBits.GuildPresences) !== 0;
  const botMember = [...guild.members.values()].filter((m) => everyone || m.user.bot === true);
  return {
    ...guildJson(guild),
    joined_at: discordTime(guild.joinedAt),
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: botMember.map(memberJson),
    channels: channels.map((c) => channelJson(c, false)) as GatewayGuildCreateDispatchData['channels'],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
