/**
 * From the bytes a feed URL answered to a `FeedDocument`: pick the character set (BOM, then the HTTP
 * charset, then the XML declaration, as RFC 7303 orders them), tell a feed from a web page, parse
 * with feedsmith, check the shape with zod, and normalise. Anything that is not a feed becomes a
 * bad-request naming the host and what was found instead, and a web page that advertises its feed
 * says which URL to use.
 */
import { TextDecoder } from 'node:util';
import { DetectError, parseFeed } from 'feedsmith';
import { ZodError, type z } from 'zod';
import type { ProviderError } from '../../core/errors.js';
import { feedError } from './errors.js';
import { findAdvertisedFeeds } from './html.js';
import { fromAtom, fromJson, fromRdf, fromRss, type FeedDocument } from './normalize.js';
import { atomFeedSchema, jsonFeedSchema, rdfFeedSchema, rssFeedSchema } from './schemas.js';

export interface FeedBody {
  readonly raw: Uint8Array;
  readonly contentType?: string | undefined;
  /** The URL that answered, after redirects: the base for relative links. */
  readonly url: string;
}

const BOMS: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['utf-8', [0xef, 0xbb, 0xbf]],
  ['utf-16le', [0xff, 0xfe]],
  ['utf-16be', [0xfe, 0xff]],
];

function charsetOf(raw: Uint8Array, contentType: string | undefined): string {
  for (const [label, bytes] of BOMS) {
    if (bytes.every((byte, i) => raw[i] === byte)) return label;
  }
  const fromHeader = /;\s*charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (fromHeader) return fromHeader;
  const head = new TextDecoder('latin1').decode(raw.subarray(0, 256));
  return /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1] ?? 'utf-8';
}

/** The body as text in its declared character set (GB2312, ISO-8859-1, …), UTF-8 when unknown. */
export function decodeBody(raw: Uint8Array, contentType: string | undefined): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charsetOf(raw, contentType));
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(raw);
}

type Sniffed = { kind: 'empty' } | { kind: 'json' } | { kind: 'markup'; root: string | undefined };

// RSS 2.0 / 0.9x, Atom, RDF (RSS 1.0): a page labelled text/html with one of these roots is still a feed.
const FEED_ROOTS: ReadonlySet<string> = new Set(['rss', 'feed', 'rdf:rdf', 'rdf']);

const PROLOG = /^\s*(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)/i;

/** What the body looks like, from its first element: enough to tell a feed from a web page. */
function sniff(text: string): Sniffed {
  let rest = text.replace(/^\uFEFF/, '');
  if (rest.trim() === '') return { kind: 'empty' };
  if (/^\s*[[{]/.test(rest)) return { kind: 'json' };
  for (let match = PROLOG.exec(rest); match; match = PROLOG.exec(rest)) rest = rest.slice(match[0].length);
  return { kind: 'markup', root: /^\s*<([A-Za-z][\w:.-]*)/.exec(rest)?.[1]?.toLowerCase() };
}

// Servers label feeds every which way (text/plain, octet-stream); only types that cannot be a feed are refused.
function acceptsType(mediaType: string): boolean {
  return (
    mediaType === '' ||
    mediaType.includes('xml') ||
    mediaType.includes('json') ||
    mediaType.startsWith('text/') ||
    mediaType.endsWith('/octet-stream')
  );
}

function webPageError(html: string, body: FeedBody, host: string): ProviderError {
  const feeds = findAdvertisedFeeds(html).flatMap((feed) => {
    try {
      return [new URL(feed.href, body.url).toString()];
    } catch {
      return [];
    }
  });
  const first = feeds[0];
  if (first === undefined) {
    return feedError(`${host} sent a web page (HTML), not a feed, and the page names no feed`, {
      hint: 'Open the site, find its RSS or Atom link (often /feed or /rss.xml), and add that URL.',
    });
  }
  const others = feeds.length > 1 ? ` (it also lists ${feeds.slice(1).join(', ')})` : '';
  return feedError(
    `${host} sent a web page (HTML), not a feed; the page points to its feed at ${first}${others}`,
    {
      hint: `Add ${first} instead of the page's address.`,
    },
  );
}

function parseJson(text: string, host: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw feedError(`${host} sent JSON that does not parse`, { cause });
  }
}

function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  try {
    return schema.parse(value);
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    const issue = err.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw feedError(`unexpected feed structure at ${path}: ${issue?.message ?? 'invalid'}`, { cause: err });
  }
}

// The most common way a real feed is not well-formed XML: a bare "&" in a title or URL.
const BARE_AMPERSAND = /&(?!(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[\dA-Fa-f]+);)/g;

function detect(input: unknown): ReturnType<typeof parseFeed> {
  try {
    return parseFeed(input);
  } catch (err) {
    const repaired = typeof input === 'string' ? input.replace(BARE_AMPERSAND, '&amp;') : input;
    if (err instanceof DetectError || repaired === input) throw err;
    return parseFeed(repaired);
  }
}

function parseWith(input: unknown, host: string, found: string): FeedDocument {
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = detect(input);
  } catch (cause) {
    if (cause instanceof DetectError) {
      throw feedError(`${host} sent ${found}, not an RSS, Atom, RDF or JSON feed`, {
        cause,
        hint: 'Check that the URL is the feed itself (it usually ends in /feed, .rss, .xml or .atom).',
      });
    }
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw feedError(
      `${host} sent ${found} that does not parse (${reason}): it is cut short or not well-formed`,
      {
        cause,
        hint: 'The feed is broken at its source; Herald will read it again once the site fixes it.',
      },
    );
  }
  switch (parsed.format) {
    case 'rss':
      return fromRss(validate(rssFeedSchema, parsed.feed));
    case 'atom':
      return fromAtom(validate(atomFeedSchema, parsed.feed));
    case 'rdf':
      return fromRdf(validate(rdfFeedSchema, parsed.feed));
    case 'json':
      return fromJson(validate(jsonFeedSchema, parsed.feed));
  }
}

/** Parse what a feed URL answered; throws a bad-request ProviderError when it is not a feed. */
export function readFeedDocument(body: FeedBody): FeedDocument {
  const host = new URL(body.url).host;
  const mediaType = (body.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!acceptsType(mediaType)) throw feedError(`${host} sent ${mediaType}, not a feed`);
  const text = decodeBody(body.raw, body.contentType);
  const sniffed = sniff(text);
  if (sniffed.kind === 'empty') throw feedError(`${host} sent an empty body, not a feed`);
  if (sniffed.kind === 'json') return parseWith(parseJson(text, host), host, 'JSON');
  const feedRoot = sniffed.root !== undefined && FEED_ROOTS.has(sniffed.root);
  if (sniffed.root === 'html' || (mediaType === 'text/html' && !feedRoot))
    throw webPageError(text, body, host);
  const found =
    sniffed.root === undefined ? 'something that is not XML' : `a document whose root is <${sniffed.root}>`;
  return parseWith(text, host, found);
}
