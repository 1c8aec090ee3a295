import { describe, expect, it } from 'vitest';
import { toDiscordMessage } from '../../../embeds/index.js';
import { graphemes } from '../../../embeds/text.js';
import { image, post } from './posts.js';
import { expectValidDiscordMessage } from './validate.js';

const ROLE = '123456789012345678';

describe('toDiscordMessage', () => {
  it('GIVEN a plain post THEN one embed: author with handle and avatar, text, link, colour, footer, time', () => {
    const message = toDiscordMessage(post({ metrics: { likes: 1_234 } }));
    expectValidDiscordMessage(message);
    expect(message.content).toBeUndefined();
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.embeds).toEqual([
      {
        author: {
          name: 'Ann Lee (@ann)',
          url: 'https://x.com/ann',
          icon_url: 'https://pbs.twimg.com/ann.jpg',
        },
        url: 'https://x.com/ann/status/1',
        description: 'hello\n\n❤️ 1.2K',
        color: 0x010101,
        footer: { text: 'X', icon_url: expect.stringMatching(/^https:\/\//u) },
        timestamp: '2024-05-01T12:30:00.000Z',
      },
    ]);
  });

  it('GIVEN a role to mention THEN the content pings that role and allowed_mentions permits only it', () => {
    const message = toDiscordMessage(post({ text: '@everyone <@&999999999999999999>' }), {
      mentionRoleId: ROLE,
    });
    expect(message.content).toBe(`<@&${ROLE}>`);
    expect(message.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
  });

  it.each(['everyone', '<@&1>', '12', ''])('GIVEN role id %j THEN it throws a RangeError', (roleId) => {
    expect(() => toDiscordMessage(post(), { mentionRoleId: roleId })).toThrow(RangeError);
  });

  it('GIVEN four images THEN four embeds share the permalink as url, the first carrying everything', () => {
    const media = [image(1, 'a cat'), image(2), image(3), image(4)];
    const [first, ...rest] = toDiscordMessage(post({ media })).embeds ?? [];
    expect(first?.image).toEqual({ url: 'https://pbs.twimg.com/media/1.jpg', description: 'a cat' });
    expect(rest).toEqual(
      [2, 3, 4].map((n) => ({
        url: 'https://x.com/ann/status/1',
        image: { url: `https://pbs.twimg.com/media/${n}.jpg` },
      })),
    );
  });

  it('GIVEN seven images THEN four are shown and the text says "+3 more"', () => {
    const message = toDiscordMessage(post({ media: [1, 2, 3, 4, 5, 6, 7].map((n) => image(n)) }));
    expect(message.embeds).toHaveLength(4);
    expect(message.embeds?.[0]?.description).toContain('🖼️ [+3 more](https://x.com/ann/status/1)');
  });

  it('GIVEN a video THEN its preview is the image and a "▶ video" link leads to the post', () => {
    const media = [
      {
        type: 'video' as const,
        url: 'https://video.twimg.com/v.mp4',
        previewUrl: 'https://pbs.twimg.com/v.jpg',
      },
    ];
    const [embed] = toDiscordMessage(post({ media })).embeds ?? [];
    expect(embed?.image?.url).toBe('https://pbs.twimg.com/v.jpg');
    expect(embed?.description).toContain('▶ [video](https://x.com/ann/status/1)');
  });

  it('GIVEN a repost THEN it says who reposted whom and shows the original', () => {
    const original = post({
      platformId: '2',
      permalink: 'https://x.com/bob/status/2',
      author: { id: '2', displayName: 'Bob', handle: 'bob' },
      text: 'the original',
      metrics: { reposts: 5 },
    });
    const [embed] = toDiscordMessage(post({ kind: 'repost', text: '', original })).embeds ?? [];
    expect(embed?.author?.name).toBe('Bob (@bob)');
    expect(embed?.url).toBe('https://x.com/bob/status/2');
    expect(embed?.description).toBe(
      '🔁 [@ann](https://x.com/ann) reposted [@bob](https://x.com/bob)\n\nthe original\n\n🔁 5',
    );
  });

  it('GIVEN a quote THEN the quoted post is a field with its author, an excerpt and a link', () => {
    const original = post({
      platformId: '2',
      permalink: 'https://x.com/bob/status/2',
      author: { id: '2', displayName: 'Bob', handle: 'bob' },
      text: 'quoted **text**',
    });
    const [embed] = toDiscordMessage(post({ kind: 'quote', text: 'so true', original })).embeds ?? [];
    expect(embed?.description).toBe('so true');
    expect(embed?.fields).toEqual([
      {
        name: '💬 Bob (@bob)',
        value: '> quoted \\*\\*text\\*\\*\n[Open quoted post](https://x.com/bob/status/2)',
      },
    ]);
  });

  it('GIVEN a reply THEN it says whom it replies to, linking the parent post', () => {
    const inReplyTo = { platformId: '0', permalink: 'https://x.com/bob/status/0', authorHandle: 'bob' };
    const [embed] = toDiscordMessage(post({ kind: 'reply', inReplyTo })).embeds ?? [];
    expect(embed?.description).toBe('↩️ Replying to [@bob](https://x.com/bob/status/0)\n\nhello');
  });

  it('GIVEN a reply to an unknown post THEN it still says it is a reply', () => {
    const [embed] = toDiscordMessage(post({ kind: 'reply' })).embeds ?? [];
    expect(embed?.description).toBe('↩️ Replying to a post\n\nhello');
  });

  it('GIVEN text over the limit THEN it is cut at a word with "…" and a link to the whole post', () => {
    const [embed] = toDiscordMessage(post({ text: 'word '.repeat(200) }), { maxTextLength: 22 }).embeds ?? [];
    expect(embed?.description).toBe('word word word word… [Read more](https://x.com/ann/status/1)');
  });

  it('GIVEN no limit THEN 500 graphemes of text are shown, counting a flag as one', () => {
    const [embed] = toDiscordMessage(post({ text: '🇫🇷'.repeat(600) })).embeds ?? [];
    const shown = (embed?.description ?? '').replace(/… \[Read more\]\(.*\)$/u, '');
    expect(graphemes(shown)).toEqual(Array.from({ length: 500 }, () => '🇫🇷'));
  });

  it('GIVEN a huge limit and huge text THEN the description stays within 4,096 and the total within 6,000', () => {
    const message = toDiscordMessage(post({ text: '*'.repeat(20_000) }), { maxTextLength: 1_000_000 });
    expectValidDiscordMessage(message);
    expect(message.embeds?.[0]?.description?.length).toBeLessThanOrEqual(4_096);
  });

  it('GIVEN a platform with titles THEN the first line is the title and the rest the description', () => {
    const [embed] =
      toDiscordMessage(
        post({
          platform: 'rss',
          permalink: 'https://blog.example/p',
          text: 'A *great* title\n\nThe summary.',
        }),
      ).embeds ?? [];
    expect(embed?.title).toBe('A \\*great\\* title');
    expect(embed?.description).toBe('The summary.');
    expect(embed?.footer?.text).toBe('RSS / Atom · blog.example');
  });

  it('GIVEN a platform without titles THEN there is no title', () => {
    expect(toDiscordMessage(post({ text: 'line one\nline two' })).embeds?.[0]?.title).toBeUndefined();
  });

  it('GIVEN an author whose name is their handle THEN the author line says it once', () => {
    const author = { id: '1', displayName: 'ann', handle: 'ann' };
    expect(toDiscordMessage(post({ author })).embeds?.[0]?.author?.name).toBe('@ann');
  });

  it('GIVEN a right-to-left name THEN it is isolated so "(@handle)" keeps its place', () => {
    const author = { id: '1', displayName: 'سارة', handle: 'sara' };
    expect(toDiscordMessage(post({ author })).embeds?.[0]?.author?.name).toBe('\u2068سارة\u2069 (@sara)');
  });

  it('GIVEN no text, media or metrics THEN the embed has no empty description', () => {
    const [embed] = toDiscordMessage(post({ text: '   ' })).embeds ?? [];
    expect(embed).not.toHaveProperty('description');
  });
});
