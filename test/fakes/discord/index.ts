/**
 * The loopback Discord for tests: REST and gateway on one port, a world of guilds to fill, and
 * interactions to fire as a member. It is the REST fake of the import pipeline grown up, so both
 * names lead to the same server.
 * @example
 * const fake = await startDiscordFake();
 * const guildId = fake.addGuild();
 * const channelId = fake.addChannel({ guildId });
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
 * await client.login(fake.token);
 */
export {
  startDiscordRestFake as startDiscordFake,
  type DiscordRestFake as DiscordFake,
  type DiscordRestFakeOptions as DiscordFakeOptions,
} from '../discord-rest.js';
export type { DiscordInteractionControls, DiscordWorldControls, FakeMessageInput } from './api.js';
export type { AttachmentScope, FakeAttachmentInput } from './attachments.js';
export type { FakeFaultOptions, HeldDiscordMessages } from './faults.js';
export type { FakeGateway, GatewayFrame, GatewaySessionInfo } from './gateway.js';
export type {
  AutocompleteInput,
  ComponentInput,
  InteractionContext,
  MessageCommandInput,
  SlashCommandInput,
} from './interaction-payloads.js';
export type { InteractionEdit, InteractionHandle } from './interactions.js';
export { ALL_PERMISSIONS, DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS } from './permissions.js';
export type {
  ChannelOptions,
  FakeChannelType,
  ForbiddenCode,
  GuildOptions,
  MemberOptions,
  OverwriteOptions,
  PermissionBits,
  RoleOptions,
} from './world.js';
