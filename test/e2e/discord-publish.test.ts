/**
 * Publishing from Discord, end to end: `/post new` with attached images and "Publish to social" on a
 * message, through the Discord fake (its CDN serves the files), Herald's bot and worker, a real
 * PostgreSQL, and the X, Bluesky and Mastodon fakes. What people see is read from the fake: the
 * private preview, the answer to Publish, and the follow-up the worker sends when the post is out.
 */
import {
  ApplicationCommandOptionType as Opt,
  ComponentType,
  InteractionResponseType,
  MessageFlags,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIMessage,
} from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buttonOf,
  png,
  startPublishWorld,
  uploadedFiles,
  type PublishWorld,
} from './discord-publish-world.js';
import { textOf } from '../support/discord-text.js';

type Option = APIApplicationCommandInteractionDataBasicOption;
const str = (name: string, value: string): Option => ({ name, type: Opt.String, value });
const file = (name: string, id: string): Option => ({ name, type: Opt.Attachment, value: id });
const CDN_FILE = '/:folder/:scope/:id/:filename';
const isEphemeral = (message: APIMessage) => ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;

describe('GIVEN Herald on Discord with X, Bluesky and Mastodon accounts linked', () => {
  let w: PublishWorld;

  beforeAll(async () => {
    w = await startPublishWorld();
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  const postNew = (userId: string, options: Option[]) =>
    w.discord.fireSlashCommand({
      guildId: w.guildId,
      channelId: w.channelId,
      userId,
      name: 'post',
      options: [{ name: 'new', type: Opt.Subcommand, options }],
    });
  const fromMessage = (userId: string, messageId: string) =>
    w.discord.fireMessageCommand({
      channelId: w.channelId,
      userId,
      name: 'Publish to social',
      messageId,
    });
  const press = async (userId: string, message: APIMessage, label: RegExp) =>
    w.discord
      .fireButton({ userId, messageId: message.id, customId: buttonOf(message, label) })
      .waitForFinal();
  const posts = async () =>
    (await w.db.pool.query<{ id: string; status: string }>('SELECT id, status FROM outbound_posts')).rows;
  const downloads = () => w.discord.requestsTo('GET', CDN_FILE).length;
  const published = () => ({
    tweets: w.x.requestsTo('POST', '/2/tweets').length,
    statuses: w.mastodon.statuses.length,
    records: w.bluesky.records.length,
  });

  it('WHEN /post new has text and two images THEN a private preview, nothing out until Publish, then every platform gets both and the links come back', async () => {
    const one = png(50_000, 1);
    const two = png(60_000, 2);
    const before = { published: published(), downloads: downloads() };
    const command = postNew(w.adminId, [
      str('text', 'Launch day, in pictures'),
      file('image', w.discord.addAttachment({ filename: 'one.png', data: one, width: 640, height: 480 })),
      file('image2', w.discord.addAttachment({ filename: 'two.png', data: two, width: 640, height: 480 })),
    ]);
    const preview = await command.waitForFinal();

    expect(isEphemeral(preview)).toBe(true);
    expect(textOf(preview)).toContain('Launch day, in pictures');
    for (const platform of ['X', 'Bluesky', 'Mastodon']) {
      expect(preview.embeds[0]?.fields?.find((f) => f.name.endsWith(`on ${platform}`))?.value).toContain(
        '2 files fit',
      );
    }
    // Each file was fetched once from the fake's CDN, by its signed URL; nothing is published yet.
    expect(downloads() - before.downloads).toBe(2);
    expect(published()).toEqual(before.published);
    expect((await posts()).map((p) => p.status)).toEqual(['draft']);

    const answer = await press(w.adminId, preview, /^Publish$/);
    expect(isEphemeral(answer)).toBe(true);
    expect(textOf(answer)).toContain('On its way');

    const report = await command.waitForFollowUp();
    expect(isEphemeral(report)).toBe(true);
    expect(report.content).toContain('Your post is out');
    expect(report.content).toMatch(/✅ acmehq \(x\): http\S+/);
    expect(report.content).toMatch(/✅ acme\.test \(bluesky\): http\S+/);
    expect(report.content).toMatch(/✅ acme \(mastodon\): http\S+/);

    // Every platform received both images, byte for byte, and one post carrying them.
    const sorted = (files: Buffer[]) => files.map((f) => f.toString('base64')).sort();
    const both = sorted([one, two]);
    expect(sorted(await uploadedFiles(w.x, '/2/media/upload', 'media'))).toEqual(both);
    expect(sorted(await uploadedFiles(w.mastodon, '/api/v2/media', 'file'))).toEqual(both);
    const blobs = w.bluesky.requestsTo('POST', '/xrpc/com.atproto.repo.uploadBlob').map((r) => r.body);
    expect(sorted(blobs)).toEqual(both);
    const tweet = w.x.requestsTo('POST', '/2/tweets').at(-1)!.json() as { media?: { media_ids: string[] } };
    expect(tweet.media?.media_ids).toHaveLength(2);
    const status = w.mastodon.statuses.find((s) => String(s.content).includes('Launch day'));
    expect(status?.media_attachments).toHaveLength(2);
    const record = w.bluesky.records.at(-1)?.record as { embed?: { images?: unknown[] } };
    expect(record.embed?.images).toHaveLength(2);
  });

  it('WHEN a publisher runs "Publish to social" on a message with text and an image THEN the same preview, and Publish posts the image', async () => {
    const photo = png(40_000, 5);
    const message = w.discord.addMessage(w.channelId, {
      authorId: w.memberId,
      content: `Our new office, see <#${w.channelId}>`,
      attachments: [
        { filename: 'office.png', data: photo, width: 800, height: 600 },
        { filename: 'notes.txt', data: Buffer.from('floor plan to follow') },
      ],
    });
    const command = fromMessage(w.publisherId, message.id);
    const preview = await command.waitForFinal();

    expect(isEphemeral(preview)).toBe(true);
    // Mentions are written as names, never as <#id>; the text file is named as left out.
    expect(preview.embeds[0]?.description).toBe('Our new office, see #news');
    expect(textOf(preview)).toContain('1 file fit');
    expect(textOf(preview)).toMatch(/Not taken from the message\nnotes\.txt: not an image/);
    expect(buttonOf(preview, /^Publish$/)).toMatch(/^post-publish:/);
    buttonOf(preview, /^Edit$/);
    buttonOf(preview, /^Cancel$/);

    const blobsBefore = w.bluesky.requestsTo('POST', '/xrpc/com.atproto.repo.uploadBlob').length;
    expect(textOf(await press(w.publisherId, preview, /^Publish$/))).toContain('On its way');
    const report = await command.waitForFollowUp();
    expect(report.content).toContain('Your post is out');

    const status = w.mastodon.statuses.find((s) => String(s.content).includes('Our new office'));
    expect(status?.media_attachments).toHaveLength(1);
    const blobs = w.bluesky.requestsTo('POST', '/xrpc/com.atproto.repo.uploadBlob').slice(blobsBefore);
    expect(blobs.map((r) => r.body.toString('base64'))).toEqual([photo.toString('base64')]);
    const tweet = w.x.requestsTo('POST', '/2/tweets').at(-1)!.json() as { text: string; media?: unknown };
    expect(tweet.text).toBe('Our new office, see #news');
    expect(tweet.media).toMatchObject({ media_ids: [expect.any(String)] });
  });

  it('WHEN the message has an image but no text THEN a form asks for the text, and sending it shows the preview', async () => {
    const message = w.discord.addMessage(w.channelId, {
      authorId: w.memberId,
      attachments: [{ filename: 'sunset.png', data: png(30_000, 7), description: 'A sunset over the bay' }],
    });
    const command = fromMessage(w.adminId, message.id);
    const modal = await command.response();
    expect(modal.type).toBe(InteractionResponseType.Modal);
    const field = JSON.stringify(modal.type === InteractionResponseType.Modal ? modal.data : {});
    // The image's alt text is offered, to keep or replace.
    expect(field).toContain('"value":"A sunset over the bay"');
    expect(field).toContain(`"type":${ComponentType.TextInput}`);

    const preview = await command.submitModal({ values: { text: 'Evening at the office' } }).waitForFinal();
    expect(isEphemeral(preview)).toBe(true);
    expect(preview.embeds[0]?.description).toBe('Evening at the office');
    expect(textOf(preview)).toContain('1 file fit');
    const before = (await posts()).length;
    expect(textOf(await press(w.adminId, preview, /^Cancel$/))).toContain('Cancelled');
    expect((await posts()).length).toBe(before);
  });

  it('WHEN the message has neither text nor image THEN it says there is nothing to publish', async () => {
    const message = w.discord.addMessage(w.channelId, {
      authorId: w.memberId,
      attachments: [{ filename: 'minutes.pdf', data: Buffer.from('%PDF-1.7') }],
    });
    const before = await posts();
    const answer = await fromMessage(w.adminId, message.id).waitForFinal();
    expect(isEphemeral(answer)).toBe(true);
    expect(textOf(answer)).toContain('This message has no text or image to publish');
    expect(textOf(answer)).toContain('minutes.pdf: not an image');
    expect(await posts()).toEqual(before);
  });

  it('WHEN a member who is neither admin nor publisher tries THEN a refusal, nothing downloaded or stored', async () => {
    const before = { posts: await posts(), downloads: downloads(), published: published() };
    const slash = await postNew(w.memberId, [
      str('text', 'Let me in'),
      file('image', w.discord.addAttachment({ filename: 'me.png', data: png(10_000, 9) })),
    ]).waitForFinal();
    const message = w.discord.addMessage(w.channelId, {
      authorId: w.memberId,
      content: 'Post this for me',
      attachments: [{ filename: 'me.png', data: png(10_000, 9) }],
    });
    const context = await fromMessage(w.memberId, message.id).waitForFinal();

    for (const answer of [slash, context]) {
      expect(isEphemeral(answer)).toBe(true);
      expect(textOf(answer)).toContain('Only admins, or members of the role');
      expect(answer.components).toEqual([]);
    }
    expect(await posts()).toEqual(before.posts);
    expect(downloads()).toBe(before.downloads);
    expect(published()).toEqual(before.published);
  });

  it('WHEN the attached file is not an image THEN a clear refusal and nothing stored', async () => {
    const before = await posts();
    const answer = await postNew(w.adminId, [
      str('text', 'With the notes'),
      file('image', w.discord.addAttachment({ filename: 'notes.txt', data: Buffer.from('just some notes') })),
    ]).waitForFinal();
    expect(isEphemeral(answer)).toBe(true);
    expect(textOf(answer)).toContain('notes.txt is not an image or video Herald can post');
    expect(await posts()).toEqual(before);
  });
});
