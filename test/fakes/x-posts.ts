/**
 * The X fake's post routes: `GET /2/users/:id/tweets` (since_id, until_id, pagination_token,
 * max_results 5–100), `GET /2/tweets?ids=` (≤ 100, missing ids in `errors[]`), `GET /2/users/me`
 * and `POST /2/tweets` (length by twitter-text, media ids, reply chains, duplicate text refused).
 * @see https://docs.x.com/x-api/users/get-posts
 */
import twitterText from 'twitter-text';
import type { FakeHandler, FakeServer } from './fake-server.js';
import { listParam, renderTweets, renderUser } from './x-render.js';
import {
  PROBLEMS,
  authenticate,
  forbidden,
  invalidRequest,
  limited,
  nextId,
  type XFakeState,
  type XFakeTweet,
} from './x-state.js';

export interface StoreTweetInput {
  readonly authorId: string;
  readonly text: string;
  readonly createdAt?: Date | undefined;
  readonly mediaKeys?: readonly string[] | undefined;
  readonly parent?: XFakeTweet | undefined;
  /** Any other v2 field, stored as given (entities, referenced_tweets, note_tweet, public_metrics…). */
  readonly fields?: Record<string, unknown> | undefined;
}

/** Store a post with every field X can return; hashtags are extracted from the text as X does. */
export function storeTweet(state: XFakeState, input: StoreTweetInput): XFakeTweet {
  const id = nextId(state, input.createdAt);
  const hashtags = twitterText.extractHashtags(input.text).map((tag) => ({ tag }));
  const parent = input.parent;
  const tweet: XFakeTweet = {
    id,
    text: input.text,
    author_id: input.authorId,
    created_at: (input.createdAt ?? new Date()).toISOString(),
    conversation_id: (parent?.conversation_id as string | undefined) ?? id,
    edit_history_tweet_ids: [id],
    lang: 'en',
    public_metrics: {
      retweet_count: 0,
      reply_count: 0,
      like_count: 0,
      quote_count: 0,
      bookmark_count: 0,
      impression_count: 0,
    },
    ...(hashtags.length > 0 ? { entities: { hashtags } } : {}),
    ...(input.mediaKeys && input.mediaKeys.length > 0
      ? { attachments: { media_keys: [...input.mediaKeys] } }
      : {}),
    ...(parent
      ? { referenced_tweets: [{ type: 'replied_to', id: parent.id }], in_reply_to_user_id: parent.author_id }
      : {}),
    ...input.fields,
  };
  state.tweets.set(id, tweet);
  return tweet;
}

function userProblem(id: string, suspended: boolean) {
  return {
    errors: [
      {
        value: id,
        detail: suspended ? `User has been suspended: [${id}].` : `Could not find user with id: [${id}].`,
        title: suspended ? 'Forbidden' : 'Not Found Error',
        resource_type: 'user',
        parameter: 'id',
        resource_id: id,
        type: `${PROBLEMS}/resource-not-found`,
      },
    ],
  };
}

// Pagination tokens are opaque to clients; this one anchors the next page below the last id sent.
const cursorToken = (id: string) => Buffer.from(`until:${id}`).toString('base64url');
const tokenCursor = (token: string) =>
  Buffer.from(token, 'base64url')
    .toString('utf8')
    .replace(/^until:/, '');

const timeline =
  (state: XFakeState): FakeHandler =>
  (request, params) => {
    const auth = authenticate(state, request);
    if ('reply' in auth) return auth.reply;
    const id = params.id ?? '';
    const user = state.users.get(id);
    if (!user || user.suspended) return { json: userProblem(id, user?.suspended === true) };
    const q = request.query;
    const max = Number(q.get('max_results') ?? '10');
    if (!Number.isInteger(max) || max < 5 || max > 100) {
      return invalidRequest(
        `The \`max_results\` query parameter value [${q.get('max_results')}] is not between 5 and 100`,
      );
    }
    const since = q.get('since_id');
    const token = q.get('pagination_token');
    const until = token ? tokenCursor(token) : q.get('until_id');
    const matching = [...state.tweets.values()]
      .filter((t) => t.author_id === id)
      .filter(
        (t) => (since ? BigInt(t.id) > BigInt(since) : true) && (until ? BigInt(t.id) < BigInt(until) : true),
      )
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    const page = matching.slice(0, max);
    const last = page.at(-1);
    const meta = {
      result_count: page.length,
      ...(page[0] && last ? { newest_id: page[0].id, oldest_id: last.id } : {}),
      ...(last && matching.length > max ? { next_token: cursorToken(last.id) } : {}),
    };
    return { json: page.length > 0 ? { ...renderTweets(state, page, q), meta } : { meta } };
  };

