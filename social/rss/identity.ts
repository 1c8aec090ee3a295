/**
 * Which platform a feed belongs to, how its items are identified, when they were published, and
 * which of their URLs are safe to hand on. Pure functions over a `FeedDocument`.
 */
import { createHash } from 'node:crypto';
import type { FeedDocument, FeedEntry } from './normalize.js';

/** The platform whose posts a feed carries: YouTube channel feeds and Reddit listings are recognised. */
export type FeedPlatform = 'rss' | 'youtube' | 'reddit';

// Reddit "things": t1_ comment, t3_ link (post), t5_ subreddit …, base-36 ids.
const REDDIT_THING = /^t[1-6]_[a-z0-9]+$/i;

function isRedditHost(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    const host = new URL(url).hostname;
    return host === 'reddit.com' || host.endsWith('.reddit.com');
  } catch {
    return false;
  }
}

/** Recognise a feed by its content, not its URL, so mirrors and test servers behave like the real hosts. */
export function recognizePlatform(doc: FeedDocument): FeedPlatform {
  if (doc.format !== 'atom') return 'rss';
  const youtube =
    doc.youtubeChannelId !== undefined ||
    doc.id?.startsWith('yt:channel:') === true ||
    doc.entries.some((entry) => entry.youtube?.videoId !== undefined);
  if (youtube) return 'youtube';
  const things = doc.entries.length > 0 && doc.entries.every((entry) => REDDIT_THING.test(entry.id ?? ''));
  return things || isRedditHost(doc.siteUrl) ? 'reddit' : 'rss';
}

const trimmed = (value: string | undefined): string | undefined => {
  const result = value?.trim();
  return result ? result : undefined;
};

/**
 * The item's stable id: YouTube's video id, Reddit's fullname (t3_…), else guid (even when
 * isPermaLink="false") or Atom id, else the link, else a hash of title and body. Undefined for an
 * item with nothing to identify it by (nor anything to show).
 */
export function entryId(entry: FeedEntry, platform: FeedPlatform): string | undefined {
  if (platform === 'youtube') {
    const video = trimmed(entry.youtube?.videoId) ?? trimmed(entry.id)?.replace(/^yt:video:/, '');
    if (video) return video;
  }
  const id = trimmed(entry.id) ?? trimmed(entry.link);
  if (id) return id;
  const fingerprint = [entry.title?.value, entry.summary?.value, entry.content?.value]
    .filter(Boolean)
    .join('\n');
  if (fingerprint.trim() === '') return undefined;
  return `sha256:${createHash('sha256').update(fingerprint).digest('hex')}`;
}

const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);

/**
 * A feed date as a Date: RFC 822 (`Tue, 10 Jun 2003 04:00:00 GMT`), ISO 8601, and the common slips
 * of both. A date without a time zone is read as UTC, not as this server's local time, so results do
 * not depend on where Herald runs.
 */
export function parseFeedDate(raw: string | undefined): Date | undefined {
  let value = raw?.trim();
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(value))
    value = `${value.replace(' ', 'T')}Z`;
  else if (/\d{1,2}:\d{2}(?::\d{2})?$/.test(value) && !/^\d{4}-/.test(value)) value = `${value} GMT`;
  const time = Date.parse(value);
  return Number.isNaN(time) || time < EARLIEST || time > LATEST ? undefined : new Date(time);
}

/** An absolute http(s) URL for `value` resolved against `base`, or undefined (javascript:, data:, junk). */
export function webUrl(value: string | undefined, base?: string): string | undefined {
  const candidate = value?.trim();
  if (!candidate) return undefined;
  try {
    const url = new URL(candidate, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
