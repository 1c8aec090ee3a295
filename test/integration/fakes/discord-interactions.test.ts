import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  ComponentType,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
  TextInputStyle,
} from 'discord.js';
import { deferred, herald, note, ping, startHarness, type Harness } from './discord-harness.js';

let h: Harness;

const linkOptions = (channelId: string) => [
  {
    name: 'link',
    type: ApplicationCommandOptionType.Subcommand as const,
    options: [
      { name: 'handle', type: ApplicationCommandOptionType.String as const, value: '@alice' },
      { name: 'channel', type: ApplicationCommandOptionType.Channel as const, value: channelId },
    ],
  },
];

describe('GIVEN the discord.js app answering interactions the fake fires', () => {
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    expect(await h.stop()).toEqual([]);
  });

  it('THEN commands registered through discord.js are stored with ids, and an invalid set is refused with 50035', async () => {
    const { client, fake, guildId } = h;
    const stored = await client.application.commands.set([herald.toJSON(), ping.toJSON()]);
    expect(stored.map((c) => c.name).sort()).toEqual(['herald', 'ping']);
    expect(
      fake
        .commands()
        .map((c) => c.id)
        .sort(),
    ).toEqual([...stored.keys()].sort());
    expect(fake.commands().find((c) => c.name === 'herald')?.default_member_permissions).toBe('32');
    // Overwriting again keeps each command's id.
    const again = await client.application.commands.set([herald.toJSON()]);
    expect(again.first()?.id).toBe(stored.find((c) => c.name === 'herald')?.id);

    const invalid = [{ name: 'Bad Name', description: '' }];
    await expect(client.application.commands.set(invalid)).rejects.toMatchObject({
      code: 50035,
      status: 400,
      rawError: {
        errors: {
          0: {
            name: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME' }] },
            description: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH' }] },
          },
        },
      },
    });
    expect(fake.commands()).toHaveLength(1);
    await client.application.commands.set([ping.toJSON()], guildId);
    expect(fake.commands(guildId).map((c) => c.guild_id)).toEqual([guildId]);
  });

  it('THEN a slash command deferred ephemerally and edited reaches the handler with its options and ends as the edited reply', async () => {
    const { client, fake, guildId, channelId, adminId } = h;
    await client.application.commands.set([herald.toJSON()]);
    h.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const where = interaction.options.getChannel('channel', true);
      const handle = interaction.options.getString('handle', true);
      const manage = interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild);
      await interaction.editReply(
        `${interaction.options.getSubcommand()} ${handle} in #${where.name}, manage=${manage}`,
      );
    });

    const handle = fake.fireSlashCommand({
      guildId,
      channelId,
      userId: adminId,
      name: 'herald',
      options: linkOptions(channelId),
    });

    expect(await handle.response()).toEqual({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral },
    });
    const final = await handle.waitForFinal();
    expect(final.content).toBe('link @alice in #general, manage=true');
    expect(final.flags).toBe(MessageFlags.Ephemeral);
    expect(final.interaction_metadata).toMatchObject({ id: handle.id, user: { id: adminId } });
    expect(handle.edits).toHaveLength(1);
    // Ephemeral replies are not in the channel's history.
    expect(fake.messages(channelId)).toEqual([]);
    expect(handle.payload.data.resolved?.channels?.[channelId]).toMatchObject({ name: 'general', type: 0 });
    expect(BigInt(handle.payload.member.permissions) & PermissionFlagsBits.ManageGuild).toBe(
      PermissionFlagsBits.ManageGuild,
    );
  });

  it('THEN Discord would not show a command to a member lacking its default permissions', async () => {
    const { client, fake, guildId, channelId, memberId } = h;
    await client.application.commands.set([herald.toJSON()]);
    const run = () => fake.fireSlashCommand({ guildId, channelId, userId: memberId, name: 'herald' });
    expect(run).toThrow(/default_member_permissions/u);
    expect(() => fake.fireSlashCommand({ guildId, channelId, userId: memberId, name: 'nope' })).toThrow(
      /registered/u,
    );
  });

  it('THEN autocomplete gets the focused value and its choices come back as callback 8', async () => {
    const { client, fake, guildId, channelId, adminId } = h;
    await client.application.commands.set([herald.toJSON()]);
    h.onInteraction(async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const focused = interaction.options.getFocused(true);
      await interaction.respond([{ name: `${focused.value}ce`, value: `@${focused.value}ce` }]);
    });

    const handle = fake.fireAutocomplete({
      guildId,
      channelId,
      userId: adminId,
      name: 'herald',
      options: [
        {
          name: 'link',
          type: ApplicationCommandOptionType.Subcommand,
          options: [
            { name: 'handle', type: ApplicationCommandOptionType.String, value: 'ali', focused: true },
          ],
        },
      ],
    });

    expect(await handle.response()).toEqual({
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: [{ name: 'alice', value: '@alice' }] },
    });
    await expect(handle.waitForFinal()).rejects.toThrow(/makes no message/u);
  });

  it('THEN a button on a public reply reaches the handler, and its update edits that message in the channel', async () => {
    const { client, fake, guildId, channelId, adminId, memberId } = h;
    await client.application.commands.set([ping.toJSON()]);
    h.onInteraction(async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const button = new ButtonBuilder()
          .setCustomId('again')
          .setLabel('Again')
          .setStyle(ButtonStyle.Primary);
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(button);
        await interaction.reply({ content: 'Pong', components: [row] });
      } else if (interaction.isButton()) {
        await interaction.update({
          content: `${interaction.customId} by ${interaction.user.username}`,
          components: [],
        });
      }
    });

    const reply = await fake
      .fireSlashCommand({ guildId, channelId, userId: memberId, name: 'ping' })
      .waitForFinal();
    expect(reply.content).toBe('Pong');
    expect(fake.messages(channelId).map((m) => m.id)).toEqual([reply.id]);

    const click = fake.fireButton({ userId: adminId, messageId: reply.id, customId: 'again' });
    expect((await click.response()).type).toBe(InteractionResponseType.UpdateMessage);
    expect(await click.waitForFinal()).toMatchObject({
      id: reply.id,
      content: 'again by ann',
      components: [],
    });
    expect(fake.messages(channelId)[0]?.content).toBe('again by ann');
    expect(() => fake.fireButton({ userId: adminId, messageId: reply.id, customId: 'gone' })).toThrow(
      /custom_id/u,
    );
  });

  it('THEN a modal shown by the handler can be submitted, and the submit is answered', async () => {
    const { client, fake, guildId, channelId, memberId } = h;
    await client.application.commands.set([note.toJSON()]);
    h.onInteraction(async (interaction) => {
      if (interaction.isChatInputCommand()) {
        await interaction.showModal({
          custom_id: 'note-modal',
          title: 'Note',
          components: [
            {
              type: ComponentType.Label,
              label: 'Text',
              component: { type: ComponentType.TextInput, custom_id: 'text', style: TextInputStyle.Short },
            },
          ],
        });
      } else if (interaction.isModalSubmit()) {
        const text = interaction.fields.getTextInputValue('text');
        await interaction.reply({
          content: `${interaction.customId}: ${text}`,
          flags: MessageFlags.Ephemeral,
        });
      }
    });

    const command = fake.fireSlashCommand({ guildId, channelId, userId: memberId, name: 'note' });
    expect((await command.response()).type).toBe(InteractionResponseType.Modal);
    expect(() => command.submitModal({ values: {} })).toThrow(/required/u);

    const submit = command.submitModal({ values: { text: 'hello' } });
    expect(submit.payload.data.custom_id).toBe('note-modal');
    const answer = await submit.waitForFinal();
    expect(answer).toMatchObject({ content: 'note-modal: hello', flags: MessageFlags.Ephemeral });
    expect(answer.interaction_metadata).toMatchObject({
      type: 5,
      triggering_interaction_metadata: { id: command.id },
    });
  });

  it('THEN a follow-up after the reply is posted through the interaction webhook', async () => {
    const { client, fake, guildId, channelId, memberId } = h;
    await client.application.commands.set([ping.toJSON()]);
    h.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply('Pong');
      await interaction.followUp({ content: 'and more', flags: MessageFlags.Ephemeral });
    });
    const handle = fake.fireSlashCommand({ guildId, channelId, userId: memberId, name: 'ping' });
    const followUp = await handle.waitForFollowUp();
    expect(followUp).toMatchObject({ content: 'and more', flags: MessageFlags.Ephemeral });
    expect(followUp.interaction_metadata?.original_response_message_id).toBe(handle.original?.id);
    expect(fake.requestsTo('POST', '/api/v10/webhooks/:app/:token')[0]?.query.get('wait')).toBe('true');
    expect(fake.messages(channelId).map((m) => m.content)).toEqual(['Pong']);
  });

  it('THEN a reply with a file is sent as multipart and read from its payload_json', async () => {
    const { client, fake, guildId, channelId, memberId } = h;
    await client.application.commands.set([ping.toJSON()]);
    h.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({
        content: 'see file',
        files: [{ attachment: Buffer.from('hi'), name: 'a.txt' }],
      });
    });
    const handle = fake.fireSlashCommand({ guildId, channelId, userId: memberId, name: 'ping' });
    expect((await handle.waitForFinal()).content).toBe('see file');
    const callback = fake.requestsTo('POST', '/api/v10/interactions/:id/:token/callback')[0];
    expect(callback?.headers['content-type']).toMatch(/^multipart\/form-data/u);
  });

  it('THEN a reply asked for with_response gets the callback response with the message', async () => {
    const { client, fake, guildId, channelId, memberId } = h;
    await client.application.commands.set([ping.toJSON()]);
    const answered = deferred<unknown>();
    h.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const response = await interaction.reply({ content: 'Pong', withResponse: true });
      answered.resolve({
        id: response.interaction.responseMessageId,
        content: response.resource?.message?.content,
      });
    });
    const handle = fake.fireSlashCommand({ guildId, channelId, userId: memberId, name: 'ping' });
    const reply = await handle.waitForFinal();
    expect(await answered.promise).toEqual({ id: reply.id, content: 'Pong' });
  });
});

