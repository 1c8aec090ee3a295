/**
 * Reading an account's statuses and their engagement.
 *
 * Paging (GET /api/v1/accounts/:id/statuses, newest first, at most 40 a page): the first call reads the
 * latest page. Later calls ask for `since_id=<cursor>`, which answers the newest page above the cursor;
 * when that page is full, more new statuses may hide below it, so the reader walks forward from the
 * cursor with `min_id` (the page immediately newer), following each answer's `Link: rel="prev"`, a
 * bounded number of pages. If the bound stops the walk before it reaches the present, only the walked
 * (oldest) statuses are returned and the cursor stops at the newest of them, so the next poll goes on
 * from there: nothing is skipped and posts still arrive in publication order.
 * @see https://docs.joinmastodon.org/methods/accounts/#statuses
 * @see https://docs.joinmastodon.org/api/guidelines/#pagination
 */
import type { SocialPostMetrics } from '../../core/social-post.js';
import type { HttpClient } from '../http.js';
import type { AccountRef, Cursor, FetchResult } from '../provider.js';
import { badRequest, isStatus } from './errors.js';
import { mapStatus, metricsOfStatus } from './map.js';
import { statusListSchema, statusSchema, type MastodonStatus } from './schemas.js';

export interface ReadDeps {
  readonly http: HttpClient;
  readonly pageSize: number;
  readonly maxPages: number;
  /** How many statuses to look up one by one where the instance has no batch endpoint (before 4.3). */
  readonly maxSingleLookups: number;
}

export const ACCOUNT_STATUSES = 'GET /api/v1/accounts/:id/statuses';
export const STATUSES_BATCH = 'GET /api/v1/statuses';
export const STATUS_ONE = 'GET /api/v1/statuses/:id';

/** Mastodon's batch lookup answers up to this many ids a call. */
const BATCH_SIZE = 20;

/** Snowflake-like ids sort by length, then lexically; never as numbers (they overflow). */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `Link: <url>; rel="next", <url>; rel="prev"` as rel → URL. */
export function parseLinkHeader(value: string | undefined): Map<string, URL> {
  const links = new Map<string, URL>();
  for (const part of (value ?? '').split(/,\s*(?=<)/)) {
    const match = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    const rel = match ? /rel="?([^";]+)"?/.exec(match[2] ?? '')?.[1] : undefined;
    if (!match?.[1] || !rel) continue;
    try {
      for (const name of rel.split(/\s+/)) links.set(name, new URL(match[1]));
    } catch {
      // A malformed link is no link: paging falls back to the ids of the page.
    }
  }
  return links;
}

function cursorSinceId(cursor: Cursor | null): string | undefined {
  if (cursor === null) return undefined;
  const foreign = !('sinceId' in cursor) && Object.keys(cursor).length > 0;
  if (foreign) throw badRequest(ACCOUNT_STATUSES, 'the cursor is not a Mastodon cursor ({ sinceId })');
  const sinceId = cursor.sinceId;
  if (sinceId === null || sinceId === undefined) return undefined;
  if (typeof sinceId !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(sinceId)) {
    throw badRequest(ACCOUNT_STATUSES, 'the cursor is not a Mastodon cursor ({ sinceId })');
  }
  return sinceId;
}

interface Page {
  readonly statuses: readonly MastodonStatus[];
  readonly links: Map<string, URL>;
}

