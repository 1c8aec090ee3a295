/**
 * The Discord `ChatSender`: posts a rendered message with `POST /channels/{id}/messages` through
 * `@discordjs/rest`, and finds a message it already posted for a delivery in the channel's history.
 * The REST client is set up never to act behind the deliver task's back: no retries of its own (it
 * would resend a POST up to three times on a 5xx or a timeout, holding the job meanwhile) and no
 * sleeping on a rate limit beyond its own sub-second pacing: a 429, or a bucket the client knows to be
 * empty, surfaces at once as `retry-later` with its wait, and graphile-worker owns every retry.
 */
import { createHash } from 'node:crypto';
import { REST, type RateLimitData } from '@discordjs/rest';
import { Routes, type APIAllowedMentions } from 'discord-api-types/v10';
import { z } from 'zod';
import {
  SendError,
  type ChatSender,
  type FindRequest,
  type SendRequest,
  type SentMessage,
} from './chat-sender.js';
import { toDiscordSendError } from './discord-errors.js';

export interface DiscordSenderOptions {
  readonly token: string;
  /** `config.discord.apiUrl`, e.g. `https://discord.com/api`; the client appends `/v10`. */
  readonly apiUrl: string;
  /** Per request (default 15 s). A POST that timed out may still have landed: see `send`. */
  readonly timeoutMs?: number;
  /** The bot's global limit (default 50, Discord's; larger bots can have it raised by Discord). */
  readonly globalRequestsPerSecond?: number;
}

export type DiscordSender = ChatSender & {
  /** Stops the REST client's sweep timers. */
  close(): void;
};

/** Discord's epoch (2015-01-01T00:00:00Z): snowflakes count milliseconds from it in their top 42 bits. */
const DISCORD_EPOCH_MS = 1_420_070_400_000;
const NONCE_LENGTH = 25;
const PAGE_SIZE = 100;
// A crash between send and record is followed by a retry soon after; three pages bound the cost of a
// search in a busy channel while still covering one that got 300 messages since the delivery began.
const MAX_PAGES = 3;
// Delivery times come from our clock, snowflakes from Discord's: allow for some drift between the two.
const CLOCK_SKEW_MS = 10_000;
// The client's global window is one second, plus its 50 ms offset.
const PACING_WAIT_MS = 1_100;
const NO_PINGS: APIAllowedMentions = { parse: [] };
const CHANNEL_ID = /^\d{1,20}$/u;

const snowflake = z.string().regex(/^\d{1,20}$/u);
const messageSchema = z.object({
  id: snowflake,
  author: z.object({ id: snowflake }),
  embeds: z.array(z.object({ url: z.string().optional() })).default([]),
});
type Message = z.infer<typeof messageSchema>;
const userSchema = z.object({ id: snowflake });

/**
 * Discord's `nonce` for a delivery: the same on every retry, so with `enforce_nonce` Discord returns
 * the message it already created instead of posting a second one. Base 36 of a SHA-256, cut to the
 * 25 characters Discord accepts (about 129 bits: no two deliveries share one).
 */
export function discordNonce(deliveryKey: string): string {
  const digest = createHash('sha256').update(deliveryKey).digest('hex');
  return BigInt(`0x${digest}`).toString(36).padStart(NONCE_LENGTH, '0').slice(0, NONCE_LENGTH);
}

/** The smallest snowflake Discord could give a message created at `time` (its id is never below it). */
export function snowflakeAt(time: Date): string {
  const sinceEpoch = BigInt(Math.max(0, Math.floor(time.getTime()) - DISCORD_EPOCH_MS));
  return (sinceEpoch << 22n).toString();
}

function sameUrl(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  if (a === b) return true;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new SendError('retry-later', `Discord answered ${what} in an unexpected shape`, {
    cause: result.error,
  });
}

function checkChannel(channelId: string): void {
  // Routes are built by concatenation: anything but digits could address another endpoint.
  if (!CHANNEL_ID.test(channelId)) {
    throw new SendError('channel-unavailable', `${JSON.stringify(channelId)} is not a Discord channel id`);
  }
}

/**
 * Whether `message` is the one Herald posted for this delivery. The marker is the first embed's `url`
 * (the permalink of the post the embed shows: for a repost, the original's, so that is the `permalink`
 * to pass) on a message by our bot, after the delivery began (less CLOCK_SKEW_MS). Why this marker: it is already on every message, so it adds nothing a reader sees (Discord keeps no
 * `nonce` in history, and embeds have no hidden field); and it is unique per channel and post, because
 * a feed maps one account to one channel and the database forbids two feeds of one account in one
 * channel. Limits: only the first MAX_PAGES × 100 messages after the delivery began are searched; a
 * permalink too long for an embed url leaves no marker; and a repost shares its original's url, so if
 * another feed in the channel already delivered the original, that message is taken for this one
 * (the post is in the channel once, not twice).
 */
