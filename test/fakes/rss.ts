/**
 * A loopback feed host: serves the feeds a test adds, YouTube channel feeds on YouTube's real path
 * (`/feeds/videos.xml?channel_id=…`, with the channel page at `/channel/:id`), and Reddit listings on
 * Reddit's (`/r/:sub/.rss`, `/user/:name/submitted/.rss`). It speaks HTTP as feed servers do: a strong
 * ETag and Last-Modified on every feed, 304 for a matching If-None-Match (or, without one, an
 * If-Modified-Since not older than the last change), and Reddit's X-Ratelimit-* trio on Reddit
 * paths. Feeds have no rate-limit headers of their own: a 429 carries Retry-After.
 *
 * YouTube and Reddit documents follow captures of the real feeds (see test/fixtures/rss/README.md).
 */
import { createHash } from 'node:crypto';
import { startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from './fake-server.js';

export interface FakeFeed {
  readonly body: string | Buffer;
  /** Default `application/rss+xml; charset=utf-8`. */
  readonly contentType?: string;
  /** Override the validators; null leaves the header out (Reddit sends neither). */
  readonly etag?: string | null;
  readonly lastModified?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  readonly status?: number;
}

export interface FakeYoutubeVideo {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  /** ISO 8601. */
  readonly published: string;
  readonly views?: number;
  readonly likes?: number;
}

export interface FakeYoutubeChannel {
  readonly id: string;
  readonly title: string;
  /** Shown as og:image on the channel page; absent means the page has none. */
  readonly avatarUrl?: string;
  readonly videos?: readonly FakeYoutubeVideo[];
}

export interface FakeRedditPost {
  /** Base-36 id without the t3_ prefix. */
  readonly id: string;
  readonly title: string;
  /** null: a deleted account (the entry has no <author>). */
  readonly author: string | null;
  readonly published: string;
  /** Self-text paragraphs (a text post). */
  readonly selfText?: readonly string[];
  /** Where "[link]" points (a link or image post). */
  readonly linkUrl?: string;
  readonly thumbnailUrl?: string;
}

export interface RssFake extends FakeServer {
  /** Serve `feed` at `path` (replacing what was there); returns its URL. */
  setFeed(path: string, feed: FakeFeed): string;
  /** Serve a web page (HTML) at `path`; returns its URL. */
  setPage(path: string, html: string): string;
  /** Serve a channel's feed and page; returns the feed URL. */
  setYoutubeChannel(channel: FakeYoutubeChannel): string;
  addYoutubeVideo(channelId: string, video: FakeYoutubeVideo): void;
  /** Serve r/<name>'s listing; returns its URL. */
  setSubreddit(name: string, posts: readonly FakeRedditPost[], title?: string): string;
  addRedditPost(subreddit: string, post: FakeRedditPost): void;
  /** Serve /user/<name>/submitted/.rss; returns its URL. */
  setRedditUser(name: string, posts: readonly FakeRedditPost[]): string;
  /** Requests made for feed paths (not channel pages), in order. */
  feedRequests(): RecordedRequest[];
  /** The next request is refused as a private feed's server refuses it: 401 with WWW-Authenticate. */
  expireToken(): void;
  /** The next request gets 429 with `Retry-After: resetInSeconds` (Reddit paths: its X-Ratelimit-* headers instead). */
  rateLimit(resetInSeconds: number, options?: { reddit?: boolean }): void;
  /** The next request gets `status` (default 500) with an HTML error page, as web servers send. */
  serverError(status?: number, headers?: Readonly<Record<string, string>>): void;
  /** The next request is answered after `ms`. */
  slow(ms: number): void;
  /** The next request gets 200, an XML content type, and a body that is not a feed. */
  malformed(body?: string): void;
}

export const esc = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function youtubeFeed(channel: FakeYoutubeChannel, all: readonly FakeYoutubeVideo[]): string {
  // YouTube's channel feed lists the latest 15 videos only.
  const videos = all.slice(0, 15);
  const channelUrl = `https://www.youtube.com/channel/${channel.id}`;
  const author = `<author><name>${esc(channel.title)}</name><uri>${channelUrl}</uri></author>`;
  const entries = videos.map((video) => {
    const community =
      video.likes === undefined && video.views === undefined
        ? ''
        : `<media:community>${video.likes === undefined ? '' : `<media:starRating count="${video.likes}" average="5.00" min="1" max="5"/>`}` +
          `${video.views === undefined ? '' : `<media:statistics views="${video.views}"/>`}</media:community>`;
    return (
      ` <entry>\n  <id>yt:video:${video.id}</id>\n  <yt:videoId>${video.id}</yt:videoId>\n  <yt:channelId>${channel.id}</yt:channelId>\n` +
      `  <title>${esc(video.title)}</title>\n  <link rel="alternate" href="https://www.youtube.com/watch?v=${video.id}"/>\n  ${author}\n` +
      `  <published>${video.published}</published>\n  <updated>${video.published}</updated>\n  <media:group>\n` +
      `   <media:title>${esc(video.title)}</media:title>\n` +
      `   <media:content url="https://www.youtube.com/v/${video.id}?version=3" type="application/x-shockwave-flash" width="640" height="390"/>\n` +
      `   <media:thumbnail url="https://i1.ytimg.com/vi/${video.id}/hqdefault.jpg" width="480" height="360"/>\n` +
      `   <media:description>${esc(video.description ?? '')}</media:description>\n   ${community}\n  </media:group>\n </entry>\n`
    );
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">\n' +
    ` <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=${channel.id}"/>\n <id>yt:channel:${channel.id}</id>\n` +
    ` <yt:channelId>${channel.id}</yt:channelId>\n <title>${esc(channel.title)}</title>\n <link rel="alternate" href="${channelUrl}"/>\n` +
    ` ${author}\n <published>2012-11-14T09:11:23+00:00</published>\n${entries.join('')}</feed>\n`
  );
}

function redditContent(post: FakeRedditPost, subreddit: string): string {
  const permalink = `https://www.reddit.com/r/${subreddit}/comments/${post.id}/`;
  const self = post.selfText
    ? `<!-- SC_OFF --><div class="md">${post.selfText.map((p) => `<p>${esc(p)}</p>`).join(' ')}</div><!-- SC_ON --> `
    : '';
  const picture = post.thumbnailUrl
    ? `<table> <tr><td> <a href="${permalink}"> <img src="${esc(post.thumbnailUrl)}" alt="${esc(post.title)}" title="${esc(post.title)}" /> </a> </td><td> `
    : '';
  const by =
    post.author === null
      ? '[deleted]'
      : `<a href="https://www.reddit.com/user/${post.author}"> /u/${post.author} </a>`;
  return (
    `${self}${picture}&#32; submitted by &#32; ${by} &#32; to &#32; <a href="https://www.reddit.com/r/${subreddit}/"> r/${subreddit} </a> <br/> ` +
    `<span><a href="${esc(post.linkUrl ?? permalink)}">[link]</a></span> &#32; <span><a href="${permalink}">[comments]</a></span>` +
    (picture ? ' </td></tr></table>' : '')
  );
}

function redditFeed(
  path: string,
  title: string,
  subreddit: string | undefined,
  posts: readonly FakeRedditPost[],
): string {
  const entries = posts.map((post) => {
    const sub = subreddit ?? 'test';
    const author =
      post.author === null
        ? ''
        : `<author><name>/u/${post.author}</name><uri>https://www.reddit.com/user/${post.author}</uri></author>`;
    const thumbnail = post.thumbnailUrl ? `<media:thumbnail url="${esc(post.thumbnailUrl)}" />` : '';
    return (
      `<entry>${author}<category term="${sub}" label="r/${sub}"/><content type="html">${esc(redditContent(post, sub))}</content>` +
      `<id>t3_${post.id}</id>${thumbnail}<link href="https://www.reddit.com/r/${sub}/comments/${post.id}/" />` +
      `<updated>${post.published}</updated><published>${post.published}</published><title>${esc(post.title)}</title></entry>`
    );
  });
  const site = `https://www.reddit.com${path.replace(/\.rss$/, '')}`;
  const category = subreddit === undefined ? '' : `<category term="${subreddit}" label="r/${subreddit}"/>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">` +
    `${category}<updated>2026-09-01T12:00:00+00:00</updated><icon>https://www.redditstatic.com/icon.png/</icon><id>${path}</id>` +
    `<link rel="self" href="https://www.reddit.com${path}" type="application/atom+xml" /><link rel="alternate" href="${site}" type="text/html" />` +
    `<subtitle>${esc(title)}</subtitle><title>${esc(title)}</title>${entries.join('')}</feed>`
  );
}

interface Served {
  feed: FakeFeed;
  changedAt: Date;
}

const strongEtag = (body: string | Buffer) =>
  `"${createHash('sha1').update(body).digest('hex').slice(0, 20)}"`;

/** 304 per RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since. */
function notModified(
  request: RecordedRequest,
  etag: string | undefined,
  lastModified: string | undefined,
): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return (
      etag !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
    );
  }
  const since = request.headers['if-modified-since'];
  if (since === undefined || lastModified === undefined) return false;
  return Date.parse(lastModified) <= Date.parse(since);
}

