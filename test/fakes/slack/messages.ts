/**
 * Channel messages as Slack keeps them: a `ts` of Unix seconds and microseconds, unique in the
 * channel and increasing, and the pure helpers that order and page them.
 */
import type { SlackFileObject } from './files.js';

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
  /** Files shared with the message, as Slack's file objects. */
  readonly files?: readonly SlackFileObject[];
  readonly upload?: boolean;
}

export interface FakeMessageInput {
  readonly text?: string;
  readonly blocks?: readonly unknown[];
  readonly metadata?: SlackMessageMetadata;
  /** When it was posted; now by default. */
  readonly at?: Date;
  /** Posted by someone else rather than by the bot. */
  readonly byUser?: string;
  /** Files shared with it: ids the fake's `uploadFile` returned. */
  readonly files?: readonly string[];
}

/** What is stored: the input with its files resolved into Slack's file objects. */
export type StoredMessageInput = Omit<FakeMessageInput, 'files'> & {
  readonly files?: readonly SlackFileObject[];
};

/** Ordered by `micros`, oldest first. */
export type MessageList = Array<{ readonly micros: number; message: FakeSlackMessage }>;

const TS = /^(\d+)(?:\.(\d{1,6}))?$/u;

export const formatTs = (micros: number) =>
  `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;

export function parseTs(value: unknown): number | undefined {
  const match = typeof value === 'string' || typeof value === 'number' ? TS.exec(String(value)) : null;
  if (!match) return undefined;
  return Number(match[1]) * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0'));
}

/** First index whose micros is greater than `micros` (or equal too, when `inclusive`). */
export function lowerBound(list: MessageList, micros: number, inclusive: boolean): number {
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

/** Who a stored message is from when the bot posts it. */
export interface BotAuthor {
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
}

/**
 * Stores messages with fresh `ts` values. Slack's ts is unique in a channel and increases; the
 * fake's also never sits on a whole millisecond, so a message posted in the same millisecond as a
 * `Date` taken before it is still after it.
 */
export function createMessageClock(now: () => number) {
  let lastMicros = 0;
  let seeded = 0;

  function nextMicros(at: Date | undefined): number {
    if (at !== undefined) return at.getTime() * 1000 + 1 + (seeded++ % 999);
    lastMicros = Math.max(now() * 1000 + 1, lastMicros + 1);
    return lastMicros;
  }

  return {
    /** A ts for something that is not kept in a channel's history (an ephemeral message). */
    nextTs: () => formatTs(nextMicros(undefined)),
    store(list: MessageList, input: StoredMessageInput, bot: BotAuthor): FakeSlackMessage {
      let micros = nextMicros(input.at);
      let index = lowerBound(list, micros, true);
      while (list[index]?.micros === micros) {
        micros += 1;
        index = lowerBound(list, micros, true);
      }
      const message: FakeSlackMessage = {
        type: 'message',
        ts: formatTs(micros),
        text: input.text ?? '',
        team: bot.teamId,
        ...(input.byUser === undefined
          ? { user: bot.botUserId, bot_id: bot.botId, app_id: bot.appId }
          : { user: input.byUser }),
        ...(input.blocks === undefined ? {} : { blocks: input.blocks }),
        ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
        ...(input.files?.length ? { files: input.files, upload: false } : {}),
      };
      list.splice(index, 0, { micros, message });
      return message;
    },
  };
}

export type MessageClock = ReturnType<typeof createMessageClock>;
