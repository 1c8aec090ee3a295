/**
 * What a command handler may use: who asks (tenant = the guild or workspace, and the user with their
 * rights as the adapter read them on this very call), what the chat platform can tell about a channel,
 * and Herald's own dependencies. Built by each adapter per call.
 */
import type { Keyring } from '../../core/crypto.js';
import type { Pool } from '../../core/db/pool.js';
import type { Logger } from '../../core/logger.js';
import type { ChatPlatform } from '../../core/platforms.js';
import type { MediaDownloader } from '../../social/media-download.js';
import type { ProviderRegistry } from '../../social/registry.js';

export interface TenantRef {
  readonly id: string;
  readonly chatPlatform: ChatPlatform;
  /** The guild id or the workspace (team) id. */
  readonly externalId: string;
  readonly name: string;
}

export interface UserRef {
  readonly id: string;
  readonly name: string;
  /** Manage Server or Administrator on Discord; workspace admin or owner on Slack. */
  readonly isAdmin: boolean;
  /** Whether the user is in this Discord role or Slack user group, asked only when it matters. */
  readonly memberOf?: (groupId: string) => Promise<boolean>;
}

/** Whether Herald can post in a channel, and if not, which of the platform's permissions it lacks. */
export type ChannelCheck =
  | { readonly ok: true; readonly name: string }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'wrong-kind'; readonly name: string }
  | {
      readonly ok: false;
      readonly reason: 'missing-permissions';
      readonly name: string;
      readonly missing: readonly string[];
    };

export interface ChatCapabilities {
  checkChannel(channelId: string): Promise<ChannelCheck>;
  /** How the platform writes a link to a channel or role inside a message (never pings a role). */
  channelMention(channelId: string): string;
  roleMention(roleId: string): string;
  /** The token a file URL of this chat platform needs (Slack's private file URLs), if any. */
  attachmentBearer?(url: URL): string | undefined;
}

/** What OAuth linking needs: where Herald's web server is, and which platforms have a client set up. */
export interface LinkingSetup {
  readonly publicUrl: string;
  /** X needs HERALD_X_CLIENT_ID; Mastodon registers itself on each instance. */
  readonly oauthReady: (platform: 'x' | 'mastodon') => boolean;
}

export interface CommandDeps {
  readonly pool: Pool;
  readonly keyring: Keyring;
  readonly registry: ProviderRegistry;
  readonly logger: Logger;
  readonly settings: { readonly engagementWindowMs: number; readonly pollIntervalSeconds: number };
  readonly now?: () => Date;
  /** Absent where no web server can finish an OAuth flow (the CLI). */
  readonly linking?: LinkingSetup;
  /** Downloads attached images through the SSRF guard; absent where posts cannot carry any. */
  readonly media?: MediaDownloader;
}

export interface CommandContext {
  readonly tenant: TenantRef;
  readonly user: UserRef;
  /** Where the command was run, when it was run in a channel. */
  readonly channelId: string | undefined;
  readonly chat: ChatCapabilities;
  readonly deps: CommandDeps;
  /**
   * How the adapter can still answer this person privately after the command (an interaction
   * token, a response URL), as an opaque handle: a secret, stored only encrypted.
   */
  readonly followUp?: string | undefined;
}
