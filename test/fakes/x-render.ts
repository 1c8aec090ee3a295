/**
 * How the X fake renders posts: only the default fields plus those asked for with `tweet.fields`,
 * `user.fields` and `media.fields`, and `includes` filled per `expansions`, as the v2 API does.
 */
import type { XFakeMedia, XFakeState, XFakeTweet, XFakeUser } from './x-state.js';

const DEFAULT_TWEET_FIELDS = ['id', 'text', 'edit_history_tweet_ids'];
const DEFAULT_USER_FIELDS = ['id', 'name', 'username'];
const DEFAULT_MEDIA_FIELDS = ['media_key', 'type'];

export function listParam(query: URLSearchParams, name: string): string[] {
  return (query.get(name) ?? '').split(',').filter((value) => value !== '');
}

function pick(value: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    fields.filter((field) => value[field] !== undefined).map((field) => [field, value[field]]),
  );
}

export function renderUser(user: XFakeUser, query: URLSearchParams): Record<string, unknown> {
  return pick(user as unknown as Record<string, unknown>, [
    ...DEFAULT_USER_FIELDS,
    ...listParam(query, 'user.fields'),
  ]);
}

export interface RenderedTweets {
  data: Array<Record<string, unknown>>;
  includes?: Record<string, unknown[]>;
}

export function renderTweets(
  state: XFakeState,
  tweets: readonly XFakeTweet[],
  query: URLSearchParams,
): RenderedTweets {
  const tweetFields = [...DEFAULT_TWEET_FIELDS, ...listParam(query, 'tweet.fields')];
  const mediaFields = [...DEFAULT_MEDIA_FIELDS, ...listParam(query, 'media.fields')];
  const expansions = new Set(listParam(query, 'expansions'));
  const users = new Map<string, Record<string, unknown>>();
  const media = new Map<string, Record<string, unknown>>();
  const referenced = new Map<string, XFakeTweet>();

  const addUser = (id: string | undefined) => {
    const user = id === undefined ? undefined : state.users.get(id);
    if (user) users.set(user.id, renderUser(user, query));
  };
  const addMedia = (tweet: XFakeTweet) => {
    for (const key of tweet.attachments?.media_keys ?? []) {
      const item: XFakeMedia | undefined = state.media.get(key);
      if (item) media.set(key, pick(item, mediaFields));
    }
  };

  for (const tweet of tweets) {
    if (expansions.has('author_id')) addUser(tweet.author_id);
    if (expansions.has('in_reply_to_user_id')) addUser(tweet.in_reply_to_user_id);
    if (expansions.has('attachments.media_keys')) addMedia(tweet);
    if (expansions.has('referenced_tweets.id')) {
      for (const ref of tweet.referenced_tweets ?? []) {
        const target = state.tweets.get(ref.id);
        if (target) referenced.set(target.id, target);
      }
    }
  }
  for (const target of referenced.values()) {
    if (expansions.has('referenced_tweets.id.author_id')) addUser(target.author_id);
    if (expansions.has('referenced_tweets.id.attachments.media_keys')) addMedia(target);
  }

  const includes: Record<string, unknown[]> = {};
  if (users.size > 0) includes.users = [...users.values()];
  if (media.size > 0) includes.media = [...media.values()];
  if (referenced.size > 0)
    includes.tweets = [...referenced.values()].map((tweet) => pick(tweet, tweetFields));
  return {
    data: tweets.map((tweet) => pick(tweet, tweetFields)),
    ...(Object.keys(includes).length > 0 ? { includes } : {}),
  };
}
