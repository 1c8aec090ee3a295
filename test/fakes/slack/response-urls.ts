/**
 * `response_url`s: each slash command and message interaction carries one (`POST /response/<id>`),
 * and the fake records what the app posts there and shows it: ephemeral to the invoking user by
 * default, `response_type: "in_channel"` as a bot message in the channel, `replace_original` and
 * `delete_original` on the message an action came from. Slack allows 5 posts within 30 minutes.
 * @see https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
 */
import { randomBytes } from 'node:crypto';
import type { FakeReply, FakeServer, RecordedRequest } from '../fake-server.js';
import { botAuthor } from './methods-chat.js';
import type { MessageClock } from './messages.js';
import { isRecord, structured, text } from './wire.js';
import type { World } from './world.js';

const MAX_USES = 5;
const LIFETIME_MS = 30 * 60_000;

/** Where a response goes: who invoked what, in which channel, on which message. */
export interface ResponseUrlContext {
  readonly teamId: string;
  readonly userId: string;
  readonly channelId?: string;
  /** The message an action was taken on, for `replace_original` / `delete_original`. */
  readonly messageTs?: string;
}

/** One post the app made to a response URL. */
export interface ResponseUrlPost {
  /** The JSON the app sent. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly text?: string;
  readonly blocks?: readonly unknown[];
  readonly responseType: 'ephemeral' | 'in_channel';
  readonly replaceOriginal: boolean;
  readonly deleteOriginal: boolean;
}

export interface FakeResponseUrl {
  readonly url: string;
  /** What the app posted, oldest first (refused posts are not recorded). */
  readonly posts: readonly ResponseUrlPost[];
  /** The `index`-th post (0-based; the first by default), now or once it arrives. */
  post(index?: number): Promise<ResponseUrlPost>;
}

interface Entry extends FakeResponseUrl {
  readonly context: ResponseUrlContext;
  readonly issuedAt: number;
  readonly posts: ResponseUrlPost[];
  readonly waiters: Array<{ readonly index: number; readonly resolve: (post: ResponseUrlPost) => void }>;
}

interface Deps {
  readonly server: FakeServer;
  readonly world: World;
  readonly clock: MessageClock;
  readonly now: () => number;
}

const refuse = (status: number, code: string): FakeReply => ({ status, json: { ok: false, error: code } });

/** The JSON body Bolt's `respond()` sends, or the form `payload=` older clients send. */
function readBody(request: RecordedRequest): Record<string, unknown> | undefined {
  const type = request.headers['content-type'] ?? '';
  const raw = type.startsWith('application/x-www-form-urlencoded')
    ? structured(request.form().get('payload') ?? '')
    : structured(request.text());
  return raw !== undefined && raw !== 'invalid' && isRecord(raw.value) ? raw.value : undefined;
}

export function createResponseUrls({ server, world, clock, now }: Deps) {
  const entries = new Map<string, Entry>();

  /** Shows a post where Slack would: the channel, the original message, or the user's eyes only. */
  function apply(entry: Entry, post: ResponseUrlPost): void {
    const { channelId, messageTs, teamId, userId } = entry.context;
    const channel = channelId === undefined ? undefined : world.channels.get(channelId);
    const original = channel?.messages.findIndex((item) => item.message.ts === messageTs) ?? -1;
    if (post.deleteOriginal) {
      if (original >= 0) channel?.messages.splice(original, 1);
      return;
    }
    const item = original >= 0 ? channel?.messages[original] : undefined;
    if (post.replaceOriginal && item) {
      item.message = {
        ...item.message,
        text: post.text ?? '',
        ...(post.blocks ? { blocks: post.blocks } : {}),
      };
    } else if (post.responseType === 'in_channel' && channel) {
      const bot = botAuthor(world.workspaceOrThrow(teamId), world.appId);
      clock.store(channel.messages, { text: post.text, blocks: post.blocks }, bot);
    } else if (channelId !== undefined) {
      world.ephemerals.push({
        channel: channelId,
        user: userId,
        ts: clock.nextTs(),
        text: post.text ?? '',
        ...(post.blocks ? { blocks: post.blocks } : {}),
        via: 'response_url',
      });
    }
  }

  function receive(request: RecordedRequest, id: string): FakeReply {
    const entry = entries.get(id);
    if (!entry) return refuse(404, 'invalid_url');
    if (now() - entry.issuedAt > LIFETIME_MS) return refuse(404, 'expired_url');
    if (entry.posts.length >= MAX_USES) return refuse(404, 'used_url');
    const body = readBody(request);
    if (!body) return refuse(400, 'invalid_payload');
    const blocks = Array.isArray(body.blocks) ? (body.blocks as readonly unknown[]) : undefined;
    const post: ResponseUrlPost = {
      body,
      ...(text(body.text) === undefined ? {} : { text: text(body.text) }),
      ...(blocks ? { blocks } : {}),
      responseType: body.response_type === 'in_channel' ? 'in_channel' : 'ephemeral',
      replaceOriginal: body.replace_original === true || body.replace_original === 'true',
      deleteOriginal: body.delete_original === true || body.delete_original === 'true',
    };
    if (!post.deleteOriginal && !post.text && !blocks) return refuse(400, 'no_text');
    apply(entry, post);
    entry.posts.push(post);
    for (const waiter of entry.waiters.filter((w) => w.index === entry.posts.length - 1)) {
      entry.waiters.splice(entry.waiters.indexOf(waiter), 1);
      waiter.resolve(post);
    }
    return { json: { ok: true } };
  }

  server.on('POST', '/response/:id', (request, { id = '' }) => receive(request, id));

  return {
    issue(context: ResponseUrlContext): FakeResponseUrl {
      const id = randomBytes(12).toString('hex');
      const entry: Entry = {
        url: `${server.url}/response/${id}`,
        context,
        issuedAt: now(),
        posts: [],
        waiters: [],
        post(index = 0) {
          const existing = entry.posts[index];
          if (existing) return Promise.resolve(existing);
          return new Promise((resolve) => entry.waiters.push({ index, resolve }));
        },
      };
      entries.set(id, entry);
      return entry;
    },
    /** The response URL the fake issued with this address. */
    find(url: string): FakeResponseUrl | undefined {
      return entries.get(url.slice(url.lastIndexOf('/') + 1));
    },
  };
}

export type ResponseUrls = ReturnType<typeof createResponseUrls>;
