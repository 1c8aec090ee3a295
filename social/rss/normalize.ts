/**
 * One shape for the four feed formats: RSS 2.0, Atom 1.0, RDF (RSS 1.0) and JSON Feed each name the
 * same ideas differently (guid / id / rdf:about, pubDate / published / dc:date, enclosure /
 * link rel="enclosure" / attachment). The mappers read only `FeedDocument`, never a format.
 */
import type {
  AtomFeedPayload,
  JsonFeedPayload,
  MediaPayload,
  RdfFeedPayload,
  RssFeedPayload,
} from './schemas.js';

export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json';

/** Text that is either markup or plain, as the feed declared it. */
export interface FeedText {
  readonly value: string;
  readonly html: boolean;
}

export interface FeedPerson {
  readonly name?: string | undefined;
  readonly uri?: string | undefined;
  readonly avatar?: string | undefined;
}

export interface FeedEnclosure {
  readonly url: string;
  readonly type?: string | undefined;
  readonly length?: number | undefined;
}

export interface FeedEntry {
  /** Position in the document, 0 first. */
  readonly position: number;
  /** guid (whatever isPermaLink says), Atom id, rdf:about or JSON Feed id. */
  readonly id?: string | undefined;
  readonly link?: string | undefined;
  readonly title?: FeedText | undefined;
  /** The short form: RSS description, Atom summary. */
  readonly summary?: FeedText | undefined;
  /** The long form: content:encoded, Atom content, JSON content_html. */
  readonly content?: FeedText | undefined;
  /** The raw date string, parsed later (RFC 822, ISO 8601, or worse). */
  readonly published?: string | undefined;
  readonly authors: readonly FeedPerson[];
  readonly categories: readonly string[];
  readonly enclosures: readonly FeedEnclosure[];
  readonly media?: MediaPayload | undefined;
  readonly imageUrl?: string | undefined;
  readonly youtube?:
    { readonly videoId?: string | undefined; readonly channelId?: string | undefined } | undefined;
}

export interface FeedDocument {
  readonly format: FeedFormat;
  readonly id?: string | undefined;
  readonly title?: FeedText | undefined;
  readonly siteUrl?: string | undefined;
  readonly imageUrl?: string | undefined;
  /** As the feed declares it (`en-gb`, `zh-cn`); checked before use. */
  readonly language?: string | undefined;
  readonly author?: FeedPerson | undefined;
  /** Atom feed-level categories; Reddit puts its subreddit here (`label="r/rss"`). */
  readonly categories: readonly { readonly term?: string | undefined; readonly label?: string | undefined }[];
  readonly youtubeChannelId?: string | undefined;
  readonly entries: readonly FeedEntry[];
}

const plain = (value: string | undefined): FeedText | undefined =>
  value === undefined ? undefined : { value, html: false };
const markup = (value: string | undefined): FeedText | undefined =>
  value === undefined ? undefined : { value, html: true };

