/**
 * Failures a test can inject into the Discord fake: 429s per scope, 5xx (JSON from Discord, HTML
 * from the proxy in front of it), slow, malformed and dropped answers, and Create Message answers
 * held back after the message is stored (a sender killed between send and record).
 */
import type { APIMessage } from 'discord-api-types/v10';
import { createHeldAnswers, type HeldAnswers } from '../held-answers.js';
import type { FakeReply, FakeServer } from '../fake-server.js';
import type { RateLimitScope, RateLimits } from './rate-limits.js';
import { discordError } from './wire.js';

export interface FakeFaultOptions {
  readonly path?: string | RegExp;
  readonly times?: number;
}

/** Create Message answers kept back (see `DiscordFaults.holdCreatedMessages`). */
export type HeldDiscordMessages = HeldAnswers<APIMessage>;

export interface DiscordFaults {
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

/** Holds back the answers of created messages while a test asks it to. */
export function createHolds() {
  const held = createHeldAnswers<APIMessage>();
  return {
    hold(reply: FakeReply): FakeReply | Promise<FakeReply> {
      const created =
        (reply.status ?? 200) === 200 && typeof (reply.json as { id?: unknown })?.id === 'string';
      return created ? held.hold(reply.json as APIMessage, reply) : reply;
    },
    holdCreatedMessages: (options: { readonly times?: number } = {}): HeldDiscordMessages =>
      held.start(options),
  };
}

export function faultHelpers(
  server: FakeServer,
  limits: RateLimits,
  fresh: () => Record<string, string>,
): Omit<DiscordFaults, 'holdCreatedMessages'> {
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
          ? discordError(500, '500: Internal Server Error', 0)
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