export async function fetchStatuses(
  deps: ReadDeps,
  origin: string,
  account: AccountRef,
  cursor: Cursor | null,
): Promise<FetchResult> {
  const sinceId = cursorSinceId(cursor);
  const page = async (query: Record<string, string>): Promise<Page> => {
    const response = await deps.http.request({
      url: `${origin}/api/v1/accounts/${encodeURIComponent(account.accountId)}/statuses`,
      endpoint: ACCOUNT_STATUSES,
      query: { limit: deps.pageSize, exclude_reblogs: false, ...query },
      bearer: account.credentials?.accessToken,
      schema: statusListSchema,
      untrusted: true,
    });
    return { statuses: response.data, links: parseLinkHeader(response.header('link')) };
  };

  if (sinceId === undefined) return toResult((await page({})).statuses, undefined, origin);
  const newest = await page({ since_id: sinceId });
  if (newest.statuses.length < deps.pageSize) return toResult(newest.statuses, sinceId, origin);

  const walked: MastodonStatus[] = [];
  let minId = sinceId;
  for (let pages = 0; pages < deps.maxPages; pages++) {
    const forward = await page({ min_id: minId });
    walked.push(...forward.statuses);
    const next = forward.links.get('prev')?.searchParams.get('min_id') ?? newestId(forward.statuses);
    if (forward.statuses.length < deps.pageSize || next === undefined || compareIds(next, minId) <= 0) {
      return toResult([...walked, ...newest.statuses], sinceId, origin);
    }
    minId = next;
  }
  return toResult(walked, sinceId, origin);
}

function newestId(statuses: readonly MastodonStatus[]): string | undefined {
  return statuses.reduce<string | undefined>(
    (max, status) => (max === undefined || compareIds(status.id, max) > 0 ? status.id : max),
    undefined,
  );
}

function toResult(
  statuses: readonly MastodonStatus[],
  floor: string | undefined,
  origin: string,
): FetchResult {
  const seen = new Map<string, MastodonStatus>();
  for (const status of statuses) {
    // A server that ignores since_id/min_id must not replay what the cursor already passed.
    if (floor === undefined || compareIds(status.id, floor) > 0) seen.set(status.id, status);
  }
  const fresh = [...seen.values()];
  const top = newestId(fresh) ?? floor;
  return {
    posts: fresh.map((status) => mapStatus(status, { instanceUrl: origin })),
    next: top === undefined ? null : { sinceId: top },
  };
}

/** Engagement of statuses already seen: the 4.3+ batch endpoint, else bounded single lookups. */
export async function fetchStatusMetrics(
  deps: ReadDeps,
  origin: string,
  account: AccountRef,
  ids: readonly string[],
): Promise<ReadonlyMap<string, SocialPostMetrics>> {
  const unique = [...new Set(ids)];
  const metrics = new Map<string, SocialPostMetrics>();
  const bearer = account.credentials?.accessToken;
  for (let start = 0; start < unique.length; start += BATCH_SIZE) {
    const url = new URL('/api/v1/statuses', origin);
    for (const id of unique.slice(start, start + BATCH_SIZE)) url.searchParams.append('id[]', id);
    try {
      const response = await deps.http.request({
        url,
        endpoint: STATUSES_BATCH,
        bearer,
        schema: statusListSchema,
        untrusted: true,
      });
      for (const status of response.data) metrics.set(status.id, metricsOfStatus(status));
    } catch (err) {
      // Before 4.3 there is no batch endpoint: a 404 on the first batch means "ask one by one".
      if (start === 0 && isStatus(err, 404)) return fetchOneByOne(deps, origin, bearer, unique);
      throw err;
    }
  }
  return metrics;
}

async function fetchOneByOne(
  deps: ReadDeps,
  origin: string,
  bearer: string | undefined,
  ids: readonly string[],
): Promise<ReadonlyMap<string, SocialPostMetrics>> {
  const metrics = new Map<string, SocialPostMetrics>();
  for (const id of ids.slice(0, deps.maxSingleLookups)) {
    try {
      const response = await deps.http.request({
        url: `${origin}/api/v1/statuses/${encodeURIComponent(id)}`,
        endpoint: STATUS_ONE,
        bearer,
        schema: statusSchema,
        untrusted: true,
      });
      metrics.set(response.data.id, metricsOfStatus(response.data));
    } catch (err) {
      // A deleted or now private status is simply absent from the answer.
      if (!isStatus(err, 404)) throw err;
    }
  }
  return metrics;
}
