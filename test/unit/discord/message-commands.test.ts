import { ApplicationCommandType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import type { Catalogue } from '../../../bot/commands/dispatch.js';
import { createCatalogue } from '../../../bot/commands/index.js';
import { reply } from '../../../bot/commands/reply.js';
import {
  draftFromMessage,
  messageCommands,
  withLeftOut,
  type AttachmentLike,
} from '../../../bot/discord/message-commands.js';

const file = (
  name: string,
  contentType: string | null,
  description: string | null = null,
): AttachmentLike => ({
  name,
  url: `https://cdn.discordapp.com/attachments/1/2/${name}?ex=1&is=1&hm=1&`,
  contentType,
  size: 1000,
  description,
});

describe('GIVEN the "Publish to social" message command', () => {
  it('THEN it is registered with the catalogue’s post new, for the guild, shown to members like /post', () => {
    expect(messageCommands(createCatalogue({ heartbeatSeconds: 15 }))).toEqual([
      { type: ApplicationCommandType.Message, name: 'Publish to social', contexts: [0] },
    ]);
    const none: Catalogue = { commands: [], actions: [] };
    expect(messageCommands(none)).toEqual([]);
  });

  it('THEN the text is trimmed and the first four postable images become image…image4, as attachment options', () => {
    const draft = draftFromMessage({
      text: '  Hello  ',
      attachments: [
        file('a.png', 'image/png', 'Alt of a'),
        file('notes.txt', 'text/plain; charset=utf-8'),
        file('b.JPG', null),
        file('c.gif', 'image/gif'),
        file('d.svg', 'image/svg+xml'),
        file('e.webp', 'image/webp', 'Alt of e'),
        file('f.png', 'image/png'),
        file('g', null),
      ],
    });
    expect(draft.text).toBe('Hello');
    expect(Object.keys(draft.images)).toEqual(['image', 'image2', 'image3', 'image4']);
    expect(JSON.parse(draft.images.image!)).toEqual({
      url: 'https://cdn.discordapp.com/attachments/1/2/a.png?ex=1&is=1&hm=1&',
      fileName: 'a.png',
      contentType: 'image/png',
      size: 1000,
    });
    expect(JSON.parse(draft.images.image2!)).toMatchObject({ fileName: 'b.JPG', contentType: null });
    expect(JSON.parse(draft.images.image4!)).toMatchObject({ fileName: 'e.webp' });
    expect(draft.altText).toBe('Alt of a');
    expect(draft.leftOut).toEqual([
      'notes.txt: not an image',
      'd.svg: Herald posts JPEG, PNG, GIF and WebP images',
      'f.png: a post takes up to 4 images',
      'g: not an image',
    ]);
  });

  it('THEN what was left out is noted under a reply, and nothing is added to a form', () => {
    const preview = reply.info('Hello', { fields: [{ name: '@acme on Mastodon', value: '✅' }] });
    expect(withLeftOut(preview, []).kind === 'reply' && withLeftOut(preview, []).fields).toEqual(
      preview.fields,
    );
    const noted = withLeftOut(preview, ['notes.txt: not an image']);
    expect(noted.kind === 'reply' && noted.fields?.at(-1)).toEqual({
      name: 'Not taken from the message',
      value: 'notes.txt: not an image',
    });
    const form = { kind: 'form', submitId: 'x', title: 'T', fields: [] } as const;
    expect(withLeftOut(form, ['a'])).toBe(form);
  });
});