const REDDIT_LIMITS = {
  'x-ratelimit-used': '1',
  'x-ratelimit-remaining': '99.0',
  'x-ratelimit-reset': '420',
};

type FaultHelpers = Pick<RssFake, 'expireToken' | 'rateLimit' | 'serverError' | 'slow' | 'malformed'>;

function faultHelpers(base: FakeServer): FaultHelpers {
  const html = (status: number, headers: Readonly<Record<string, string>>, text: string) =>
    base.injectFault({
      kind: 'reply',
      reply: { status, headers: { 'content-type': 'text/html', ...headers }, text },
    });
  return {
    expireToken: () => html(401, { 'www-authenticate': 'Basic realm="feed"' }, 'Unauthorized'),
    rateLimit(resetInSeconds, options = {}) {
      const reset = String(resetInSeconds);
      const headers: Record<string, string> = options.reddit
        ? { 'x-ratelimit-used': '100', 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': reset }
        : { 'retry-after': reset };
      html(429, headers, '<html><body>Too Many Requests</body></html>');
    },
    serverError: (status = 500, headers = {}) =>
      html(status, headers, `<html><body><h1>${status}</h1></body></html>`),
    slow: (ms) => base.injectFault({ kind: 'slow', delayMs: ms }),
    malformed(
      body = '<?xml version="1.0" encoding="UTF-8"?><error><message>upstream timed out</message></error>',
    ) {
      base.injectFault({ kind: 'malformed', body, contentType: 'application/rss+xml; charset=utf-8' });
    },
  };
}

/** Feeds at fixed paths, answered with validators and 304s. */
function feedStore(base: FakeServer): (path: string, feed: FakeFeed) => string {
  const served = new Map<string, Served>();
  const reply = (path: string, request: RecordedRequest): FakeReply => {
    const entry = served.get(path);
    if (entry === undefined) return { status: 404, text: '', headers: { 'content-type': 'text/html' } };
    const { feed, changedAt } = entry;
    const etag = feed.etag === null ? undefined : (feed.etag ?? strongEtag(feed.body));
    const lastModified =
      feed.lastModified === null ? undefined : (feed.lastModified ?? changedAt.toUTCString());
    const headers: Record<string, string> = {
      ...(path.startsWith('/r/') || path.startsWith('/user/') ? REDDIT_LIMITS : {}),
      ...(etag ? { etag } : {}),
      ...(lastModified ? { 'last-modified': lastModified } : {}),
      ...feed.headers,
    };
    if (notModified(request, etag, lastModified)) return { status: 304, headers };
    headers['content-type'] = feed.contentType ?? 'application/rss+xml; charset=utf-8';
    return { status: feed.status ?? 200, headers, body: Buffer.from(feed.body) };
  };
  return (path, feed) => {
    if (!served.has(path)) base.on('GET', path, (request) => reply(path, request));
    served.set(path, { feed, changedAt: new Date(Math.floor(Date.now() / 1000) * 1000) });
    return `${base.url}${path}`;
  };
}

type Channels = Map<string, { channel: FakeYoutubeChannel; videos: FakeYoutubeVideo[] }>;

/** YouTube's feed path and the channel page the provider reads the avatar from. */
function youtubeRoutes(base: FakeServer, channels: Channels): void {
  base.on('GET', '/feeds/videos.xml', (request): FakeReply => {
    const channel = channels.get(request.query.get('channel_id') ?? '');
    if (channel === undefined) return { status: 404, text: '', headers: { 'content-type': 'text/html' } };
    const body = youtubeFeed(channel.channel, channel.videos);
    const etag = strongEtag(body);
    if (notModified(request, etag, undefined)) return { status: 304, headers: { etag } };
    return {
      headers: { 'content-type': 'application/atom+xml; charset=UTF-8', etag },
      body: Buffer.from(body),
    };
  });
  base.on('GET', '/channel/:id', (_request, params): FakeReply => {
    const channel = channels.get(params.id ?? '')?.channel;
    if (channel === undefined) return { status: 404, text: '' };
    const meta = channel.avatarUrl ? `<meta property="og:image" content="${esc(channel.avatarUrl)}">` : '';
    const title = `<title>${esc(channel.title)} - YouTube</title>`;
    return {
      headers: { 'content-type': 'text/html; charset=utf-8' },
      text: `<!DOCTYPE html><html><head>${title}${meta}</head><body></body></html>`,
    };
  });
}

const ATOM = { contentType: 'application/atom+xml; charset=UTF-8', etag: null, lastModified: null } as const;

export async function startRssFake(): Promise<RssFake> {
  const base = await startFakeServer({
    notFound: {
      status: 404,
      text: '<html><body><h1>404 Not Found</h1></body></html>',
      headers: { 'content-type': 'text/html' },
    },
  });
  const serve = feedStore(base);
  const channels: Channels = new Map();
  const subreddits = new Map<string, { title: string; posts: FakeRedditPost[] }>();
  youtubeRoutes(base, channels);
  const serveSubreddit = (name: string) => {
    const sub = subreddits.get(name);
    const path = `/r/${name}/.rss`;
    return sub
      ? serve(path, { ...ATOM, body: redditFeed(path, sub.title, name, sub.posts) })
      : `${base.url}${path}`;
  };

  return {
    ...base,
    ...faultHelpers(base),
    setFeed: serve,
    setPage: (path, html) =>
      serve(path, { body: html, contentType: 'text/html; charset=utf-8', etag: null, lastModified: null }),
    setYoutubeChannel(channel) {
      channels.set(channel.id, { channel, videos: [...(channel.videos ?? [])] });
      return `${base.url}/feeds/videos.xml?channel_id=${channel.id}`;
    },
    addYoutubeVideo: (channelId, video) => void channels.get(channelId)?.videos.unshift(video),
    setSubreddit(name, posts, title = name) {
      subreddits.set(name, { title, posts: [...posts] });
      return serveSubreddit(name);
    },
    addRedditPost(subreddit, post) {
      subreddits.get(subreddit)?.posts.unshift(post);
      serveSubreddit(subreddit);
    },
    setRedditUser(name, posts) {
      const path = `/user/${name}/submitted/.rss`;
      return serve(path, { ...ATOM, body: redditFeed(path, `submitted by ${name}`, undefined, posts) });
    },
    feedRequests: () => base.requests.filter((request) => !request.path.startsWith('/channel/')),
  };
}