describe('GIVEN a short interaction response window', () => {
  beforeEach(async () => {
    h = await startHarness({ responseWindowMs: 50 });
  });
  afterEach(async () => {
    expect(await h.stop()).toEqual([]);
  });

  it('THEN an answer after the window gets 10062 Unknown interaction and the handle reports it unanswered', async () => {
    const { client, fake, guildId, channelId, memberId } = h;
    await client.application.commands.set([ping.toJSON()]);
    const late = deferred<unknown>();
    h.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await fake.interaction(interaction.id)?.expired();
      late.resolve(await interaction.deferReply().catch((err: unknown) => err));
    });
    const handle = fake.fireSlashCommand({ guildId, channelId, userId: memberId, name: 'ping' });
    await expect(handle.response()).rejects.toThrow(/not answered/u);
    expect(await late.promise).toMatchObject({ code: 10062, status: 404 });
  });

  it('THEN a second initial response gets 40060 and a follow-up before any response 10015', async () => {
    const { client, fake, guildId, channelId, memberId } = h;
    await client.application.commands.set([ping.toJSON()]);
    const first = fake.fireSlashCommand({ guildId, channelId, userId: memberId, name: 'ping' });
    const early = await fetch(`${fake.apiUrl}/v10/webhooks/${fake.applicationId}/${first.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'too early' }),
    });
    expect(await early.json()).toEqual({ message: 'Unknown Webhook', code: 10015 });

    h.onInteraction(async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply('first');
    });
    const handle = fake.fireSlashCommand({ guildId, channelId, userId: memberId, name: 'ping' });
    await handle.response();
    const again = await fetch(`${fake.apiUrl}/v10/interactions/${handle.id}/${handle.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: { content: 'second' },
      }),
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      message: 'Interaction has already been acknowledged.',
      code: 40060,
    });
  });
});