function isMarked(message: Message, botId: string, permalink: string): boolean {
  return message.author.id === botId && sameUrl(message.embeds[0]?.url, permalink);
}

/**
 * The message carrying this delivery's marker (see `isMarked`), read page by page forward from a
 * snowflake made from the delivery's start: Discord applies `after` itself, so every message seen is
 * newer than the delivery.
 */
async function searchHistory(
  read: (query: URLSearchParams) => Promise<unknown>,
  request: FindRequest,
  botId: string,
): Promise<SentMessage | undefined> {
  let after = BigInt(snowflakeAt(new Date(request.after.getTime() - CLOCK_SKEW_MS)));
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const raw = await read(new URLSearchParams({ limit: String(PAGE_SIZE), after: after.toString() }));
    const messages = parsed(z.array(messageSchema), raw, 'the channel history');
    const found = messages.find((message) => isMarked(message, botId, request.permalink));
    if (found) return { messageId: found.id };
    if (messages.length < PAGE_SIZE) return undefined;
    // Pages come newest first; the next one starts after the newest message seen.
    after = messages.reduce((max, message) => (BigInt(message.id) > max ? BigInt(message.id) : max), after);
  }
  return undefined;
}

/**
 * Which rate limits the REST client throws as RateLimitError instead of sleeping (it would otherwise
 * retry a 429 forever): all of them, a 429 of any scope and a bucket it knows to be empty, except its
 * own pacing to Discord's 50 requests per second. That wait is under a second and sends nothing, so
 * taking it in place is cheaper than ending the job.
 */
function mustSurface(limit: RateLimitData): boolean {
  const ownPacing = limit.global && limit.scope === 'user' && limit.retryAfter <= PACING_WAIT_MS;
  return !ownPacing;
}

export function createDiscordSender(options: DiscordSenderOptions): DiscordSender {
  const rest = new REST({
    api: options.apiUrl.replace(/\/+$/u, ''),
    version: '10',
    retries: 0,
    timeout: options.timeoutMs ?? 15_000,
    globalRequestsPerSecond: options.globalRequestsPerSecond ?? 50,
    rejectOnRateLimit: mustSurface,
  });
  let botId: Promise<string> | undefined;

  async function call<T>(request: () => Promise<T>): Promise<T> {
    // The client forgets its token after any 401; set it again so one bad answer does not stick.
    rest.setToken(options.token);
    try {
      return await request();
    } catch (err) {
      throw toDiscordSendError(err);
    }
  }

  function ownUserId(): Promise<string> {
    botId ??= call(() => rest.get(Routes.user('@me'))).then(
      (raw) => parsed(userSchema, raw, 'the bot user').id,
      (err: unknown) => {
        botId = undefined;
        throw err;
      },
    );
    return botId;
  }

  return {
    /**
     * Posts the payload with a nonce derived from the delivery key and `enforce_nonce`, so a retry
     * within Discord's window ("a few minutes") gets the first message back instead of a second one.
     * The payload's `allowed_mentions` is kept as rendered; a payload without one can ping no one.
     * @see https://discord.com/developers/docs/resources/message#create-message
     */
    async send(request: SendRequest): Promise<SentMessage> {
      checkChannel(request.channelId);
      const rendered: Readonly<Record<string, unknown>> = { ...request.payload };
      const body = {
        ...rendered,
        allowed_mentions: rendered.allowed_mentions ?? NO_PINGS,
        nonce: discordNonce(request.deliveryKey),
        enforce_nonce: true,
      };
      const raw = await call(() => rest.post(Routes.channelMessages(request.channelId), { body }));
      const message = parsed(messageSchema, raw, 'the created message');
      botId ??= Promise.resolve(message.author.id);
      return { messageId: message.id };
    },

    /**
     * Walks the channel's history forward from the delivery's start, `after` a snowflake made from
     * that time, and returns the first message carrying this delivery's marker (see `isMarked`).
     * @see https://discord.com/developers/docs/resources/message#get-channel-messages
     */
    async findSent(request: FindRequest): Promise<SentMessage | undefined> {
      checkChannel(request.channelId);
      const me = await ownUserId();
      const route = Routes.channelMessages(request.channelId);
      return searchHistory((query) => call(() => rest.get(route, { query })), request, me);
    },

    close() {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
}
