/**
 * A loopback Discord REST API (v10) for the delivery code: the bot user (`GET /users/@me`), Create
 * Message with `nonce` + `enforce_nonce` dedupe, and Get Channel Messages with `before`/`after`/
 * `around` paging. It answers as Discord does: `Authorization: Bot <token>` checked (401
 * `{"message":"401: Unauthorized","code":0}`), JSON errors `{ message, code, errors? }` (10003 Unknown
 * Channel, 50001 Missing Access, 50013 Missing Permissions, 50035 Invalid Form Body, 50006 empty
 * message, 10008 Unknown Message), per-route buckets with `X-RateLimit-*` headers on every answer and
 * 429 bodies with `retry_after` and `global`. Every request is recorded (see `FakeServer`).
 * Point `@discordjs/rest` at `apiUrl` (it adds `/v10`).
 * @see https://discord.com/developers/docs/resources/message
 * @see https://discord.com/developers/docs/topics/rate-limits
 */
import { createHash } from 'node:crypto';
import { EmbedType, MessageType, type APIEmbed, type APIMessage, type APIUser } from 'discord-api-types/v10';
import { startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from './fake-server.js';

const EPOCH = 1_420_070_400_000n;
const PREFIX = '/api/v10';
const MAX_CONTENT = 2000;
const MAX_EMBEDS = 10;
const MAX_NONCE = 25;
const MAX_EMBED_TEXT = 6000;

export type ForbiddenCode = 50001 | 50013;
export type RateLimitScope = 'user' | 'shared' | 'global';

export interface DiscordRestFakeOptions {
  /** The bot token the fake accepts (`Authorization: Bot <token>`). */
  readonly token?: string;
  readonly botName?: string;
  /** Each route's bucket per channel: requests per window. Default 10,000 per second (never in the way). */
  readonly bucket?: { readonly limit: number; readonly resetAfterMs: number };
  /** How long `enforce_nonce` dedupes ("a few minutes" in the docs). Default 5 minutes. */
  readonly nonceWindowMs?: number;
  /** The fake's clock (ids, timestamps, nonce window, buckets). Default `Date.now`. */
  readonly now?: () => number;
}

export interface FakeFaultOptions {
  readonly path?: string | RegExp;
  readonly times?: number;
}

export interface FakeMessageInput {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  /** The bot (default) or another user. */
  readonly author?: APIUser;
  /** When it was posted (its snowflake follows): default now. */
  readonly at?: Date;
}

/** Create Message answers kept back (see `DiscordRestFake.holdCreatedMessages`). */
export interface HeldDiscordMessages {
  /** The messages stored so far whose answers are held, oldest first. */
  readonly messages: readonly APIMessage[];
  /** Resolves with the first held message, once it is stored. */
  readonly first: Promise<APIMessage>;
  /** Sends the held answers (a caller that went away never reads them) and stops holding. */
  release(): void;
}

export interface DiscordRestFake extends FakeServer {
  /** `REST`'s `api` option (and Herald's `DISCORD_API_URL`): `<url>/api`. */
  readonly apiUrl: string;
  readonly token: string;
  readonly bot: APIUser;
  /** A text channel the bot may post in; returns its id. */
  addChannel(options?: { readonly id?: string; readonly guildId?: string }): string;
  /** The channel's messages, oldest first, as Discord stores them. */
  messages(channelId: string): readonly APIMessage[];
  /** A message already in the channel: someone else's, or the bot's own from before a crash. */
  addMessage(channelId: string, input?: FakeMessageInput): APIMessage;
  deleteMessage(channelId: string, messageId: string): void;
  /** The channel was deleted: 404 `{"message":"Unknown Channel","code":10003}`. */
  makeChannelUnknown(channelId: string): void;
  /** 50001 Missing Access (reads and writes) or 50013 Missing Permissions (writes): 403. */
  forbidChannel(channelId: string, code?: ForbiddenCode): void;
  allowChannel(channelId: string): void;
  /** The token was reset: every request answers 401. */
  revokeToken(): void;
  /** The next matching requests answer 429 as Discord does for that scope. */
  rateLimit(
    options?: FakeFaultOptions & { readonly retryAfter?: number; readonly scope?: RateLimitScope },
  ): void;
  /** 500 with Discord's JSON body, or 502/503/504 with the HTML of the proxy in front. */
  serverError(options?: FakeFaultOptions & { readonly status?: 500 | 502 | 503 | 504 }): void;
  slow(ms: number, options?: FakeFaultOptions): void;
  /** A 200 whose body is not what Discord sends (cut-off JSON by default). */
  malformed(body?: string, options?: FakeFaultOptions): void;
  /** The connection closes without an answer. */
  drop(options?: FakeFaultOptions): void;
  /**
   * The next `times` (default 1) Create Message calls that succeed store their message as usual, then
   * keep the answer back until `release()`: the message is in the channel, but the sender never hears
   * of it (a process killed between send and record).
   */
  holdCreatedMessages(options?: { readonly times?: number }): HeldDiscordMessages;
}

interface Channel {
  readonly id: string;
  readonly guildId: string;
  state: 'ok' | 'unknown' | ForbiddenCode;
  readonly messages: APIMessage[];
}

type Json = Record<string, unknown>;
type MentionRules = { parse?: string[]; roles?: string[] };
type FieldErrors = Record<string, { _errors: Array<{ code: string; message: string }> }>;

const bucketHash = (route: string) => createHash('sha1').update(route).digest('hex').slice(0, 32);
const BUCKETS = {
  me: bucketHash('GET /users/@me'),
  post: bucketHash('POST /channels/:id/messages'),
  list: bucketHash('GET /channels/:id/messages'),
};

const compareIds = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);
/** Discord's timestamp format: microseconds and an explicit offset. */
const discordTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000+00:00');
const error = (status: number, message: string, code: number, extra: Json = {}) => ({
  status,
  json: { message, code, ...extra },
});
const invalidForm = (errors: FieldErrors) => error(400, 'Invalid Form Body', 50035, { errors });
const tooLong = (max: number) => ({
  _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` }],
});

function embedText(embed: APIEmbed): number {
  const fields = (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  const parts = [embed.title, embed.description, embed.footer?.text, embed.author?.name];
  return fields + parts.reduce((sum, part) => sum + (part?.length ?? 0), 0);
}

/** Create Message's checks that matter to a sender: an empty message, lengths, the nonce. */
function validateMessage(body: Json): FakeReply | undefined {
  const content = typeof body.content === 'string' ? body.content : '';
  const embeds = Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : [];
  if (content === '' && embeds.length === 0) return error(400, 'Cannot send an empty message', 50006);
  const errors: FieldErrors = {};
  if (content.length > MAX_CONTENT) errors.content = tooLong(MAX_CONTENT);
  if (embeds.length > MAX_EMBEDS) errors.embeds = tooLong(MAX_EMBEDS);
  else if (embeds.reduce((sum, embed) => sum + embedText(embed), 0) > MAX_EMBED_TEXT) {
    errors.embeds = {
      _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }],
    };
  }
  if (body.nonce !== undefined && String(body.nonce).length > MAX_NONCE) errors.nonce = tooLong(MAX_NONCE);
  return Object.keys(errors).length > 0 ? invalidForm(errors) : undefined;
}

/** What would ping: role and everyone mentions in the content that `allowed_mentions` lets through. */
function mentionsOf(
  content: string,
  allowed: unknown,
): Pick<APIMessage, 'mention_roles' | 'mention_everyone'> {
  // Without allowed_mentions a regular message parses users, roles and @everyone.
  const rules = (allowed ?? { parse: ['users', 'roles', 'everyone'] }) as MentionRules;
  const roles = [...content.matchAll(/<@&(\d+)>/gu)].map((m) => m[1] ?? '');
  return {
    mention_roles: roles.filter((id) => rules.parse?.includes('roles') || rules.roles?.includes(id)),
    mention_everyone: /@(everyone|here)/u.test(content) && (rules.parse?.includes('everyone') ?? false),
  };
}

/** One page of history. The three cursors are exclusive in the docs; here `before` wins, then `after`. */
function page(messages: readonly APIMessage[], query: URLSearchParams, limit: number): APIMessage[] {
  const before = query.get('before');
  const after = query.get('after');
  const around = query.get('around');
  let slice: APIMessage[];
  if (before !== null) slice = messages.filter((m) => compareIds(m.id, before) < 0).slice(-limit);
  else if (after !== null) slice = messages.filter((m) => compareIds(m.id, after) > 0).slice(0, limit);
  else if (around !== null) {
    const index = messages.findIndex((m) => compareIds(m.id, around) >= 0);
    const start = Math.max(0, (index === -1 ? messages.length : index) - Math.floor(limit / 2));
    slice = messages.slice(start, start + limit);
  } else slice = messages.slice(-limit);
  // Discord returns every page newest first, whichever way it was asked for.
  return slice.reverse();
}

/** A message object as Create Message and Get Channel Messages return it. */
function messageJson(id: string, channelId: string, body: Json, author: APIUser, ms: number): APIMessage {
  const content = typeof body.content === 'string' ? body.content : '';
  return {
    id,
    channel_id: channelId,
    author,
    content,
    timestamp: discordTime(ms),
    edited_timestamp: null,
    tts: false,
    mentions: [],
    ...mentionsOf(content, body.allowed_mentions),
    attachments: [],
    embeds: ((body.embeds ?? []) as APIEmbed[]).map((embed) => ({ ...embed, type: EmbedType.Rich })),
    pinned: false,
    type: MessageType.Default,
    components: [],
  };
}

type Bucket = NonNullable<DiscordRestFakeOptions['bucket']>;

/** Per-route, per-channel buckets as Discord reports them, and its 429 answers. */
function createRateLimits(bucket: Bucket, now: () => number) {
  const windows = new Map<string, { used: number; resetAt: number }>();

  function headers(hash: string, used: number, resetAt: number): Record<string, string> {
    return {
      'x-ratelimit-limit': String(bucket.limit),
      'x-ratelimit-remaining': String(Math.max(0, bucket.limit - used)),
      'x-ratelimit-reset': (resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': (Math.max(0, resetAt - now()) / 1000).toFixed(3),
      'x-ratelimit-bucket': hash,
    };
  }

  function tooMany(retryAfter: number, scope: RateLimitScope, hash = BUCKETS.post): FakeReply {
    const global = scope === 'global';
    // A global limit carries no bucket headers; a shared one does not use up the caller's bucket.
    const base = global
      ? { 'x-ratelimit-global': 'true' }
      : headers(hash, scope === 'user' ? bucket.limit : 0, now() + retryAfter * 1000);
    return {
      status: 429,
      headers: { ...base, 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-scope': scope },
      json: {
        message: scope === 'shared' ? 'The resource is being rate limited.' : 'You are being rate limited.',
        retry_after: retryAfter,
        global,
      },
    };
  }

  /** Counts a request in its bucket; past the limit, answers the 429 Discord would. */
  function limited(hash: string, major: string, handle: () => FakeReply): FakeReply {
    const key = `${hash}:${major}`;
    let window = windows.get(key);
    if (!window || now() >= window.resetAt) {
      window = { used: 0, resetAt: now() + bucket.resetAfterMs };
      windows.set(key, window);
    }
    if (window.used >= bucket.limit) return tooMany((window.resetAt - now()) / 1000, 'user', hash);
    window.used += 1;
    const reply = handle();
    return { ...reply, headers: { ...headers(hash, window.used, window.resetAt), ...reply.headers } };
  }

  return { headers, tooMany, limited };
}
type RateLimits = ReturnType<typeof createRateLimits>;

/** Channels, their messages (sorted by id, as Discord pages them) and the nonces seen. */
function createChannels(now: () => number, nonceWindowMs: number) {
  const channels = new Map<string, Channel>();
  const nonces = new Map<string, { messageId: string; at: number }>();
  let increment = 0n;

  const newId = (ms = now()) => {
    increment = (increment + 1n) % 4096n;
    return (((BigInt(ms) - EPOCH) << 22n) | (1n << 17n) | increment).toString();
  };

  function get(id: string): Channel {
    const channel = channels.get(id);
    if (!channel) throw new Error(`The Discord fake has no channel ${id}`);
    return channel;
  }

  function access(id: string, write: boolean): Channel | FakeReply {
    const channel = channels.get(id);
    if (!channel || channel.state === 'unknown') return error(404, 'Unknown Channel', 10003);
    if (channel.state === 50001) return error(403, 'Missing Access', 50001);
    if (channel.state === 50013 && write) return error(403, 'Missing Permissions', 50013);
    return channel;
  }

  function store(channel: Channel, body: Json, author: APIUser, ms: number): APIMessage {
    const message = messageJson(newId(ms), channel.id, body, author, ms);
    const { messages } = channel;
    const last = messages.at(-1);
    // Appending is the common case; only a message dated in the past needs a search.
    const at =
      !last || compareIds(last.id, message.id) < 0
        ? -1
        : messages.findIndex((m) => compareIds(m.id, message.id) > 0);
    if (at === -1) messages.push(message);
    else messages.splice(at, 0, message);
    return message;
  }

  /** Create Message for `author`, or with `enforce_nonce` the message its nonce already made. */
  function create(channel: Channel, body: Json, author: APIUser): FakeReply {
    const nonce = body.nonce === undefined ? undefined : String(body.nonce);
    const key = `${channel.id}:${author.id}:${nonce}`;
    const seen = nonce === undefined || body.enforce_nonce !== true ? undefined : nonces.get(key);
    if (seen && now() - seen.at < nonceWindowMs) {
      const existing = channel.messages.find((m) => m.id === seen.messageId);
      // Discord does not recreate a message deleted since: the retry gets Unknown Message.
      return existing ? { json: { ...existing, nonce } } : error(404, 'Unknown Message', 10008);
    }
    const message = store(channel, body, author, now());
    if (nonce !== undefined) nonces.set(key, { messageId: message.id, at: now() });
    return { json: nonce === undefined ? message : { ...message, nonce } };
  }

  function add(id: string = newId(), guildId: string = newId()): string {
    channels.set(id, { id, guildId, state: 'ok', messages: [] });
    return id;
  }

  return { newId, get, access, store, create, add };
}
type Channels = ReturnType<typeof createChannels>;

function registerRoutes(
  server: FakeServer,
  deps: {
    channels: Channels;
    limits: RateLimits;
    bot: APIUser;
    token: () => string;
    /** Create Message's answer, or a promise of it when a test holds it back. */
    hold: (reply: FakeReply) => FakeReply | Promise<FakeReply>;
  },
): void {
  const { channels, limits, bot } = deps;
  const guarded =
    (hash: string, handler: (request: RecordedRequest, channelId: string) => FakeReply) =>
    (request: RecordedRequest, params: Readonly<Record<string, string>>) => {
      const channelId = params.id ?? '';
      return limits.limited(hash, channelId || 'global', () =>
        request.headers.authorization === `Bot ${deps.token()}`
          ? handler(request, channelId)
          : error(401, '401: Unauthorized', 0),
      );
    };

  const createMessage = (request: RecordedRequest, channelId: string): FakeReply => {
    const channel = channels.access(channelId, true);
    if (!('messages' in channel)) return channel;
    let body: Json;
    try {
      body = request.json() as Json;
    } catch {
      return error(400, 'The request body contains invalid JSON.', 50109);
    }
    return validateMessage(body) ?? channels.create(channel, body, bot);
  };

  const listMessages = (request: RecordedRequest, channelId: string): FakeReply => {
    const channel = channels.access(channelId, false);
    if (!('messages' in channel)) return channel;
    const limit = Number(request.query.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      const message = 'int value should be less than or equal to 100.';
      return invalidForm({ limit: { _errors: [{ code: 'NUMBER_TYPE_MAX', message }] } });
    }
    return { json: page(channel.messages, request.query, limit) };
  };

  // @discordjs/rest percent-encodes `@me`; other clients send it as is.
  for (const me of ['@me', '%40me']) {
    server.on(
      'GET',
      `${PREFIX}/users/${me}`,
      guarded(BUCKETS.me, () => ({ json: bot })),
    );
  }
  const post = guarded(BUCKETS.post, createMessage);
  server.on('POST', `${PREFIX}/channels/:id/messages`, (request, params) => deps.hold(post(request, params)));
  server.on('GET', `${PREFIX}/channels/:id/messages`, guarded(BUCKETS.list, listMessages));
}

/** Holds back the answers of created messages while a test asks it to (`holdCreatedMessages`). */
function createHolds() {
  interface Hold {
    remaining: number;
    readonly messages: APIMessage[];
    readonly waiting: Array<() => void>;
    readonly stored: (message: APIMessage) => void;
  }
  const holds: Hold[] = [];

  function hold(reply: FakeReply): FakeReply | Promise<FakeReply> {
    const created = (reply.status ?? 200) === 200 && typeof (reply.json as { id?: unknown })?.id === 'string';
    const active = created ? holds.find((entry) => entry.remaining > 0) : undefined;
    if (!active) return reply;
    active.remaining -= 1;
    active.messages.push(reply.json as APIMessage);
    active.stored(reply.json as APIMessage);
    return new Promise<FakeReply>((resolve) => active.waiting.push(() => resolve(reply)));
  }

  function holdCreatedMessages(options: { readonly times?: number } = {}): HeldDiscordMessages {
    let stored: (message: APIMessage) => void = () => undefined;
    const first = new Promise<APIMessage>((resolve) => {
      stored = resolve;
    });
    const entry: Hold = { remaining: options.times ?? 1, messages: [], waiting: [], stored };
    holds.push(entry);
    return {
      messages: entry.messages,
      first,
      release() {
        entry.remaining = 0;
        for (const answer of entry.waiting.splice(0)) answer();
      },
    };
  }

  return { hold, holdCreatedMessages };
}

type FaultHelpers = Pick<DiscordRestFake, 'rateLimit' | 'serverError' | 'slow' | 'malformed' | 'drop'>;

function faultHelpers(
  server: FakeServer,
  limits: RateLimits,
  fresh: () => Record<string, string>,
): FaultHelpers {
  return {
    rateLimit(options = {}) {
      const reply = limits.tooMany(options.retryAfter ?? 1.234, options.scope ?? 'user');
      server.injectFault({ kind: 'reply', reply }, options);
    },
    serverError(options = {}) {
      const status = options.status ?? 500;
      const html = `<html><head><title>${status}</title></head><body><h1>${status}</h1></body></html>`;
      const reply: FakeReply =
        status === 500
          ? error(500, '500: Internal Server Error', 0)
          : { status, headers: { 'content-type': 'text/html' }, text: html };
      server.injectFault({ kind: 'reply', reply }, options);
    },
    slow(ms, options) {
      server.injectFault({ kind: 'slow', delayMs: ms }, options);
    },
    malformed(body = '{"id":"1', options) {
      server.injectFault({ kind: 'malformed', body, headers: fresh() }, options);
    },
    drop(options) {
      server.injectFault({ kind: 'drop' }, options);
    },
  };
}

export async function startDiscordRestFake(options: DiscordRestFakeOptions = {}): Promise<DiscordRestFake> {
  const server = await startFakeServer({ notFound: error(404, '404: Not Found', 0) });
  const now = options.now ?? Date.now;
  const bucket = options.bucket ?? { limit: 10_000, resetAfterMs: 1_000 };
  const limits = createRateLimits(bucket, now);
  const channels = createChannels(now, options.nonceWindowMs ?? 5 * 60_000);
  let token = options.token ?? 'fake-discord-bot-token';
  const bot: APIUser = {
    id: channels.newId(),
    username: options.botName ?? 'herald',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
  };
  const holds = createHolds();
  registerRoutes(server, { channels, limits, bot, token: () => token, hold: holds.hold });
  const fresh = () => limits.headers(BUCKETS.post, 1, now() + bucket.resetAfterMs);

  return {
    ...server,
    ...faultHelpers(server, limits, fresh),
    apiUrl: `${server.url}/api`,
    get token() {
      return token;
    },
    bot,
    addChannel: (channelOptions = {}) => channels.add(channelOptions.id, channelOptions.guildId),
    messages: (channelId) => channels.get(channelId).messages,
    addMessage(channelId, input = {}) {
      const body = {
        content: input.content ?? '',
        embeds: input.embeds ?? [],
        allowed_mentions: { parse: [] },
      };
      return channels.store(channels.get(channelId), body, input.author ?? bot, input.at?.getTime() ?? now());
    },
    deleteMessage(channelId, messageId) {
      const { messages } = channels.get(channelId);
      const index = messages.findIndex((m) => m.id === messageId);
      if (index !== -1) messages.splice(index, 1);
    },
    makeChannelUnknown(channelId) {
      channels.get(channelId).state = 'unknown';
    },
    forbidChannel(channelId, code = 50001) {
      channels.get(channelId).state = code;
    },
    allowChannel(channelId) {
      channels.get(channelId).state = 'ok';
    },
    revokeToken() {
      token = `revoked-${token}`;
    },
    holdCreatedMessages: holds.holdCreatedMessages,
  };
}
