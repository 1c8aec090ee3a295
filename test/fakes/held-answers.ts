/**
 * Answers a fake keeps back while a test asks it to: the message is stored (the platform has it) but
 * its answer waits until `release()`, as when the sender dies between send and record. Shared by the
 * Discord (Create Message) and Slack (`chat.postMessage`) fakes.
 */
import type { FakeReply } from './fake-server.js';

/** What a test holds: the messages stored so far whose answers wait, and a way to send them. */
export interface HeldAnswers<M> {
  /** The messages stored so far whose answers are held, oldest first. */
  readonly messages: readonly M[];
  /** Resolves with the first held message, once it is stored. */
  readonly first: Promise<M>;
  /** Sends the held answers (a caller that went away never reads them) and stops holding. */
  release(): void;
}

interface Hold<M> {
  remaining: number;
  readonly messages: M[];
  readonly waiting: Array<() => void>;
  readonly stored: (message: M) => void;
}

export function createHeldAnswers<M>() {
  const holds: Array<Hold<M>> = [];
  return {
    /** Whether any hold still waits for a message (skip the lookup of the message otherwise). */
    active: (): boolean => holds.some((entry) => entry.remaining > 0),
    /** `reply`, or a promise of it when a hold takes `message`. */
    hold(message: M, reply: FakeReply): FakeReply | Promise<FakeReply> {
      const active = holds.find((entry) => entry.remaining > 0);
      if (!active) return reply;
      active.remaining -= 1;
      active.messages.push(message);
      active.stored(message);
      return new Promise<FakeReply>((resolve) => active.waiting.push(() => resolve(reply)));
    },
    /** Hold the answers of the next `times` (default 1) messages. */
    start(options: { readonly times?: number } = {}): HeldAnswers<M> {
      let stored: (message: M) => void = () => undefined;
      const first = new Promise<M>((resolve) => {
        stored = resolve;
      });
      const entry: Hold<M> = { remaining: options.times ?? 1, messages: [], waiting: [], stored };
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
