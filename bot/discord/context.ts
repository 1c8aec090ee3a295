/**
 * The `CommandContext` of one Discord interaction: the guild as a tenant (created on first sight),
 * the member with the rights Discord sent on this very interaction, and what the bot can do in a
 * channel as its cache knows it. Handlers see none of discord.js.
 */
import { PermissionFlagsBits, type Guild, type Interaction } from 'discord.js';
import { upsertTenant } from '../../core/tenant-store.js';
import { discordFollowUp } from '../../core/chat-follow-up.js';
import type { ChannelCheck, ChatCapabilities, CommandContext, CommandDeps } from '../commands/context.js';
import { POSTABLE_CHANNEL_TYPES } from './slash-commands.js';

/** What Herald needs in a channel to post its embeds there, named as Discord's settings name them. */
const NEEDED_IN_CHANNEL = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  [PermissionFlagsBits.ReadMessageHistory, 'Read Message History'],
] as const;

const POSTABLE: readonly number[] = POSTABLE_CHANNEL_TYPES;

/** The bot's view of `guild`: only that guild's channels exist, so another server's id is 'not-found'. */
export function chatCapabilities(guild: Guild): ChatCapabilities {
  return {
    async checkChannel(channelId): Promise<ChannelCheck> {
      const channel = guild.channels.cache.get(channelId);
      if (!channel) return { ok: false, reason: 'not-found' };
      if (!POSTABLE.includes(channel.type)) return { ok: false, reason: 'wrong-kind', name: channel.name };
      const me = guild.members.me ?? (await guild.members.fetchMe());
      const granted = channel.permissionsFor(me);
      const missing = NEEDED_IN_CHANNEL.filter(([bit]) => !granted.has(bit)).map(([, name]) => name);
      return missing.length === 0
        ? { ok: true, name: channel.name }
        : { ok: false, reason: 'missing-permissions', name: channel.name, missing };
    },
    channelMention: (channelId) => `<#${channelId}>`,
    roleMention: (roleId) => `<@&${roleId}>`,
  };
}

/**
 * Admin means Manage Server or Administrator, read from the member's permissions in this interaction
 * (never from a cache), so a right taken away counts at the next command.
 */
export function isAdmin(interaction: Interaction<'cached'>): boolean {
  return interaction.memberPermissions.any(
    [PermissionFlagsBits.Administrator, PermissionFlagsBits.ManageGuild],
    false,
  );
}

export async function buildContext(
  interaction: Interaction<'cached'>,
  deps: CommandDeps,
): Promise<CommandContext> {
  const { guild } = interaction;
  const tenant = await upsertTenant(deps.pool, {
    chatPlatform: 'discord',
    externalId: guild.id,
    name: guild.name,
  });
  return {
    tenant,
    user: {
      id: interaction.user.id,
      name: interaction.member.displayName,
      isAdmin: isAdmin(interaction),
      // The member's roles as Discord sent them with this interaction.
      memberOf: async (roleId) => interaction.member.roles.cache.has(roleId),
    },
    channelId: interaction.channelId ?? undefined,
    chat: chatCapabilities(guild),
    deps,
    followUp: discordFollowUp(interaction.applicationId, interaction.token),
  };
}
