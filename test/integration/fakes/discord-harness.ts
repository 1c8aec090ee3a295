/**
 * A real discord.js `Client` logged in to the Discord fake, over a guild with a text channel, a
 * "mods" role with Manage Guild, an admin member (ann, a mod) and a plain member (bob). Each test sets
 * what the app does with interactions; errors its handler throws are collected for the test to check.
 */
import { once } from 'node:events';
import {
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type Interaction,
} from 'discord.js';
import { startDiscordFake, type DiscordFake, type DiscordFakeOptions } from '../../fakes/discord/index.js';

export const herald = new SlashCommandBuilder()
  .setName('herald')
  .setDescription('Herald')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub
      .setName('link')
      .setDescription('Link an account')
      .addStringOption((o) =>
        o.setName('handle').setDescription('Handle').setRequired(true).setAutocomplete(true),
      )
      .addChannelOption((o) =>
        o.setName('channel').setDescription('Where').addChannelTypes(ChannelType.GuildText),
      ),
  )
  .addSubcommandGroup((group) =>
    group
      .setName('feed')
      .setDescription('Feeds')
      .addSubcommand((sub) =>
        sub
          .setName('add')
          .setDescription('Add a feed')
          .addRoleOption((o) => o.setName('ping').setDescription('Role to ping')),
      ),
  );
export const ping = new SlashCommandBuilder().setName('ping').setDescription('Ping');
export const note = new SlashCommandBuilder().setName('note').setDescription('Leave a note');

export interface Harness {
  readonly fake: DiscordFake;
  readonly client: Client<true>;
  readonly guildId: string;
  readonly channelId: string;
  readonly modRoleId: string;
  readonly adminId: string;
  readonly memberId: string;
  /** What the app does with each interaction from now on. */
  onInteraction(handler: (interaction: Interaction) => Promise<void>): void;
  /** Destroys the client, closes the fake, and returns what the app's handler threw. */
  stop(): Promise<unknown[]>;
}

export async function startHarness(options: DiscordFakeOptions = {}): Promise<Harness> {
  const fake = await startDiscordFake({ heartbeatIntervalMs: 1_000, ...options });
  const guildId = fake.addGuild({ name: 'Acme' });
  const channelId = fake.addChannel({ guildId, name: 'general' });
  const modRoleId = fake.addRole(guildId, { name: 'mods', permissions: PermissionFlagsBits.ManageGuild });
  const adminId = fake.addMember(guildId, { username: 'ann', roles: [modRoleId] });
  const memberId = fake.addMember(guildId, { username: 'bob' });
  const errors: unknown[] = [];
  let handler: (interaction: Interaction) => Promise<void> = async () => undefined;
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  client.on(Events.InteractionCreate, (interaction) => {
    handler(interaction).catch((err: unknown) => errors.push(err));
  });
  await Promise.all([once(client, Events.ClientReady), client.login(fake.token)]);
  return {
    fake,
    client: client as Client<true>,
    guildId,
    channelId,
    modRoleId,
    adminId,
    memberId,
    onInteraction(next) {
      handler = next;
    },
    async stop() {
      await client.destroy();
      await fake.close();
      return errors;
    },
  };
}

/** A promise the app's handler settles, so a test waits for the handler rather than for a clock. */
export function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
