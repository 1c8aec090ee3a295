/**
 * Answering one person privately when the request itself cannot carry the answer (a modal's
 * submission has no `respond`): through the response URL of the command or shortcut that opened the
 * modal when there is one (it works in any channel, the bot a member or not), else an ephemeral
 * message in the channel, else a direct message. And the one reply for an unexpected failure.
 * @see https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
 * @see https://docs.slack.dev/reference/methods/chat.postEphemeral
 */
import { randomBytes } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { CommandDeps } from '../commands/context.js';
import { reply, type Reply } from '../commands/reply.js';
import type { SlackMessage } from './render.js';

export interface PrivateTarget {
  readonly userId: string;
  readonly channel: string | undefined;
  readonly responseUrl?: string | undefined;
}

const RESPONSE_URL_TIMEOUT_MS = 5_000;

async function viaResponseUrl(url: string, message: SlackMessage): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...message, response_type: 'ephemeral', replace_original: false }),
      signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS),
    });
    return response.ok;
  } catch {
    return false;
  }
}

export async function answerPrivately(
  client: WebClient,
  target: PrivateTarget,
  message: SlackMessage,
): Promise<void> {
  if (target.responseUrl && (await viaResponseUrl(target.responseUrl, message))) return;
  if (target.channel) {
    const sent = await client.chat
      .postEphemeral({ channel: target.channel, user: target.userId, ...message })
      .then(() => true)
      .catch(() => false);
    if (sent) return;
  }
  await client.chat.postMessage({ channel: target.userId, ...message });
}

/** An unexpected failure: logged with a reference the person can quote. */
export function failure(deps: CommandDeps, err: unknown, what: string): Reply {
  const ref = randomBytes(4).toString('hex');
  deps.logger.error({ ref, err: err instanceof Error ? err.message : String(err) }, `slack ${what} failed`);
  return reply.error(
    `Herald hit an unexpected problem (reference ${ref}). Try again; if it keeps happening, the person running Herald can find ${ref} in its log.`,
  );
}