// RSS 2.0 says title is plain text, yet publishers routinely put escaped markup or entities in it.
const LOOKS_LIKE_HTML = /<\/?[a-z][^>]*>|&(?:[a-z]+|#\d+|#x[\da-f]+);/i;
const sniffed = (value: string | undefined): FeedText | undefined =>
  value === undefined ? undefined : { value, html: LOOKS_LIKE_HTML.test(value) };

// Atom: type="text" (the default) is plain, "html" is escaped markup, "xhtml" inline markup.
function atomText(value: { value?: string | undefined; type?: string | undefined } | undefined) {
  if (value?.value === undefined) return undefined;
  return { value: value.value, html: value.type === 'html' || value.type === 'xhtml' };
}

const nonEmpty = (values: readonly (string | undefined)[]): string[] =>
  values.filter((v): v is string => v !== undefined && v.trim() !== '');

export function fromRss(feed: RssFeedPayload): FeedDocument {
  const entries = (feed.items ?? []).map((item, position): FeedEntry => {
    const names = [...(item.authors ?? []).map((a) => a.name ?? a.email), ...(item.dc?.creators ?? [])];
    return {
      position,
      id: item.guid?.value,
      link: item.link,
      title: sniffed(item.title),
      summary: markup(item.description),
      content: markup(item.content?.encoded),
      published: item.pubDate ?? item.dc?.dates?.[0],
      authors: nonEmpty([...names, item.itunes?.author]).map((name) => ({ name })),
      categories: nonEmpty((item.categories ?? []).map((c) => c.name)),
      enclosures: (item.enclosures ?? []).flatMap((e) =>
        e.url ? [{ url: e.url, type: e.type, length: e.length }] : [],
      ),
      media: item.media,
      imageUrl: item.itunes?.image,
    };
  });
  const author = feed.itunes?.author ?? feed.dc?.creators?.[0];
  return {
    format: 'rss',
    title: sniffed(feed.title),
    siteUrl: feed.link,
    imageUrl: feed.image?.url ?? feed.itunes?.image,
    language: feed.language ?? feed.dc?.languages?.[0],
    author: author === undefined ? undefined : { name: author },
    categories: [],
    entries,
  };
}

type AtomLinks = NonNullable<AtomFeedPayload['links']>;

/** The page a feed or entry points to: rel="alternate", or a link without rel (which means alternate). */
function alternate(links: AtomLinks | undefined): string | undefined {
  const pages = (links ?? []).filter((l) => l.rel === undefined || l.rel === 'alternate');
  return (pages.find((l) => l.type === undefined || l.type.includes('html')) ?? pages[0])?.href;
}

export function fromAtom(feed: AtomFeedPayload): FeedDocument {
  const entries = (feed.entries ?? []).map((entry, position): FeedEntry => ({
    position,
    id: entry.id,
    link: alternate(entry.links),
    title: atomText(entry.title),
    summary: atomText(entry.summary),
    content: atomText(entry.content),
    published: entry.published ?? entry.updated ?? entry.dc?.dates?.[0],
    authors: (entry.authors ?? []).map((a) => ({ name: a.name, uri: a.uri })),
    categories: nonEmpty((entry.categories ?? []).map((c) => c.term ?? c.label)),
    enclosures: (entry.links ?? []).flatMap((l) =>
      l.rel === 'enclosure' && l.href ? [{ url: l.href, type: l.type, length: l.length }] : [],
    ),
    media: entry.media,
    youtube: entry.yt,
  }));
  const author = feed.authors?.[0];
  return {
    format: 'atom',
    id: feed.id,
    title: atomText(feed.title),
    siteUrl: alternate(feed.links),
    imageUrl: feed.logo ?? feed.icon,
    author: author && { name: author.name, uri: author.uri },
    categories: feed.categories ?? [],
    youtubeChannelId: feed.yt?.channelId,
    entries,
  };
}

export function fromRdf(feed: RdfFeedPayload): FeedDocument {
  const entries = (feed.items ?? []).map((item, position): FeedEntry => ({
    position,
    id: item.rdf?.about,
    link: item.link,
    title: sniffed(item.title),
    summary: markup(item.description),
    content: markup(item.content?.encoded),
    published: item.dc?.dates?.[0],
    authors: nonEmpty(item.dc?.creators ?? []).map((name) => ({ name })),
    categories: [],
    enclosures: [],
    media: item.media,
  }));
  return {
    format: 'rdf',
    title: sniffed(feed.title),
    siteUrl: feed.link,
    imageUrl: feed.image?.url,
    categories: [],
    entries,
  };
}

export function fromJson(feed: JsonFeedPayload): FeedDocument {
  const entries = (feed.items ?? []).map((item, position): FeedEntry => ({
    position,
    id: item.id === undefined ? undefined : String(item.id),
    link: item.url ?? item.external_url,
    title: plain(item.title),
    summary: plain(item.summary),
    content: markup(item.content_html) ?? plain(item.content_text),
    published: item.date_published ?? item.date_modified,
    authors: (item.authors ?? []).map((a) => ({ name: a.name, uri: a.url, avatar: a.avatar })),
    categories: nonEmpty(item.tags ?? []),
    enclosures: (item.attachments ?? []).flatMap((a) =>
      a.url ? [{ url: a.url, type: a.mime_type, length: a.size_in_bytes }] : [],
    ),
    imageUrl: item.image,
  }));
  const author = feed.authors?.[0];
  return {
    format: 'json',
    title: plain(feed.title),
    siteUrl: feed.home_page_url,
    imageUrl: feed.icon ?? feed.favicon,
    language: feed.language,
    author: author && { name: author.name, uri: author.url, avatar: author.avatar },
    categories: [],
    entries,
  };
}
