/**
 * Reading an account's posts (`GET /2/users/:id/tweets`) and refreshing their metrics (`GET /2/tweets`).
 *
 * Cursor: `{ sinceId, gapSinceId?, gapUntilId? }`. The first call (no cursor) reads only the latest
 * page. Later calls read everything newer than `sinceId`, newest first, up to `maxPages` pages; when
 * more is new than that, the unread older range is remembered as a gap and read by the next calls
 * (within the same page budget), so a burst is delayed but never lost.
 * @see https://docs.x.com/x-api/users/get-posts
 */
import type { SocialPost, SocialPostMetrics } from '../../core/social-post.js';
import type { AccountRef, Cursor, FetchResult } from '../provider.js';
import { accessTokenOf, endpointUrl, type XContext } from './context.js';
import { errorsOnlyFailure } from './errors.js';
import { mapMetrics, mapTweets } from './map.js';
import { tweetsResponseSchema, type XIncludes, type XTweet } from './schemas.js';

export const TIMELINE_ENDPOINT = 'GET /2/users/:id/tweets';
export const LOOKUP_ENDPOINT = 'GET /2/tweets';

/** The fields and expansions that carry media, metrics, referenced posts and their authors. */
export const TIMELINE_QUERY = {
  'tweet.fields':
    'created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,attachments,entities,' +
    'public_metrics,possibly_sensitive,lang,note_tweet,edit_history_tweet_ids',
  expansions:
    'author_id,attachments.media_keys,referenced_tweets.id,referenced_tweets.id.author_id,' +
    'referenced_tweets.id.attachments.media_keys,in_reply_to_user_id',
  'media.fields': 'type,url,preview_image_url,variants,width,height,alt_text,duration_ms',
  'user.fields': 'name,username,profile_image_url',
} as const;

/** `GET /2/tweets` takes at most 100 ids. */
export const LOOKUP_BATCH = 100;

export interface TimelineOptions {
  /** `max_results` of the very first read, which only learns where the timeline stands. */
  readonly firstPageSize: number;
  /** `max_results` of later reads (5–100). */
  readonly pageSize: number;
  /** Pages one `fetchPosts` may read, new posts and gap together. */
  readonly maxPages: number;
}

interface XCursor {
  readonly sinceId: string;
  readonly gap?: { readonly sinceId: string; readonly untilId: string } | undefined;
}

interface RangeRead {
  readonly tweets: XTweet[];
  readonly includes: Required<XIncludes>;
  readonly newestId: string | undefined;
  readonly oldestId: string | undefined;
  /** False when the page budget ran out before X said there was nothing more. */
  readonly complete: boolean;
  readonly pages: number;
}

const SNOWFLAKE = /^\d{1,20}$/;

export function parseCursor(cursor: Cursor | null): XCursor | null {
  if (cursor === null || typeof cursor.sinceId !== 'string' || !SNOWFLAKE.test(cursor.sinceId)) return null;
  const { gapSinceId, gapUntilId } = cursor;
  const gap =
    typeof gapSinceId === 'string' && typeof gapUntilId === 'string' && SNOWFLAKE.test(gapSinceId)
      ? { sinceId: gapSinceId, untilId: gapUntilId }
      : undefined;
  return { sinceId: cursor.sinceId, gap };
}

function toCursor(state: XCursor): Cursor {
  return state.gap
    ? { sinceId: state.sinceId, gapSinceId: state.gap.sinceId, gapUntilId: state.gap.untilId }
    : { sinceId: state.sinceId };
}

function newer(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return BigInt(a) > BigInt(b) ? a : b;
}

function older(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return BigInt(a) < BigInt(b) ? a : b;
}

