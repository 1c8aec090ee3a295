/**
 * The Discord fake's files and message commands as a real discord.js app sees them: an ATTACHMENT
 * option resolved into `option.attachment`, a message command's `targetMessage` with its attachments,
 * and the fake's CDN serving both only at their signed URLs.
 */
import {
  ApplicationCommandOptionType as Opt,
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  MessageFlags,
  SlashCommandBuilder,
  type Attachment,
  type Interaction,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDiscordFake } from '../../fakes/discord/index.js';
import { deferred, startHarness, type Harness } from '../fakes/discord-harness.js';

const upload = new SlashCommandBuilder()
  .setName('upload')
  .setDescription('Upload a file')
  .addAttachmentOption((o) => o.setName('file').setDescription('The file').setRequired(true));
const publish = new ContextMenuCommandBuilder()
  .setName('Publish to social')
  .setType(ApplicationCommandType.Message);
const bytes = Buffer.from('\x89PNG\r\n\x1a\nnot really an image');
/** `<origin>/<folder>/<scope>/<id>/<filename>?ex=<hex>&is=<hex>&hm=<64 hex>&`, as Discord's CDN URLs. */
const signed = (origin: string, folder: string, scope: string, id: string, name: string) =>
  new RegExp(
    `^${origin.replace(/[.]/g, '\\.')}/${folder}/${scope}/${id}/${name.replace('.', '\\.')}\\?ex=[0-9a-f]{8}&is=[0-9a-f]{8}&hm=[0-9a-f]{64}&$`,
  );
const download = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
};

describe('GIVEN a discord.js app on the fake', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.client.application.commands.set([upload.toJSON(), publish.toJSON()]);
  });
  afterEach(async () => {
    expect(await h.stop()).toEqual([]);
  });

  /** The next interaction the app receives, answered privately so the fake sees it handled. */
  const received = () => {
    const seen = deferred<Interaction>();
    h.onInteraction(async (interaction) => {
      seen.resolve(interaction);
      if (interaction.isRepliable())
        await interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
    });
    return seen.promise;
  };

  it('THEN a file in an ATTACHMENT option reaches the app as option.attachment, downloadable from its ephemeral URL', async () => {
    const { fake, guildId, channelId, adminId } = h;
    const id = fake.addAttachment({ filename: 'photo.png', data: bytes, width: 640, height: 480 });
    const seen = received();
    const handle = fake.fireSlashCommand({
      guildId,
      channelId,
      userId: adminId,
      name: 'upload',
      options: [{ name: 'file', type: Opt.Attachment, value: id }],
    });
    expect(handle.payload.data.resolved?.attachments?.[id]).toMatchObject({
      id,
      filename: 'photo.png',
      size: bytes.length,
      content_type: 'image/png',
      width: 640,
      height: 480,
      ephemeral: true,
    });
    const interaction = await seen;
    if (!interaction.isChatInputCommand()) throw new Error('expected a slash command');
    const file = interaction.options.getAttachment('file', true);
    expect(interaction.options.data[0]?.attachment).toBe(file);
    expect(file).toMatchObject({ id, name: 'photo.png', contentType: 'image/png', size: bytes.length });
    expect(file.ephemeral).toBe(true);
    expect(file.url).toMatch(signed(fake.url, 'ephemeral-attachments', fake.applicationId, id, 'photo.png'));
    expect(await download(file.url)).toEqual({ status: 200, type: 'image/png', body: bytes.toString() });
    await handle.waitForFinal();
  });

  it('THEN an unknown attachment id is refused as Discord’s client could not send it', () => {
    const { fake, guildId, channelId, adminId } = h;
    const fire = () =>
      fake.fireSlashCommand({
        guildId,
        channelId,
        userId: adminId,
        name: 'upload',
        options: [{ name: 'file', type: Opt.Attachment, value: '123456789012345678' }],
      });
    expect(fire).toThrow(/no attachment 123456789012345678/);
  });

  it('THEN a message command carries target_id and the message, attachments included, as targetMessage', async () => {
    const { fake, channelId, memberId, adminId } = h;
    const message = fake.addMessage(channelId, {
      authorId: memberId,
      content: 'Look at this',
      attachments: [
        { filename: 'photo.png', data: bytes, description: 'A photo' },
        { filename: 'notes.txt', data: Buffer.from('notes') },
      ],
    });
    expect(message.author.id).toBe(memberId);
    const seen = received();
    const handle = fake.fireMessageCommand({
      channelId,
      userId: adminId,
      name: 'Publish to social',
      messageId: message.id,
    });
    expect(handle.payload.data).toMatchObject({
      type: ApplicationCommandType.Message,
      target_id: message.id,
      resolved: { messages: { [message.id]: { content: 'Look at this' } } },
    });
    const interaction = await seen;
    if (!interaction.isMessageContextMenuCommand()) throw new Error('expected a message command');
    expect(interaction.commandName).toBe('Publish to social');
    expect(interaction.targetId).toBe(message.id);
    const files: Attachment[] = [...interaction.targetMessage.attachments.values()];
    expect(files.map((f) => [f.name, f.contentType, f.description, f.ephemeral])).toEqual([
      ['photo.png', 'image/png', 'A photo', false],
      ['notes.txt', 'text/plain; charset=utf-8', null, false],
    ]);
    expect(files[0]?.url).toMatch(signed(fake.url, 'attachments', channelId, files[0]!.id, 'photo.png'));
    expect((await download(files[1]!.url)).body).toBe('notes');
    const reply = await handle.waitForFinal();
    expect(reply.interaction_metadata).toMatchObject({ target_message_id: message.id });
  });

  it('THEN a message command needs a message of that channel', () => {
    const { fake, channelId, adminId } = h;
    const fire = () =>
      fake.fireMessageCommand({ channelId, userId: adminId, name: 'Publish to social', messageId: '42' });
    expect(fire).toThrow(/has no message 42/);
  });
});

describe('GIVEN the fake’s CDN', () => {
  it('THEN a file is served only at its signed URL, and not once it expired', async () => {
    let clock = Date.now();
    const fake = await startDiscordFake({ now: () => clock });
    try {
      const id = fake.addAttachment({ filename: 'a.png', data: bytes });
      const channelId = fake.addChannel();
      const url = fake.addMessage(channelId, { attachments: [{ filename: 'b.png', data: bytes }] })
        .attachments[0]!.url;
      const ephemeralUrl = `${fake.url}/ephemeral-attachments/${fake.applicationId}/${id}/a.png`;
      const gone = {
        status: 404,
        type: 'text/plain; charset=utf-8',
        body: 'This content is no longer available.',
      };
      expect((await download(url)).status).toBe(200);
      expect(await download(url.split('?')[0]!)).toEqual(gone);
      expect(await download(url.replace(/hm=[0-9a-f]/, 'hm=x'))).toEqual(gone);
      expect(await download(`${ephemeralUrl}?ex=ffffffff&is=0&hm=${'0'.repeat(64)}&`)).toEqual(gone);
      clock += 25 * 60 * 60 * 1000;
      expect(await download(url)).toEqual(gone);
      expect(fake.requestsTo('GET', '/attachments/:channel/:id/:name')).toHaveLength(4);
    } finally {
      await fake.close();
    }
  });
});
