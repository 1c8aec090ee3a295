import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { socialPostSchema, type SocialPost } from '../../../core/social-post.js';
import { readFeedDocument } from '../../../social/rss/document.js';
import { entryId, parseFeedDate, recognizePlatform } from '../../../social/rss/identity.js';
import { mapEntry } from '../../../social/rss/map.js';
import { hashtagsFrom, MAX_TEXT_LENGTH } from '../../../social/rss/map-shared.js';

const FETCHED_AT = new Date('2026-09-02T00:00:00Z');

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../fixtures/rss/${name}`, import.meta.url));
}

function mapFeed(
  raw: string | Buffer,
  options: { url?: string; contentType?: string; channelAvatarUrl?: string } = {},
): SocialPost[] {
  const url = options.url ?? 'https://feeds.example/feed.xml';
  const doc = readFeedDocument({
    raw: Buffer.from(raw),
    contentType: options.contentType ?? 'application/xml',
    url,
  });
  const platform = recognizePlatform(doc);
  const context = {
    feedUrl: url,
    baseUrl: url,
    fetchedAt: FETCHED_AT,
    channelAvatarUrl: options.channelAvatarUrl,
  };
  return doc.entries.map((entry) => {
    const id = entryId(entry, platform);
    if (id === undefined) throw new Error('fixture entry without id');
    return mapEntry(doc, platform, { entry, id, publishedAt: parseFeedDate(entry.published) }, context);
  });
}

function at<T>(list: readonly T[], index: number): T {
  const value = list[index];
  if (value === undefined) throw new Error(`no element ${index}`);
  return value;
}

describe('RSS 2.0 items to posts', () => {
  const posts = mapFeed(fixture('rss2-spec-sample.xml'));

  it('GIVEN the specification sample THEN each item is an rss post titled, stripped of HTML and linked to its page', () => {
    const star = at(posts, 0);
    expect(star).toMatchObject({
      platform: 'rss',
      kind: 'post',
      platformId: 'http://liftoff.msfc.nasa.gov/2003/06/03.html#item573',
      permalink: 'http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp',
      createdAt: '2003-06-03T09:39:21.000Z',
      language: 'en-us',
      links: ['http://howe.iki.rssi.ru/GCTC/gctc_e.htm'],
      metrics: {},
    });
    expect(star.text).toMatch(/^Star City\n\nHow do Americans get ready/);
    expect(star.text).toContain("protocol at Russia's Star City.");
    expect(star.text).not.toMatch(/<a|&lt;|href/);
  });

  it('GIVEN an item without title, link or author THEN the text is its description, the permalink the site and the author the feed', () => {
    const eclipse = at(posts, 1);
    expect(eclipse.text).toBe(
      'Sky watchers in Europe, Asia, and parts of Alaska and Canada will experience a partial eclipse of the Sun on Saturday, May 31st.',
    );
    expect(eclipse.permalink).toBe('http://liftoff.msfc.nasa.gov/');
    expect(eclipse.author).toEqual({
      id: 'Liftoff News',
      displayName: 'Liftoff News',
      handle: 'Liftoff News',
      profileUrl: 'http://liftoff.msfc.nasa.gov/',
    });
    expect(eclipse.media).toEqual([]);
  });

  it('GIVEN the same picture at two widths THEN one image remains, the widest', () => {
    const [library, tax] = mapFeed(fixture('guardian.rss.xml'));
    expect(library?.media).toEqual([
      {
        type: 'image',
        url: expect.stringContaining('/3400.jpg?w=460') as string,
        width: 460,
      },
    ]);
    expect(library?.author.displayName).toBe('Ashifa Kassam in Stanstead, Quebec');
    expect(library?.hashtags).toEqual(['canada', 'libraries', 'usnews', 'americas', 'worldnews']);
    expect(library?.links).toEqual(['http://haskellopera.com/']);
    expect(library?.language).toBe('en-gb');
    expect(tax?.media).toEqual([]);
    expect(tax?.author).toMatchObject({
      displayName: 'The Guardian',
      avatarUrl: 'https://assets.guim.co.uk/images/guardian-logo-rss.c45beb1bafa34b347ac333af2e6fe23f.png',
    });
  });

  it('GIVEN content:encoded in CDATA and a tracking pixel THEN the text comes from it and the first real picture is the image', () => {
    const [forager] = mapFeed(fixture('medium-content-encoded.xml'));
    expect(forager?.platformId).toBe('https://medium.com/p/125af37d838f');
    expect(forager?.text).toMatch(/^THE CREATIVE FORAGER\n\nUsing Wild Ingredients in the Kitchen\n\n/);
    expect(forager?.text).toContain('“The Creative Forager” will be a welcome addition');
    expect(forager?.media).toEqual([
      { type: 'image', url: 'https://cdn-images-1.medium.com/max/938/1*C_nVpehD-NKBgtVEULabmQ.jpeg' },
    ]);
    expect(forager?.media.some((m) => m.url.includes('/_/stat'))).toBe(false);
    expect(forager?.links).not.toContain('https://medium.com/invironment/the-creative-forager-125af37d838f');
    expect(forager?.author.displayName).toBe('Jeremy Puma');
  });

  it('GIVEN a GB2312 feed with zone-less dates THEN CJK text is intact, entities decoded, dates read as UTC', () => {
    const posts = mapFeed(fixture('qq-news-gb2312.xml'));
    expect(at(posts, 0).text).toMatch(/^“917中国坚果健康周”开幕 良品铺子品质升级战略浮出水面\n\n荆楚网消息/);
    expect(at(posts, 0).createdAt).toBe('2018-09-18T10:46:54.000Z');
    expect(at(posts, 1).text).toContain('约翰·霍普金斯大学教授皮特·鲍泰利');
    expect(at(posts, 2).text).toMatch(/^【风从海上来】宁波：为海洋经济发展"打样"/);
    expect(at(posts, 3).text).toBe('2018国家网络安全宣传周宣传片');
    expect(at(posts, 3).language).toBe('zh-cn');
  });
});

describe('Atom and JSON Feed entries to posts', () => {
  it('GIVEN an Atom entry THEN its summary is the text, the picture in its HTML the image, the offset date UTC', () => {
    const [wildfly, architect] = mapFeed(fixture('heise.atom.xml'));
    expect(wildfly).toMatchObject({
      platformId: 'http://heise.de/-3088438',
      createdAt: '2016-02-01T16:22:00.000Z',
      author: {
        displayName: 'heise online',
        avatarUrl: 'http://www.heise.de/developer/icons/heise_developer_logo_weiss.gif',
      },
      media: [
        { type: 'image', altText: 'WildFly 10', url: expect.stringContaining('wildfly-2bf4') as string },
      ],
    });
    expect(wildfly?.text).toMatch(
      /^Java-Anwendungsserver: Red Hat gibt WildFly 10 frei\n\nDie nun verfügbare Version 10/,
    );
    expect(architect?.media).toEqual([]);
  });

  it('GIVEN double-escaped quotes in an Atom summary THEN they read as quotes', () => {
    const posts = mapFeed(fixture('heise.atom.xml'));
    expect(at(posts, 2).text).toContain('Versionen der gleichen "Klasse" arbeitet');
  });

  it('GIVEN a JSON Feed THEN content_text is the text and the feed author with avatar is the author', () => {
    const [cats] = mapFeed(fixture('jsonfeed-microblog.json'), { contentType: 'application/feed+json' });
    expect(cats).toMatchObject({
      platform: 'rss',
      platformId: '2347259',
      permalink: 'https://example.org/2347259',
      createdAt: '2016-02-09T21:22:00.000Z',
      author: { displayName: 'Brent Simmons', avatarUrl: 'https://example.org/avatar.png' },
    });
    expect(cats?.text).toBe('Cats are neat. \n\nhttps://example.org/cats');
  });
});

describe('media, emoji and non-Latin text (a Mastodon account feed)', () => {
  const [release, photos, video, audio] = mapFeed(fixture('mastodon-account.rss.xml'));

  it('GIVEN an untitled item with emoji and Japanese THEN the text is exact and tags are hashtags, not links', () => {
    expect(release?.text).toBe('🎉 リリースしました！新しいバージョンはとても速いです 🚀👩‍💻 #release #日本語');
    expect(release?.hashtags).toEqual(['release', '日本語']);
    expect(release?.links).toEqual([]);
    expect(release?.author.displayName).toBe('Alice 🌸');
  });

  it('GIVEN several images with alt text THEN each is an image with its alt, preview and size', () => {
    expect(photos?.media).toEqual([
      {
        type: 'image',
        url: 'https://files.mastodon.example/media_attachments/files/000/000/101/original/a.jpg',
        previewUrl: 'https://files.mastodon.example/media_attachments/files/000/000/101/small/a.jpg',
        altText: 'A heron standing in shallow water',
        sizeBytes: 482133,
      },
      expect.objectContaining({ altText: 'Reeds at sunset', type: 'image' }),
      expect.not.objectContaining({ altText: expect.anything() }),
    ]);
  });

  it('GIVEN a video THEN it is a video with its thumbnail as preview', () => {
    expect(video?.media).toEqual([
      expect.objectContaining({
        type: 'video',
        url: expect.stringMatching(/harbour\.mp4$/) as string,
        previewUrl: expect.stringMatching(/small\/harbour\.png$/) as string,
      }),
    ]);
    expect(video?.text).toBe('Timelapse of the harbour & the ferries ⛴️');
  });

  it('GIVEN audio listed as enclosure and media:content THEN it appears once; Cyrillic and Arabic are intact', () => {
    expect(audio?.media).toHaveLength(1);
    expect(audio?.media[0]).toMatchObject({ type: 'audio', sizeBytes: 223344 });
    expect(audio?.text).toBe('Voice note: Привет, мир! مرحبا بالعالم');
  });
});

describe('YouTube channel feeds', () => {
  const avatar = 'https://yt3.googleusercontent.com/ytc/channel-avatar=s900-c-k';
  const [pandemic, comic, darkMatter] = mapFeed(fixture('youtube-channel.xml'), { channelAvatarUrl: avatar });

  it('GIVEN a channel feed entry THEN it is a youtube post of the video, its thumbnail, counts and channel', () => {
    expect(pandemic).toMatchObject({
      platform: 'youtube',
      platformId: 'Imb4G5O4__o',
      permalink: 'https://www.youtube.com/watch?v=Imb4G5O4__o',
      createdAt: '2021-12-14T14:00:19.000Z',
      media: [
        {
          type: 'video',
          url: 'https://www.youtube.com/watch?v=Imb4G5O4__o',
          previewUrl: 'https://i2.ytimg.com/vi/Imb4G5O4__o/hqdefault.jpg',
        },
      ],
      metrics: { likes: 404, views: 8796 },
      author: {
        id: 'UCk195x4zYdMx4LhqEwhcPng',
        displayName: 'Instituto de Física Teórica IFT',
        handle: 'UCk195x4zYdMx4LhqEwhcPng',
        avatarUrl: avatar,
        profileUrl: 'https://www.youtube.com/channel/UCk195x4zYdMx4LhqEwhcPng',
      },
      hashtags: ['covid', 'fisica', 'pandemia'],
    });
    expect(pandemic?.text).toMatch(
      /^Física de Partículas en la lucha contra la Pandemia\n\nLa pandemia de COVID-19/,
    );
    expect(pandemic?.links).toContain('https://youtu.be/V_PqG7_uz6E');
  });

  it('GIVEN hashtags in a title and description THEN they are lower-cased without #', () => {
    expect(comic?.hashtags).toEqual(['yofisicaencomic', 'yofisica']);
    expect(comic?.metrics).toEqual({ likes: 217, views: 3156 });
  });

  it('GIVEN an entry without media:community THEN likes and views are absent, not zero', () => {
    expect(darkMatter?.metrics).toEqual({});
    expect(darkMatter?.media[0]?.previewUrl).toBe('https://i3.ytimg.com/vi/jRmx2iHfATE/hqdefault.jpg');
  });
});

describe('Reddit listings', () => {
  const [selfPost, imagePost, linkPost, deleted] = mapFeed(fixture('reddit-subreddit.xml'));

  it('GIVEN a self post THEN it is a reddit post of title and self-text, without the "submitted by" footer', () => {
    expect(selfPost).toMatchObject({
      platform: 'reddit',
      platformId: 't3_1vu31ai',
      permalink: 'https://www.reddit.com/r/Python/comments/1vu31ai/which_features/',
      author: {
        id: 'Individual-Editor-41',
        handle: 'Individual-Editor-41',
        profileUrl: 'https://www.reddit.com/user/Individual-Editor-41',
      },
      links: ['https://docs.python.org/3.14/whatsnew/3.14.html'],
      media: [],
    });
    expect(selfPost?.text).toBe(
      "Which features of Python 3.14 are you most hyped to try out?\n\nPython 3.14 is coming.\n\nThings won't feel laggy anymore & the release notes are out.",
    );
  });

  it('GIVEN an image post THEN the full image from i.redd.it is the media, with the thumbnail as preview', () => {
    expect(imagePost?.media).toEqual([
      {
        type: 'image',
        url: 'https://i.redd.it/5apc9mfquqyd1.png',
        previewUrl: expect.stringMatching(
          /^https:\/\/preview\.redd\.it\/5apc9mfquqyd1\.png\?width=640/,
        ) as string,
      },
    ]);
    expect(imagePost?.text).toBe('I drew the Python logo in pixel art 🐍');
    expect(imagePost?.links).toEqual([]);
  });

  it('GIVEN a link post THEN the target is a link and the preview picture the image', () => {
    expect(linkPost?.links).toEqual(['https://www.example.com/news/pypi-malware-reports']);
    expect(linkPost?.media).toEqual([
      { type: 'image', url: 'https://external-preview.redd.it/z-fg.jpeg?width=640&crop=smart' },
    ]);
    expect(linkPost?.text).toBe(
      'PyPI nears record malware reports — maintainers say they are "completely overwhelmed"',
    );
  });

  it('GIVEN an entry without author THEN the author is [deleted] with no profile', () => {
    expect(deleted?.author).toEqual({ id: '[deleted]', displayName: '[deleted]', handle: '[deleted]' });
  });
});

describe('text, links and hashtags', () => {
  const item = (body: string, extra = '') =>
    `<rss version="2.0"><channel><title>Blog</title><link>https://blog.example/</link><item><guid>1</guid>` +
    `<link>/posts/1</link>${extra}<description>${body}</description></item></channel></rss>`;

  it('GIVEN a body longer than the limit THEN the text is cut at the limit with an ellipsis, never inside an emoji', () => {
    const [post] = mapFeed(item('👍🏽'.repeat(MAX_TEXT_LENGTH + 1)));
    const segments = [...new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(post?.text ?? '')];
    expect(segments).toHaveLength(MAX_TEXT_LENGTH);
    expect(segments.at(-1)?.segment).toBe('…');
    expect(segments.at(-2)?.segment).toBe('👍🏽');
  });

  it('GIVEN a body of exactly the limit THEN it is kept whole', () => {
    const [post] = mapFeed(item('👍🏽'.repeat(MAX_TEXT_LENGTH)));
    expect(post?.text).toBe('👍🏽'.repeat(MAX_TEXT_LENGTH));
    const [cjk] = mapFeed(item('語'.repeat(MAX_TEXT_LENGTH)));
    expect(cjk?.text).toBe('語'.repeat(MAX_TEXT_LENGTH));
  });

  it('GIVEN a body that starts with the title THEN the title is not repeated', () => {
    const [post] = mapFeed(item('Hello world, and more.', '<title>Hello world</title>'));
    expect(post?.text).toBe('Hello world, and more.');
  });

  it('GIVEN relative and unsafe URLs THEN relative ones resolve against the item and unsafe ones are dropped', () => {
    const body = esc(
      '<p><a href="../about">about</a> <a href="javascript:alert(1)">x</a> <img src="/img/a.png" alt="A"></p>',
    );
    const [post] = mapFeed(item(body));
    expect(post?.permalink).toBe('https://feeds.example/posts/1');
    expect(post?.links).toEqual(['https://feeds.example/about']);
    expect(post?.media).toEqual([{ type: 'image', url: 'https://feeds.example/img/a.png', altText: 'A' }]);
  });

  it('GIVEN categories that are not single words THEN hashtags drop spaces and leave out what cannot be one', () => {
    expect(hashtagsFrom(['Machine Learning', '#News', 'C#', ' ', 'news', 'Ünïcode'])).toEqual([
      'machinelearning',
      'news',
      'ünïcode',
    ]);
  });

  it('GIVEN every fixture THEN every post is a valid SocialPost', () => {
    const files = [
      'rss2-spec-sample.xml',
      'guardian.rss.xml',
      'medium-content-encoded.xml',
      'heise.atom.xml',
    ];
    const all = [
      ...files.flatMap((file) => mapFeed(fixture(file))),
      ...mapFeed(fixture('mastodon-account.rss.xml')),
      ...mapFeed(fixture('qq-news-gb2312.xml')),
      ...mapFeed(fixture('youtube-channel.xml')),
      ...mapFeed(fixture('reddit-subreddit.xml')),
    ];
    expect(all).toHaveLength(4 + 2 + 2 + 3 + 4 + 4 + 3 + 4);
    for (const post of all) expect(socialPostSchema.parse(post)).toEqual(post);
  });
});

function esc(html: string): string {
  return html.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
