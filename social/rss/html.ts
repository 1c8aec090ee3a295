/**
 * HTML from feeds and web pages, read with html-to-text (htmlparser2 underneath): item bodies become
 * plain text while their images and links are collected on the way, and web pages are searched for
 * the feed they advertise or the picture they share. No hand-written markup parsing.
 */
import { compile, type DomNode, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';

export interface HtmlImage {
  readonly src: string;
  readonly alt?: string | undefined;
  readonly width?: number | undefined;
  readonly height?: number | undefined;
}

export interface HtmlDigest {
  readonly text: string;
  readonly images: readonly HtmlImage[];
  readonly links: readonly string[];
}

/** A `<link rel="alternate">` a web page uses to advertise its feed. */
export interface AdvertisedFeed {
  readonly href: string;
  readonly type: string;
  readonly title?: string | undefined;
}

type Attributes = Readonly<Record<string, string | undefined>>;

interface Collector {
  images: HtmlImage[];
  links: string[];
  tags: Attributes[];
}

const newCollector = (): Collector => ({ images: [], links: [], tags: [] });

// html-to-text hands each call's metadata to formatters as `builder.metadata`; @types/html-to-text
// leaves that argument out, so these two casts restore it.
type Converter = (html: string, metadata: Collector) => string;
const compileWithMetadata = (options: HtmlToTextOptions) => compile(options) as unknown as Converter;
const collectorOf = (builder: unknown): Collector => (builder as { metadata: Collector }).metadata;

const size = (value: string | undefined): number | undefined => {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : undefined;
};

const collectImage: FormatCallback = (elem, _walk, builder) => {
  const attribs = (elem.attribs ?? {}) as Attributes;
  const src = attribs.src?.trim();
  const collector = collectorOf(builder);
  if (src) {
    collector.images.push({
      src,
      alt: attribs.alt,
      width: size(attribs.width),
      height: size(attribs.height),
    });
  }
};

function textOf(node: DomNode): string {
  return node.type === 'text' ? (node.data ?? '') : node.children.map(textOf).join('');
}

// Keep the anchor's words in the text (no "[url]" noise); the URL goes to `links`, unless the anchor
// is a #hashtag or @mention (Mastodon and most blogs link those to their own pages).
const collectLink: FormatCallback = (elem, walk, builder) => {
  const href = ((elem.attribs ?? {}) as Attributes).href?.trim();
  if (href && !/^\s*[#@＃]/u.test(textOf(elem))) collectorOf(builder).links.push(href);
  walk(elem.children, builder);
};

const collectTag: FormatCallback = (elem, _walk, builder) => {
  collectorOf(builder).tags.push((elem.attribs ?? {}) as Attributes);
};

const TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'img', format: 'collectImage' },
    { selector: 'a', format: 'collectLink' },
    { selector: 'hr', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'ul', options: { itemPrefix: '• ' } },
  ],
  formatters: { collectImage, collectLink },
};

const bodyText = compileWithMetadata(TEXT_OPTIONS);

// A Reddit item's own words sit in <div class="md">; the rest is the "submitted by … [link] [comments]" footer.
const redditText = compileWithMetadata({
  ...TEXT_OPTIONS,
  baseElements: { selectors: ['div.md'], returnDomByDefault: false },
});

const pageTags = compileWithMetadata({
  wordwrap: false,
  baseElements: {
    selectors: [
      'link[rel~="alternate"]',
      'meta[property="og:image"]',
      'meta[name="twitter:image"]',
      'link[rel~="image_src"]',
    ],
    returnDomByDefault: false,
    orderBy: 'occurrence',
  },
  selectors: [
    { selector: 'link', format: 'collectTag' },
    { selector: 'meta', format: 'collectTag' },
  ],
  formatters: { collectTag },
});

// Counters and tracking pixels are images too; a 1×1 picture is never worth showing.
const isPixel = (image: HtmlImage) => (image.width ?? 2) <= 1 || (image.height ?? 2) <= 1;

// The text is cut at a few thousand characters anyway; a multi-megabyte item must not stall a poll.
const MAX_HTML_LENGTH = 500_000;

function digest(convert: Converter, html: string): HtmlDigest {
  const collector = newCollector();
  const text = convert(html.slice(0, MAX_HTML_LENGTH), collector).trim();
  return { text, images: collector.images.filter((image) => !isPixel(image)), links: collector.links };
}

/** Plain text of an HTML fragment, with its images and link targets. */
export function digestHtml(html: string): HtmlDigest {
  return digest(bodyText, html);
}

/** The self-text of a Reddit feed item (empty for link and image posts), with its images and links. */
export function digestRedditHtml(html: string): HtmlDigest {
  return digest(redditText, html);
}

const FEED_TYPES = /^application\/(?:rss|atom|feed|rdf)\+(?:xml|json)$/i;

/** The feeds a web page advertises with `<link rel="alternate" type="application/rss+xml" href>`. */
export function findAdvertisedFeeds(html: string): AdvertisedFeed[] {
  const collector = newCollector();
  pageTags(html, collector);
  return collector.tags.flatMap((tag) => {
    const type = tag.type?.trim() ?? '';
    const href = tag.href?.trim();
    return href && FEED_TYPES.test(type) ? [{ href, type, title: tag.title }] : [];
  });
}

/** The picture a web page shares (Open Graph, Twitter card, or image_src), e.g. a YouTube channel's avatar. */
export function findSharedImage(html: string): string | undefined {
  const collector = newCollector();
  pageTags(html, collector);
  for (const tag of collector.tags) {
    const url = (tag.content ?? (tag.rel?.includes('image_src') ? tag.href : undefined))?.trim();
    if (url) return url;
  }
  return undefined;
}
