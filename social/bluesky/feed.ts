/**
 * Reading an account's posts (`app.bsky.feed.getAuthorFeed`) and refreshing their metrics
 * (`app.bsky.feed.getPosts`) through the account's PDS, which proxies them to the AppView.
 *
 * The author feed pages backwards in time, newest first, and its `cursor` only goes further back. So the
 * Herald cursor remembers the newest item seen; a poll reads from the top until it meets that item (or
 * anything older), over a bounded number of pages.
 */
import { z } from 'zod';
import type { SocialPost, SocialPostMetrics } from '../../core/social-post.js';
import type { AccountRef, Cursor, FetchResult } from '../provider.js';
import { classified } from './errors.js';
import { endpointOf, sessionOf, xrpcUrl, type AccountSession, type BlueskyContext } from './context.js';
import { mapFeedItem, metricsOf, parseAtUri, repostId } from './map.js';
import { REASON, authorFeedSchema, getPostsSchema, type FeedViewPost } from './schemas.js';

const GET_AUTHOR_FEED = endpointOf('GET', 'app.bsky.feed.getAuthorFeed');
const GET_POSTS = endpointOf('GET', 'app.bsky.feed.getPosts');
/** `app.bsky.feed.getPosts` takes at most 25 URIs. */
const POSTS_PER_CALL = 25;

/**
 * The Herald cursor: the newest feed item seen (a post URI, or a repost's) and its place in the feed's
 * order. The place matters when that item has since been deleted: anything older is not new.
 */
const cursorSchema = z.object({ newestUri: z.string().min(1), newestAt: z.iso.datetime({ offset: true }) });
type Marker = z.infer<typeof cursorSchema>;

function parseCursor(cursor: Cursor | null): Marker | undefined {
  // A cursor of another shape (an older Herald) starts over from the latest page instead of failing.
  const parsed = cursorSchema.safeParse(cursor);
  return parsed.success ? parsed.data : undefined;
}

function time(value: string): number {
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? Number.POSITIVE_INFINITY : parsed;
}

/** Where the AppView sorts an item: a repost when it was made, a post at the earlier of its two dates. */
function sortTime(item: FeedViewPost): number {
  const reason = item.reason;
  if (reason?.$type === REASON.repost) return time(reason.indexedAt);
  return Math.min(time(item.post.record.createdAt), time(item.post.indexedAt));
}

async function authorFeedPage(ctx: BlueskyContext, session: AccountSession, pageCursor: string | undefined) {
  return classified('call', GET_AUTHOR_FEED, async () => {
    const response = await ctx.http.request({
      url: xrpcUrl(session.pds, 'app.bsky.feed.getAuthorFeed'),
      endpoint: GET_AUTHOR_FEED,
      query: { actor: session.did, limit: ctx.pageSize, filter: 'posts_with_replies', cursor: pageCursor },
      bearer: session.accessToken,
      untrusted: true,
      schema: authorFeedSchema,
    });
    return response.data;
  });
}

interface Scan {
  readonly items: FeedViewPost[];
  readonly newest?: { readonly uri: string; readonly at: number };
}

/** The items newer than `marker` (the whole first page without one), newest first. */
async function scanFeed(
  ctx: BlueskyContext,
  session: AccountSession,
  marker: Marker | undefined,
): Promise<Scan> {
  const items: FeedViewPost[] = [];
  let newest: Scan['newest'];
  let pageCursor: string | undefined;
  const pages = marker ? ctx.maxPages : 1;
  for (let page = 0; page < pages; page++) {
    const data = await authorFeedPage(ctx, session, pageCursor);
    for (const item of data.feed) {
      // A pinned post sits on top whatever its age; it also appears at its own place in the feed.
      if (item.reason?.$type === REASON.pin) continue;
      const uri = repostId(item);
      const at = sortTime(item);
      newest ??= { uri, at };
      if (marker && (uri === marker.newestUri || at < time(marker.newestAt))) return { items, newest };
      items.push(item);
    }
    if (!data.cursor || data.feed.length === 0) break;
    pageCursor = data.cursor;
  }
  return { items, newest };
}

function nextCursor(newest: Scan['newest'], marker: Marker | undefined): Cursor | null {
  if (!newest || !Number.isFinite(newest.at)) return marker ?? null;
  // Never move back: the newest item left may be older than the one remembered (it was deleted).
  if (marker && newest.at < time(marker.newestAt)) return marker;
  return { newestUri: newest.uri, newestAt: new Date(newest.at).toISOString() };
}

/** Posts newer than the cursor (the latest page on the first call), and the cursor for next time. */
export async function fetchPosts(
  ctx: BlueskyContext,
  account: AccountRef,
  cursor: Cursor | null,
): Promise<FetchResult> {
  const session = sessionOf(account, ctx, GET_AUTHOR_FEED);
  const marker = parseCursor(cursor);
  const { items, newest } = await scanFeed(ctx, session, marker);
  const posts = await classified('call', GET_AUTHOR_FEED, async () =>
    items.map(mapFeedItem).filter((post): post is SocialPost => post !== undefined),
  );
  return { posts, next: nextCursor(newest, marker) };
}

/** Current likes, reposts, replies and quotes of posts already seen, 25 URIs per call. */
export async function fetchMetrics(
  ctx: BlueskyContext,
  account: AccountRef,
  ids: readonly string[],
): Promise<ReadonlyMap<string, SocialPostMetrics>> {
  const session = sessionOf(account, ctx, GET_POSTS);
  // Only post records have metrics; a repost's id names the repost record.
  const uris = [...new Set(ids)].filter((id) => parseAtUri(id)?.collection === 'app.bsky.feed.post');
  const metrics = new Map<string, SocialPostMetrics>();
  for (let start = 0; start < uris.length; start += POSTS_PER_CALL) {
    const url = new URL(xrpcUrl(session.pds, 'app.bsky.feed.getPosts'));
    // `uris` repeats, which the client's `query` (one value per name) cannot express.
    for (const uri of uris.slice(start, start + POSTS_PER_CALL)) url.searchParams.append('uris', uri);
    const data = await classified('call', GET_POSTS, async () => {
      const response = await ctx.http.request({
        url,
        endpoint: GET_POSTS,
        bearer: session.accessToken,
        untrusted: true,
        schema: getPostsSchema,
      });
      return response.data;
    });
    for (const post of data.posts) metrics.set(post.uri, metricsOf(post));
  }
  return metrics;
}