const lookup =
  (state: XFakeState): FakeHandler =>
  (request) => {
    const auth = authenticate(state, request);
    if ('reply' in auth) return auth.reply;
    const ids = listParam(request.query, 'ids');
    if (ids.length === 0 || ids.length > 100)
      return invalidRequest('The `ids` query parameter must hold 1 to 100 ids');
    const found = ids.map((id) => state.tweets.get(id)).filter((t): t is XFakeTweet => t !== undefined);
    const errors = ids
      .filter((id) => !state.tweets.has(id))
      .map((id) => ({
        value: id,
        detail: `Could not find tweet with id: [${id}].`,
        title: 'Not Found Error',
        resource_type: 'tweet',
        parameter: 'ids',
        resource_id: id,
        type: `${PROBLEMS}/resource-not-found`,
      }));
    const body = found.length > 0 ? renderTweets(state, found, request.query) : {};
    return { json: { ...body, ...(errors.length > 0 ? { errors } : {}) } };
  };

const me =
  (state: XFakeState): FakeHandler =>
  (request) => {
    const auth = authenticate(state, request);
    if ('reply' in auth) return auth.reply;
    const user = state.users.get(auth.userId);
    return user
      ? { json: { data: renderUser(user, request.query) } }
      : { json: userProblem(auth.userId, false) };
  };

const create =
  (state: XFakeState): FakeHandler =>
  (request) => {
    const auth = authenticate(state, request, 'tweet.write');
    if ('reply' in auth) return auth.reply;
    const body = request.json() as {
      text?: string;
      media?: { media_ids?: string[] };
      reply?: { in_reply_to_tweet_id?: string };
    };
    const text = body.text ?? '';
    const mediaIds = body.media?.media_ids ?? [];
    if (text === '' && mediaIds.length === 0) return invalidRequest('text or media is required');
    if (text !== '' && !twitterText.parseTweet(text).valid) return forbidden('Your Tweet text is too long.');
    const uploads = mediaIds.map((id) => state.uploads.get(id));
    if (uploads.some((u) => !u || u.ownerId !== auth.userId || !state.media.has(u.mediaKey))) {
      return invalidRequest('Your media IDs are invalid.');
    }
    const parentId = body.reply?.in_reply_to_tweet_id;
    const parent = parentId === undefined ? undefined : state.tweets.get(parentId);
    if (parentId !== undefined && !parent)
      return invalidRequest('The Tweet you are replying to does not exist.');
    const duplicate = [...state.tweets.values()].some(
      (t) => t.author_id === auth.userId && text !== '' && t.text === text,
    );
    if (duplicate) return forbidden('You are not allowed to create a Tweet with duplicate content.');
    const mediaKeys = uploads.map((upload) => upload?.mediaKey ?? '');
    const created = storeTweet(state, { authorId: auth.userId, text, mediaKeys, parent });
    return state.heldTweets.hold(created, {
      status: 201,
      json: { data: { id: created.id, text: created.text, edit_history_tweet_ids: [created.id] } },
    });
  };

export function registerPostRoutes(server: FakeServer, state: XFakeState): void {
  server.on('GET', '/2/users/:id/tweets', limited(state, 'GET /2/users/:id/tweets', 900, timeline(state)));
  server.on('GET', '/2/tweets', limited(state, 'GET /2/tweets', 900, lookup(state)));
  server.on('GET', '/2/users/me', limited(state, 'GET /2/users/me', 75, me(state)));
  server.on('POST', '/2/tweets', limited(state, 'POST /2/tweets', 100, create(state)));
}