async function readRange(
  context: XContext,
  account: AccountRef,
  range: { sinceId?: string; untilId?: string },
  pageSize: number,
  maxPages: number,
): Promise<RangeRead> {
  const bearer = accessTokenOf(account, TIMELINE_ENDPOINT);
  const tweets: XTweet[] = [];
  const includes: Required<XIncludes> = { users: [], media: [], tweets: [] };
  let newestId: string | undefined;
  let oldestId: string | undefined;
  let token: string | undefined;
  let pages = 0;
  do {
    const response = await context.http.request({
      url: endpointUrl(context, `/2/users/${encodeURIComponent(account.accountId)}/tweets`),
      endpoint: TIMELINE_ENDPOINT,
      query: {
        ...TIMELINE_QUERY,
        max_results: pageSize,
        since_id: range.sinceId,
        until_id: range.untilId,
        pagination_token: token,
      },
      bearer,
      schema: tweetsResponseSchema,
    });
    pages += 1;
    const page = response.data;
    if (page.data === undefined && page.errors !== undefined && page.errors.length > 0) {
      throw errorsOnlyFailure(TIMELINE_ENDPOINT, page.errors);
    }
    for (const tweet of page.data ?? []) {
      tweets.push(tweet);
      newestId = newer(newestId, tweet.id);
      oldestId = older(oldestId, tweet.id);
    }
    includes.users.push(...(page.includes?.users ?? []));
    includes.media.push(...(page.includes?.media ?? []));
    includes.tweets.push(...(page.includes?.tweets ?? []));
    token = page.meta?.next_token;
  } while (token !== undefined && pages < maxPages);
  return { tweets, includes, newestId, oldestId, complete: token === undefined, pages };
}

export async function fetchTimeline(
  context: XContext,
  options: TimelineOptions,
  account: AccountRef,
  cursor: Cursor | null,
): Promise<FetchResult> {
  const state = parseCursor(cursor);
  const reads: RangeRead[] = [];
  let next: XCursor | null;
  if (state === null) {
    const first = await readRange(context, account, {}, options.firstPageSize, 1);
    reads.push(first);
    next = first.newestId === undefined ? null : { sinceId: first.newestId };
  } else {
    const fresh = await readRange(
      context,
      account,
      { sinceId: state.sinceId },
      options.pageSize,
      options.maxPages,
    );
    reads.push(fresh);
    let gap = state.gap;
    if (!fresh.complete && fresh.oldestId !== undefined) {
      // An older gap merges into the new one; the overlap is read twice and deduplicated by callers.
      gap = { sinceId: gap?.sinceId ?? state.sinceId, untilId: fresh.oldestId };
    } else if (gap && options.maxPages > fresh.pages) {
      const backfill = await readRange(
        context,
        account,
        gap,
        options.pageSize,
        options.maxPages - fresh.pages,
      );
      reads.push(backfill);
      gap = backfill.complete
        ? undefined
        : { sinceId: gap.sinceId, untilId: backfill.oldestId ?? gap.untilId };
    }
    next = { sinceId: fresh.newestId ?? state.sinceId, gap };
  }
  const fallbackAuthor = { id: account.accountId, username: account.handle, name: account.handle };
  const posts = new Map<string, SocialPost>();
  for (const read of reads) {
    for (const post of mapTweets(read.tweets, read.includes, { fallbackAuthor }))
      posts.set(post.platformId, post);
  }
  return { posts: [...posts.values()], next: next === null ? null : toCursor(next) };
}

export async function fetchTweetMetrics(
  context: XContext,
  account: AccountRef,
  ids: readonly string[],
): Promise<ReadonlyMap<string, SocialPostMetrics>> {
  const bearer = accessTokenOf(account, LOOKUP_ENDPOINT);
  const metrics = new Map<string, SocialPostMetrics>();
  const unique = [...new Set(ids)];
  for (let start = 0; start < unique.length; start += LOOKUP_BATCH) {
    const batch = unique.slice(start, start + LOOKUP_BATCH);
    const response = await context.http.request({
      url: endpointUrl(context, '/2/tweets'),
      endpoint: LOOKUP_ENDPOINT,
      query: { ids: batch.join(','), 'tweet.fields': 'public_metrics' },
      bearer,
      schema: tweetsResponseSchema,
    });
    // Deleted or hidden posts come back in errors[]; they are simply absent from the result.
    for (const tweet of response.data.data ?? []) metrics.set(tweet.id, mapMetrics(tweet.public_metrics));
  }
  return metrics;
}
