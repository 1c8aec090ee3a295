/**
 * The RSS / Atom provider: any public feed URL, read only, no credentials. YouTube channel feeds and
 * Reddit listings are recognised and produce `youtube` and `reddit` posts.
 *
 * - The feed URL comes from a user, so every request goes through the SSRF guard (`untrusted`), with
 *   redirects re-checked, and bodies are capped (5 MB by default).
 * - Polls are conditional GETs (If-None-Match / If-Modified-Since); a 304 returns no posts and the
 *   same cursor with `notModified`.
 * - The cursor (see cursor.ts) remembers the validators, the newest date and the last 200 item ids.
 *
 * @see https://www.rssboard.org/rss-specification
 * @see https://www.rfc-editor.org/rfc/rfc4287 (Atom)
 */
import { PLATFORM_INFO } from '../../core/platforms.js';
import type {
  AccountProfile,
  AccountRef,
  FetchResult,
  ProviderDeps,
  PublishLimits,
  SocialProvider,
} from '../provider.js';
import { byRecency, nextState, readCursor, selectNew, writeCursor } from './cursor.js';
import { classifyRssError } from './errors.js';
import { createFeedFetcher, feedUrlOf, type FeedFetcher } from './fetch.js';
import { entryId, parseFeedDate, recognizePlatform, type FeedPlatform } from './identity.js';
import { mapEntry } from './map.js';
import type { IdentifiedEntry } from './map-shared.js';
import type { FeedDocument } from './normalize.js';
import { feedProfile } from './profile.js';

export interface RssProviderOptions {
  /** Feeds larger than this are refused (default 5 MB). */
  readonly maxBodyBytes?: number;
}

/** The provider, plus a look at a feed before it is linked. */
export type RssProvider = SocialProvider & {
  /**
   * Fetch `url` once, check that it is a feed, and name it (title, site, picture). A web page is
   * refused with the feed URL it advertises, when it advertises one.
   */
  describeFeed(url: string): Promise<AccountProfile>;
};

const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

/** A feed cannot be published to; the limits say so for callers that check before asking. */
const READ_ONLY_LIMITS: PublishLimits = {
  maxLength: 0,
  counting: 'characters',
  maxMedia: 0,
  maxImageBytes: 0,
  imageTypes: [],
  videoTypes: [],
};

function identify(doc: FeedDocument, platform: FeedPlatform): IdentifiedEntry[] {
  return doc.entries.flatMap((entry) => {
    const id = entryId(entry, platform);
    return id === undefined ? [] : [{ entry, id, publishedAt: parseFeedDate(entry.published) }];
  });
}

interface PollDeps {
  readonly fetcher: FeedFetcher;
  readonly now: () => Date;
}

async function poll(
  { fetcher, now }: PollDeps,
  url: string,
  cursor: FetchResult['next'],
): Promise<FetchResult> {
  const state = readCursor(cursor);
  const response = await fetcher.getFeed(url, state);
  if (response.status === 304 && cursor !== null) return { posts: [], next: cursor, notModified: true };
  const doc = fetcher.readBody(response);
  const platform = recognizePlatform(doc);
  const recent = byRecency(identify(doc, platform));
  let avatar = state?.avatar;
  if (platform === 'youtube' && avatar === undefined) avatar = await fetcher.channelAvatar(doc, response.url);
  const context = {
    feedUrl: url,
    baseUrl: response.url,
    fetchedAt: now(),
    channelAvatarUrl: avatar || undefined,
  };
  const posts = selectNew(recent, state).map((item) => mapEntry(doc, platform, item, context));
  const validators = { etag: response.header('etag'), lastModified: response.header('last-modified') };
  const next = nextState(recent, state, validators, context.fetchedAt);
  return { posts, next: writeCursor(avatar === undefined ? next : { ...next, avatar }) };
}

/** Run `work` on the checked feed URL; whatever fails leaves as a classified ProviderError naming the host. */
async function onFeed<T>(input: string, work: (url: string) => Promise<T>): Promise<T> {
  let url: string | undefined;
  try {
    url = feedUrlOf(input);
    return await work(url);
  } catch (err) {
    throw classifyRssError(err, url === undefined ? undefined : new URL(url).host);
  }
}

export function createRssProvider(deps: ProviderDeps, options: RssProviderOptions = {}): RssProvider {
  const fetcher = createFeedFetcher(deps.http, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  const pollDeps: PollDeps = { fetcher, now: deps.now ?? (() => new Date()) };
  return {
    id: 'rss',
    displayName: PLATFORM_INFO.rss.displayName,
    auth: 'none',
    limits: READ_ONLY_LIMITS,

    fetchPosts: (account: AccountRef, cursor) =>
      onFeed(account.instanceUrl ?? account.accountId, (url) => poll(pollDeps, url, cursor)),

    describeFeed: (input: string) =>
      onFeed(input, async (url) => {
        const response = await fetcher.getFeed(url, null);
        const doc = fetcher.readBody(response);
        const platform = recognizePlatform(doc);
        const avatar = platform === 'youtube' ? await fetcher.channelAvatar(doc, response.url) : undefined;
        return feedProfile(doc, platform, { feedUrl: url, answeredUrl: response.url }, avatar);
      }),

    classifyError: (err: unknown) => classifyRssError(err),
  };
}
