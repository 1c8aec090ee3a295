/**
 * A loopback Slack Web API. It speaks the wire format: `POST /api/<method>` (GET with a query also
 * works), bodies form-encoded (what WebClient sends, complex fields as JSON strings) or JSON, the bot
 * token as `Authorization: Bearer xoxb-…` (or a `token` field), API errors as HTTP 200
 * `{ ok: false, error }`, rate limits as HTTP 429 with `Retry-After` seconds and
 * `{ ok: false, error: "ratelimited" }`. Channels hold messages with Slack `ts` values (Unix seconds
 * and microseconds, increasing). It implements `chat.postMessage`, `conversations.history` (newest
 * first, `oldest`/`latest`/`inclusive`, cursor pages, metadata only with `include_all_metadata`) and
 * `auth.test`; `onMethod` adds more. Every request is recorded.
 * @see https://docs.slack.dev/apis/web-api/
 */
import { startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from './fake-server.js';

type Args = Readonly<Record<string, unknown>>;
type SlackBody = Record<string, unknown>;

export interface SlackMessageMetadata {
  readonly event_type: string;
  readonly event_payload: Readonly<Record<string, unknown>>;
}

/** A message as `conversations.history` returns it (with its metadata, which history hides by default). */
export interface FakeSlackMessage {
  readonly type: 'message';
  readonly ts: string;
  readonly text: string;
  readonly user: string;
  readonly bot_id?: string;
  readonly app_id?: string;
  readonly team: string;
  readonly blocks?: readonly unknown[];
  readonly metadata?: SlackMessageMetadata;
}

export interface FakeChannelOptions {
  readonly id?: string;
  readonly name?: string;
  readonly archived?: boolean;
  /** False: the bot was never invited, so posting and reading answer `not_in_channel`. */
  readonly botIsMember?: boolean;
  /** True: a workspace preference stops the bot posting (`restricted_action`). */
  readonly postingRestricted?: boolean;
}

export interface FakeMessageInput {
  readonly text?: string;
  readonly blocks?: readonly unknown[];
  readonly metadata?: SlackMessageMetadata;
  /** When it was posted; now by default. */
  readonly at?: Date;
  /** Posted by someone else rather than by the bot. */
  readonly byUser?: string;
}

/** Handles one Web API method; returns the JSON body (sent with HTTP 200). */
export type SlackMethodHandler = (args: Args, request: RecordedRequest) => SlackBody;
type FaultOptions = { readonly method?: string; readonly times?: number };

/** `chat.postMessage` answers kept back (see `SlackApiFake.holdPostedMessages`). */
export interface HeldSlackMessages {
  /** The messages stored so far whose answers are held, oldest first (metadata included). */
  readonly messages: readonly FakeSlackMessage[];
  /** Resolves with the first held message, once it is stored. */
  readonly first: Promise<FakeSlackMessage>;
  /** Sends the held answers (a caller that went away never reads them) and stops holding. */
  release(): void;
}

export interface SlackApiFake extends FakeServer {
  /** What `slackApiUrl` / `config.slack.apiUrl` should be: `<url>/api/`. */
  readonly apiUrl: string;
  /** A valid bot token for the fake's workspace. */
  readonly botToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  addChannel(options?: FakeChannelOptions): string;
  updateChannel(id: string, changes: Omit<FakeChannelOptions, 'id' | 'name'>): void;
  /** The channel's messages, oldest first, metadata included. */
  messages(channelId: string): readonly FakeSlackMessage[];
  /** Puts a message in a channel's history without a request (e.g. one posted before a crash). */
  addMessage(channelId: string, input?: FakeMessageInput): FakeSlackMessage;
  issueToken(): string;
  /** Later calls with it answer `token_revoked`. */
  revokeToken(token: string): void;
  /** Adds or replaces a Web API method; the token is checked before it runs. */
  onMethod(method: string, handler: SlackMethodHandler): void;
  /** At most this many posts per channel per second, then 429s (off by default, to stay fast). */
  limitPostsPerChannel(perSecond: number | undefined): void;
  rateLimit(retryAfterSeconds: number, options?: FaultOptions): void;
  /** `{ ok: false, error }` at HTTP 200 for the next matching call. */
  platformError(error: string, options?: FaultOptions & { readonly extra?: SlackBody }): void;
  serverError(status?: number, options?: FaultOptions): void;
  slow(ms: number, options?: FaultOptions): void;
  malformed(body?: string, options?: FaultOptions): void;
  drop(options?: FaultOptions): void;
  /**
   * The next `times` (default 1) `chat.postMessage` calls that succeed store their message as usual,
   * then keep the answer back until `release()`: the message is in the channel, but the sender never
   * hears of it (a process killed between send and record).
   */
  holdPostedMessages(options?: { readonly times?: number }): HeldSlackMessages;
}

interface Channel {
  readonly id: string;
  readonly name: string;
  archived: boolean;
  botIsMember: boolean;
  postingRestricted: boolean;
  /** Ordered by `micros`, oldest first. */
  readonly messages: Array<{ readonly micros: number; readonly message: FakeSlackMessage }>;
}

const TEAM_ID = 'T0HERALD01';
const BOT_USER_ID = 'U0HERALDBOT';
const BOT_ID = 'B0HERALD01';
const APP_ID = 'A0HERALD01';
const MAX_TEXT = 40_000;
const MAX_BLOCKS = 50;
const TS = /^(\d+)(?:\.(\d{1,6}))?$/u;

const formatTs = (micros: number) =>
  `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;

function parseTs(value: unknown): number | undefined {
  const match = typeof value === 'string' || typeof value === 'number' ? TS.exec(String(value)) : null;
  if (!match) return undefined;
  return Number(match[1]) * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0'));
}

const flag = (value: unknown) => value === true || value === 'true' || value === '1' || value === 1;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const error = (code: string, extra: SlackBody = {}): SlackBody => ({ ok: false, error: code, ...extra });

/** A complex argument: JSON text in a form body, a value in a JSON body. `undefined` when absent. */
function structured(value: unknown): { value: unknown } | 'invalid' | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return { value };
  try {
    return { value: JSON.parse(value) as unknown };
  } catch {
    return 'invalid';
  }
}

function readBlocks(value: unknown): readonly unknown[] | 'invalid' | undefined {
  const parsed = structured(value);
  if (parsed === undefined || parsed === 'invalid') return parsed;
  const blocks = parsed.value;
  if (!Array.isArray(blocks) || blocks.length > MAX_BLOCKS) return 'invalid';
  return blocks.every((block) => isRecord(block) && typeof block.type === 'string') ? blocks : 'invalid';
}

function readMetadata(value: unknown): SlackMessageMetadata | 'invalid' | undefined {
  const parsed = structured(value);
  if (parsed === undefined || parsed === 'invalid') return parsed;
  const metadata = parsed.value;
  if (!isRecord(metadata) || typeof metadata.event_type !== 'string' || !metadata.event_type)
    return 'invalid';
  if (!isRecord(metadata.event_payload)) return 'invalid';
  return { event_type: metadata.event_type, event_payload: metadata.event_payload };
}

/** The call's arguments from the query and the body, or the Slack error for an unreadable body. */
function readArgs(request: RecordedRequest): Args | string {
  const query = Object.fromEntries(request.query);
  if (request.body.length === 0) return query;
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    try {
      const body: unknown = request.json();
      return isRecord(body) ? { ...query, ...body } : 'invalid_json';
    } catch {
      return 'invalid_json';
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { ...query, ...Object.fromEntries(request.form()) };
  }
  return 'invalid_form_data';
}

/** First index whose micros is greater than `micros` (or equal too, when `inclusive`). */
function lowerBound(list: Channel['messages'], micros: number, inclusive: boolean): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const value = list[mid]?.micros ?? 0;
    if (value < micros || (!inclusive && value === micros)) low = mid + 1;
    else high = mid;
  }
  return low;
}

export interface SlackApiFakeOptions {
  /** The fake's clock (ms since the epoch) for new messages' `ts` and the posting limit. */
  readonly now?: () => number;
}

export async function startSlackApiFake(options: SlackApiFakeOptions = {}): Promise<SlackApiFake> {
  const now = options.now ?? Date.now;
  const server = await startFakeServer({ notFound: { status: 404, text: 'Not Found' } });
  const channels = new Map<string, Channel>();
  const tokens = new Map<string, 'valid' | 'revoked'>();
  const methods = new Map<string, SlackMethodHandler>();
  const postWindows = new Map<string, { second: number; count: number }>();
  let postsPerSecond: number | undefined;
  let lastMicros = 0;
  let seeded = 0;
  let sequence = 0;

  const botToken = issueToken();

  function issueToken(): string {
    sequence += 1;
    const token = `xoxb-${TEAM_ID}-${1000 + sequence}-fake${sequence.toString(36).padStart(8, '0')}`;
    tokens.set(token, 'valid');
    return token;
  }

  /**
   * Slack's ts is unique in a channel and increases; the fake's also never sits on a whole millisecond,
   * so a message posted in the same millisecond as a `Date` taken before it is still after it.
   */
  function nextMicros(at: Date | undefined): number {
    if (at !== undefined) return at.getTime() * 1000 + 1 + (seeded++ % 999);
    lastMicros = Math.max(now() * 1000 + 1, lastMicros + 1);
    return lastMicros;
  }

  function store(channel: Channel, input: FakeMessageInput): FakeSlackMessage {
    let micros = nextMicros(input.at);
    let index = lowerBound(channel.messages, micros, true);
    while (channel.messages[index]?.micros === micros) {
      micros += 1;
      index = lowerBound(channel.messages, micros, true);
    }
    const message: FakeSlackMessage = {
      type: 'message',
      ts: formatTs(micros),
      text: input.text ?? '',
      team: TEAM_ID,
      ...(input.byUser === undefined
        ? { user: BOT_USER_ID, bot_id: BOT_ID, app_id: APP_ID }
        : { user: input.byUser }),
      ...(input.blocks === undefined ? {} : { blocks: input.blocks }),
      ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
    };
    channel.messages.splice(index, 0, { micros, message });
    return message;
  }

  function channelOrThrow(id: string): Channel {
    const channel = channels.get(id);
    if (!channel) throw new Error(`fake Slack has no channel ${id}`);
    return channel;
  }

  /** Slack's per-channel posting limit ("one message per second"), when a test turns it on. */
  function overPostingLimit(channelId: unknown): boolean {
    if (postsPerSecond === undefined || typeof channelId !== 'string') return false;
    const second = Math.floor(now() / 1000);
    const window = postWindows.get(channelId);
    if (!window || window.second !== second) {
      postWindows.set(channelId, { second, count: 1 });
      return false;
    }
    window.count += 1;
    return window.count > postsPerSecond;
  }

  methods.set('auth.test', () => ({
    ok: true,
    url: 'https://herald-test.slack.com/',
    team: 'Herald Test',
    user: 'herald',
    team_id: TEAM_ID,
    user_id: BOT_USER_ID,
    bot_id: BOT_ID,
    is_enterprise_install: false,
  }));

  methods.set('chat.postMessage', (args) => {
    const channel = channels.get(String(args.channel ?? ''));
    if (!channel) return error('channel_not_found');
    if (channel.archived) return error('is_archived');
    if (!channel.botIsMember) return error('not_in_channel');
    if (channel.postingRestricted) return error('restricted_action');
    const blocks = readBlocks(args.blocks);
    if (blocks === 'invalid') return error('invalid_blocks');
    const metadata = readMetadata(args.metadata);
    if (metadata === 'invalid') return error('invalid_metadata_format');
    const text = typeof args.text === 'string' ? args.text : '';
    if (!text && blocks === undefined) return error('no_text');
    if (text.length > MAX_TEXT) return error('msg_too_long');
    const message = store(channel, { text, blocks, metadata });
    const { metadata: _hidden, ...shown } = message;
    return { ok: true, channel: channel.id, ts: message.ts, message: shown };
  });

  methods.set('conversations.history', (args) => {
    const channel = channels.get(String(args.channel ?? ''));
    if (!channel) return error('channel_not_found');
    if (!channel.botIsMember) return error('not_in_channel');
    const oldest = args.oldest === undefined ? 0 : parseTs(args.oldest);
    if (oldest === undefined) return error('invalid_ts_oldest');
    const latest = args.latest === undefined ? Number.MAX_SAFE_INTEGER : parseTs(args.latest);
    if (latest === undefined) return error('invalid_ts_latest');
    const inclusive = flag(args.inclusive);
    let end = lowerBound(channel.messages, latest, !inclusive);
    if (args.cursor !== undefined && args.cursor !== '') {
      const next = parseTs(
        Buffer.from(String(args.cursor), 'base64')
          .toString()
          .replace(/^next_ts:/u, ''),
      );
      if (next === undefined) return error('invalid_cursor');
      end = Math.min(end, lowerBound(channel.messages, next, false));
    }
    const start = lowerBound(channel.messages, oldest, inclusive);
    const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
    const first = Math.max(start, end - limit);
    const withMetadata = flag(args.include_all_metadata);
    const messages = channel.messages
      .slice(first, end)
      .reverse()
      .map(({ message }) => {
        if (withMetadata) return message;
        const { metadata: _hidden, ...shown } = message;
        return shown;
      });
    const nextEntry = first > start ? channel.messages[first - 1] : undefined;
    return {
      ok: true,
      messages,
      has_more: nextEntry !== undefined,
      pin_count: 0,
      channel_actions_ts: null,
      channel_actions_count: 0,
      ...(nextEntry === undefined
        ? {}
        : {
            response_metadata: {
              next_cursor: Buffer.from(`next_ts:${nextEntry.message.ts}`).toString('base64'),
            },
          }),
    };
  });

  function dispatch(request: RecordedRequest, method: string): FakeReply {
    const handler = methods.get(method);
    if (!handler) return { json: error('unknown_method', { req_method: method }) };
    const args = readArgs(request);
    if (typeof args === 'string') return { json: error(args) };
    const header = request.headers.authorization;
    const token = header?.replace(/^Bearer\s+/iu, '') ?? (typeof args.token === 'string' ? args.token : '');
    if (!token) return { json: error('not_authed') };
    const state = tokens.get(token);
    if (state !== 'valid') return { json: error(state === 'revoked' ? 'token_revoked' : 'invalid_auth') };
    if (method === 'chat.postMessage' && overPostingLimit(args.channel)) {
      return { status: 429, headers: { 'retry-after': '1' }, json: error('ratelimited') };
    }
    return { json: handler(args, request) };
  }

  interface Hold {
    remaining: number;
    readonly messages: FakeSlackMessage[];
    readonly waiting: Array<() => void>;
    readonly stored: (message: FakeSlackMessage) => void;
  }
  const holds: Hold[] = [];

  /** The answer, or a promise of it while a test holds back posted messages' answers. */
  function held(method: string, reply: FakeReply): FakeReply | Promise<FakeReply> {
    if (method !== 'chat.postMessage' || holds.length === 0) return reply;
    const body = reply.json as { ok?: unknown; channel?: unknown; ts?: unknown } | undefined;
    if ((reply.status ?? 200) !== 200 || body?.ok !== true) return reply;
    const active = holds.find((entry) => entry.remaining > 0);
    const message = channels
      .get(String(body.channel))
      ?.messages.find((entry) => entry.message.ts === body.ts)?.message;
    if (!active || !message) return reply;
    active.remaining -= 1;
    active.messages.push(message);
    active.stored(message);
    return new Promise<FakeReply>((resolve) => active.waiting.push(() => resolve(reply)));
  }

  server.on('POST', '/api/:method', (request, { method = '' }) => held(method, dispatch(request, method)));
  server.on('GET', '/api/:method', (request, { method = '' }) => held(method, dispatch(request, method)));

  const faultPath = (options: FaultOptions) =>
    options.method === undefined ? '/api/' : `/api/${options.method}`;
  const inject = (reply: FakeReply, options: FaultOptions) =>
    server.injectFault({ kind: 'reply', reply }, { times: options.times, path: faultPath(options) });

  return {
    ...server,
    apiUrl: `${server.url}/api/`,
    botToken,
    teamId: TEAM_ID,
    botUserId: BOT_USER_ID,
    addChannel(options = {}) {
      const id = options.id ?? `C${String(channels.size + 1).padStart(10, '0')}`;
      channels.set(id, {
        id,
        name: options.name ?? `channel-${channels.size + 1}`,
        archived: options.archived ?? false,
        botIsMember: options.botIsMember ?? true,
        postingRestricted: options.postingRestricted ?? false,
        messages: [],
      });
      return id;
    },
    updateChannel(id, changes) {
      Object.assign(channelOrThrow(id), changes);
    },
    messages: (channelId) => channelOrThrow(channelId).messages.map(({ message }) => message),
    addMessage: (channelId, input = {}) => store(channelOrThrow(channelId), input),
    issueToken,
    revokeToken(token) {
      if (tokens.has(token)) tokens.set(token, 'revoked');
    },
    onMethod(method, handler) {
      methods.set(method, handler);
    },
    limitPostsPerChannel(perSecond) {
      postsPerSecond = perSecond;
      postWindows.clear();
    },
    rateLimit(retryAfterSeconds, options = {}) {
      const headers = { 'retry-after': String(retryAfterSeconds) };
      inject({ status: 429, headers, json: error('ratelimited') }, options);
    },
    platformError(code, options = {}) {
      inject({ json: error(code, options.extra) }, options);
    },
    serverError(status = 500, options = {}) {
      // Not the Web API's JSON: WebClient reads only the status of a non-200, non-429 answer.
      inject({ status, text: `<html><body>${status} Server Error</body></html>` }, options);
    },
    slow(ms, options = {}) {
      server.injectFault({ kind: 'slow', delayMs: ms }, { times: options.times, path: faultPath(options) });
    },
    malformed(body = '{"ok":tru', options = {}) {
      server.injectFault({ kind: 'malformed', body }, { times: options.times, path: faultPath(options) });
    },
    drop(options = {}) {
      server.injectFault({ kind: 'drop' }, { times: options.times, path: faultPath(options) });
    },
    holdPostedMessages(options = {}) {
      let stored: (message: FakeSlackMessage) => void = () => undefined;
      const first = new Promise<FakeSlackMessage>((resolve) => {
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
    },
  };
}
