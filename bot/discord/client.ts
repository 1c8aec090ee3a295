/**
 * Herald on Discord: one gateway connection with only the Guilds intent (interactions need no
 * intent, and a message command's interaction carries the message's content and attachments; guilds,
 * channels and roles feed the permission checks), the slash commands and the "Publish to social"
 * message command published once the client is ready, and the invite link logged for the operator.
 * @see https://discord.com/developers/docs/topics/oauth2#bot-authorization-flow
 */
import { Client, DiscordAPIError, Events, GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import type { Config } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { CommandDeps } from '../commands/context.js';
import type { Catalogue } from '../commands/dispatch.js';
import { createInteractionHandler, type Suggest } from './interactions.js';
import { messageCommands } from './message-commands.js';
import { registerCommands, type Registration } from './register.js';
import { describeError } from './respond.js';
import { slashCommands } from './slash-commands.js';

/** Exactly what posting embeds needs; nothing more is asked of the server at invite time. */
export const INVITE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory;

export function inviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot%20applications.commands&permissions=${INVITE_PERMISSIONS}`;
}

export interface DiscordAdapterOptions {
  readonly discord: NonNullable<Config['discord']>;
  readonly catalogue: Catalogue;
  readonly suggest: Suggest;
  readonly deps: CommandDeps;
  readonly logger: Logger;
  /** How long a command may run before its answer is deferred (default 2 s; tests shorten it). */
  readonly deferAfterMs?: number;
}

export interface DiscordAdapter {
  readonly client: Client<true>;
  readonly registration: Registration;
  stop(): Promise<void>;
}

/** Discord's refusals at start, in the words of the variable to fix. */
function startError(err: unknown, discord: DiscordAdapterOptions['discord']): unknown {
  if ((err as { code?: unknown }).code === 'TokenInvalid') {
    return new ConfigError([
      'DISCORD_TOKEN: Discord refused the bot token; copy it again from the Developer Portal (your app → Bot → Reset Token)',
    ]);
  }
  if (err instanceof DiscordAPIError && (err.status === 403 || err.status === 404)) {
    const where = discord.devGuildId
      ? ` in server ${discord.devGuildId} (DISCORD_DEV_GUILD_ID: is the bot in that server?)`
      : '';
    return new ConfigError([
      `DISCORD_APPLICATION_ID: Discord refused to register the commands of application ${discord.applicationId}${where} (${err.message}); it must be the id of the app the bot token belongs to`,
    ]);
  }
  return err;
}

/** Logs in, waits for the guilds, registers the commands; the client is destroyed if any step fails. */
export async function startDiscordAdapter(options: DiscordAdapterOptions): Promise<DiscordAdapter> {
  const { discord } = options;
  const log = options.logger.child({ subsystem: 'discord' });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: discord.apiUrl },
    allowedMentions: { parse: [] },
  });
  const handle = createInteractionHandler({
    catalogue: options.catalogue,
    suggest: options.suggest,
    deps: options.deps,
    logger: log,
    ...(options.deferAfterMs === undefined ? {} : { deferAfterMs: options.deferAfterMs }),
  });
  client.on(Events.InteractionCreate, (interaction) => void handle(interaction));
  client.on(Events.Error, (err) => log.error({ err: describeError(err) }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shardId) =>
    log.warn({ shardId, closeCode: event.code }, 'discord gateway disconnected'),
  );
  const registered = new Promise<Registration>((resolve, reject) => {
    client.once(Events.ClientReady, (ready) => {
      const commands = [...slashCommands(options.catalogue), ...messageCommands(options.catalogue)];
      registerCommands(ready.rest, discord, commands).then(resolve, reject);
    });
  });
  // Settled below; this only keeps a failure during login from counting as unhandled.
  registered.catch(() => undefined);
  try {
    await client.login(discord.token);
    const registration = await registered;
    log.info({ ...registration, guildId: discord.devGuildId }, 'discord slash commands registered');
    log.info(
      { inviteUrl: inviteUrl(discord.applicationId) },
      'invite Herald to a Discord server with this link',
    );
    return {
      client: client as Client<true>,
      registration,
      stop: () => client.destroy(),
    };
  } catch (err) {
    await client.destroy();
    throw startError(err, discord);
  }
}
