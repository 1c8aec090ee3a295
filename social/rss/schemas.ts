/**
 * The parts of a parsed feed Herald reads, as zod schemas over feedsmith's output (RSS 2.0, Atom 1.0,
 * RDF and JSON Feed, with the media:, yt:, dc:, content: and itunes: namespaces). feedsmith already
 * turns XML into objects; these schemas pin the shape we rely on, so a library upgrade that changes it
 * becomes a clear error naming the path instead of a crash deep in the mapper. Everything is optional:
 * real feeds omit almost any element, and an odd value in a detail we only display must not reject
 * the whole feed.
 *
 * @see https://feedsmith.dev/reference/feeds/rss
 * @see https://www.rssboard.org/media-rss
 */
import { z } from 'zod';

/** A number we show but never depend on: a wrong type is dropped, not fatal. */
const detail = z.number().optional().catch(undefined);
const text = z.string().optional();
const list = <T extends z.ZodType>(item: T) => z.array(item).optional();

const mediaText = z.object({ value: text }).optional();

const mediaThumbnail = z.object({ url: text, width: detail, height: detail });

const mediaContent = z.object({
  url: text,
  type: text,
  medium: text,
  fileSize: detail,
  width: detail,
  height: detail,
  duration: detail,
  title: mediaText,
  description: mediaText,
  thumbnails: list(mediaThumbnail),
});

// YouTube's `media:community`: `starRating@count` is the like count, `statistics@views` the views.
const mediaCommunity = z
  .object({
    starRating: z.object({ count: detail }).optional(),
    statistics: z.object({ views: detail }).optional(),
  })
  .optional();

const mediaGroup = z.object({
  title: mediaText,
  description: mediaText,
  thumbnails: list(mediaThumbnail),
  contents: list(mediaContent),
  community: mediaCommunity,
});

const media = mediaGroup.extend({ groups: list(mediaGroup) }).optional();

const dublinCore = z
  .object({ creators: list(z.string()), dates: list(z.string()), languages: list(z.string()) })
  .optional();

const rssItem = z.object({
  title: text,
  link: text,
  description: text,
  authors: list(z.object({ name: text, email: text })),
  categories: list(z.object({ name: text })),
  enclosures: list(z.object({ url: text, type: text, length: detail })),
  guid: z.object({ value: text }).optional(),
  pubDate: text,
  dc: dublinCore,
  content: z.object({ encoded: text }).optional(),
  media,
  itunes: z.object({ image: text, author: text }).optional(),
});

export const rssFeedSchema = z.object({
  title: text,
  link: text,
  description: text,
  language: text,
  image: z.object({ url: text }).optional(),
  itunes: z.object({ image: text, author: text }).optional(),
  dc: dublinCore,
  items: list(rssItem),
});

const atomText = z.object({ value: text, type: text }).optional();
const atomPerson = z.object({ name: text, uri: text, email: text });
const atomLink = z.object({ href: text, rel: text, type: text, length: detail });

const atomEntry = z.object({
  id: text,
  title: atomText,
  links: list(atomLink),
  published: text,
  updated: text,
  summary: atomText,
  content: atomText,
  authors: list(atomPerson),
  categories: list(z.object({ term: text, label: text })),
  media,
  yt: z.object({ videoId: text, channelId: text }).optional(),
  dc: dublinCore,
});

export const atomFeedSchema = z.object({
  id: text,
  title: atomText,
  subtitle: atomText,
  links: list(atomLink),
  icon: text,
  logo: text,
  authors: list(atomPerson),
  categories: list(z.object({ term: text, label: text })),
  yt: z.object({ channelId: text, playlistId: text }).optional(),
  entries: list(atomEntry),
});

const rdfItem = z.object({
  title: text,
  link: text,
  description: text,
  rdf: z.object({ about: text }).optional(),
  dc: dublinCore,
  content: z.object({ encoded: text }).optional(),
  media,
});

export const rdfFeedSchema = z.object({
  title: text,
  link: text,
  description: text,
  image: z.object({ url: text }).optional(),
  items: list(rdfItem),
});

const jsonAuthor = z.object({ name: text, url: text, avatar: text });

const jsonItem = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  url: text,
  external_url: text,
  title: text,
  content_html: text,
  content_text: text,
  summary: text,
  image: text,
  date_published: text,
  date_modified: text,
  tags: list(z.string()),
  authors: list(jsonAuthor),
  attachments: list(z.object({ url: text, mime_type: text, size_in_bytes: detail })),
});

export const jsonFeedSchema = z.object({
  title: text,
  language: text,
  home_page_url: text,
  icon: text,
  favicon: text,
  authors: list(jsonAuthor),
  items: list(jsonItem),
});

export type RssFeedPayload = z.infer<typeof rssFeedSchema>;
export type AtomFeedPayload = z.infer<typeof atomFeedSchema>;
export type RdfFeedPayload = z.infer<typeof rdfFeedSchema>;
export type JsonFeedPayload = z.infer<typeof jsonFeedSchema>;
export type MediaPayload = z.infer<typeof media>;
export type MediaContentPayload = z.infer<typeof mediaContent>;

/**
 * The provider's cursor (Cursor values are scalars only). `seen` is a space-separated list of short
 * hashes of the item ids already returned, newest first; `avatar` is the YouTube channel's picture,
 * looked up once ('' when there is none).
 */
export const rssCursorSchema = z.object({
  etag: z.string().nullable().catch(null),
  lastModified: z.string().nullable().catch(null),
  newest: z.iso.datetime({ offset: true }).nullable().catch(null),
  seen: z.string().catch(''),
  avatar: z.string().optional().catch(undefined),
});

export type RssCursorState = z.infer<typeof rssCursorSchema>;
