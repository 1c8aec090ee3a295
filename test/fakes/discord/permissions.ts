/**
 * Discord's permission arithmetic: base permissions from @everyone and the member's roles (owner and
 * Administrator get everything), then a channel's overwrites in Discord's order (@everyone, the
 * member's roles together, the member), then the implicit rule that a channel one cannot view grants
 * nothing.
 * @see https://discord.com/developers/docs/topics/permissions#permission-overwrites
 */
import { OverwriteType, PermissionFlagsBits, type APIOverwrite } from 'discord-api-types/v10';

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

const P = PermissionFlagsBits;

/** What @everyone may do in a new guild (close to Discord's defaults; the exact set is not documented). */
export const DEFAULT_EVERYONE_PERMISSIONS =
  P.CreateInstantInvite |
  P.ChangeNickname |
  P.ViewChannel |
  P.SendMessages |
  P.SendMessagesInThreads |
  P.CreatePublicThreads |
  P.CreatePrivateThreads |
  P.EmbedLinks |
  P.AttachFiles |
  P.AddReactions |
  P.UseExternalEmojis |
  P.UseExternalStickers |
  P.ReadMessageHistory |
  P.UseApplicationCommands |
  P.Connect |
  P.Speak |
  P.Stream |
  P.UseVAD |
  P.SendVoiceMessages |
  P.SendPolls |
  P.UseExternalApps;

/** The bot's managed role when a test does not say: what Herald's invite link asks for. */
export const DEFAULT_BOT_PERMISSIONS =
  P.ViewChannel | P.SendMessages | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory | P.ManageWebhooks;

export interface PermissionSubject {
  readonly userId: string;
  readonly roleIds: readonly string[];
}

export interface PermissionGuild {
  readonly id: string;
  readonly ownerId: string;
  /** Role id → permission bits; the @everyone role's id is the guild's. */
  readonly rolePermissions: ReadonlyMap<string, bigint>;
}

export function basePermissions(guild: PermissionGuild, subject: PermissionSubject): bigint {
  if (guild.ownerId === subject.userId) return ALL_PERMISSIONS;
  let permissions = guild.rolePermissions.get(guild.id) ?? 0n;
  for (const roleId of subject.roleIds) permissions |= guild.rolePermissions.get(roleId) ?? 0n;
  return permissions & P.Administrator ? ALL_PERMISSIONS : permissions;
}

export function channelPermissions(
  guild: PermissionGuild,
  subject: PermissionSubject,
  overwrites: readonly APIOverwrite[],
): bigint {
  const base = basePermissions(guild, subject);
  if (base & P.Administrator) return ALL_PERMISSIONS;
  const apply = (permissions: bigint, allow: bigint, deny: bigint) => (permissions & ~deny) | allow;
  let permissions = base;
  const everyone = overwrites.find((o) => o.id === guild.id);
  if (everyone) permissions = apply(permissions, BigInt(everyone.allow), BigInt(everyone.deny));
  let allow = 0n;
  let deny = 0n;
  for (const overwrite of overwrites) {
    if (overwrite.type !== OverwriteType.Role || overwrite.id === guild.id) continue;
    if (!subject.roleIds.includes(overwrite.id)) continue;
    allow |= BigInt(overwrite.allow);
    deny |= BigInt(overwrite.deny);
  }
  permissions = apply(permissions, allow, deny);
  const own = overwrites.find((o) => o.type === OverwriteType.Member && o.id === subject.userId);
  if (own) permissions = apply(permissions, BigInt(own.allow), BigInt(own.deny));
  // Implicit permissions: a channel one cannot see grants nothing at all.
  return permissions & P.ViewChannel ? permissions : 0n;
}
