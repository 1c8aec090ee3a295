/**
 * Writing a post in a modal: `/herald post` (or `post new` without text) and the "Publish to social"
 * message shortcut open it; its submission is checked at once (errors under the fields, modal kept
 * open) and otherwise acknowledged, then run as `post new`. The preview, with its Publish (or
 * Schedule), Edit and Cancel buttons, comes back as an ephemeral message through the response URL of
 * the command or shortcut, which is also where the worker reports the result: buttons on a message
 * arrive as ordinary `block_actions` with their own response URL, which every catalogue action
 * answers through, and Edit's form opens from their trigger.
 * @see https://docs.slack.dev/interactivity/implementing-shortcuts#messages
 */
import type { App, MessageShortcut } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { listAccounts, type AccountSummary } from '../../core/account-store.js';
import { slackFollowUp } from '../../core/chat-follow-up.js';
import type { Command } from '../commands/command.js';
import type { CommandContext, CommandDeps } from '../commands/context.js';
import { allowed, refused, runCommand, type Catalogue } from '../commands/dispatch.js';
import { reply, type Reply } from '../commands/reply.js';
import { answerPrivately, failure } from './answer.js';
import type { SlackRequester } from './context.js';
import { postFromMessage } from './message-post.js';
import {
  POST_MODAL_CALLBACK,
  postModal,
  readPostMetadata,
  type PostModalMetadata,
  type PostModalPrefill,
} from './post-modal.js';
import { readPostSubmission } from './post-submission.js';
import { parseCommandText } from './parse-text.js';
import { renderReply } from './render.js';

/** The message shortcut's callback id (slack/manifest.yml). */
export const PUBLISH_SHORTCUT = 'publish_to_social';

const POST_NEW = ['post', 'new'] as const;

/**
 * `/herald post`, or `/herald post new` with options but no text: the modal, pre-filled with what
 * was typed. Undefined for anything else (which runs as a command).
 */
export function postModalRequest(commands: readonly Command[], text: string): PostModalPrefill | undefined {
  if (/^post$/i.test(text.trim())) return {};
  const parsed = parseCommandText(commands, text);
  if (!parsed.ok || parsed.command.path.join(' ') !== POST_NEW.join(' ')) return undefined;
  const { raw } = parsed;
  if (raw.text !== undefined) return undefined;
  return {
    accounts: typeof raw.accounts === 'string' ? raw.accounts.split(',') : undefined,
    campaign: typeof raw.campaign === 'string' ? raw.campaign : undefined,
    thread: raw.thread === true,
  };
}

/** Account words as `post new` reads them (id, handle or platform) into the ids they name. */
function tickedAccounts(
  accounts: readonly AccountSummary[],
  words: readonly string[] | undefined,
): string[] | undefined {
  if (!words) return undefined;
  const wanted = words.map((word) => word.trim().replace(/^@/, '').toLowerCase()).filter(Boolean);
  return accounts
    .filter((a) => wanted.some((w) => a.id === w || a.handle.toLowerCase() === w || a.platform === w))
    .map((a) => a.id);
}

/** Opens the modal; the reply to show instead when there is nothing to post to. */
export async function openPostModal(
  client: WebClient,
  ctx: CommandContext,
  opening: {
    readonly triggerId: string;
    readonly prefill: PostModalPrefill;
    readonly metadata: PostModalMetadata;
  },
): Promise<Reply | undefined> {
  // Refused before the form, not after it was filled in.
  if (!(await allowed(ctx, 'publisher'))) return refused(ctx, '`post new`', 'publisher');
  const accounts = (await listAccounts(ctx.deps.pool, ctx.tenant.id)).filter((a) => a.platform !== 'rss');
  if (accounts.length === 0)
    return reply.error('No linked account can be posted to yet. Link one with `social connect`.');
  const prefill = { ...opening.prefill, accounts: tickedAccounts(accounts, opening.prefill.accounts) };
  await client.views.open({
    trigger_id: opening.triggerId,
    view: postModal(accounts, prefill, opening.metadata),
  });
  return undefined;
}

export interface PostHandlerDeps {
  readonly catalogue: Catalogue;
  readonly deps: CommandDeps;
  readonly contextFor: (who: SlackRequester, client: WebClient) => Promise<CommandContext>;
}

export function registerPostHandlers(app: App, { catalogue, deps, contextFor }: PostHandlerDeps): void {
  app.shortcut<MessageShortcut>(
    { type: 'message_action', callback_id: PUBLISH_SHORTCUT },
    async ({ shortcut, ack, client, respond }) => {
      await ack();
      const who: SlackRequester = {
        teamId: shortcut.team?.id ?? shortcut.user.team_id ?? '',
        teamName: shortcut.team?.domain ?? '',
        userId: shortcut.user.id,
        userName: shortcut.user.name,
        channelId: shortcut.channel.id,
      };
      let refused: Reply | undefined;
      try {
        const message = postFromMessage(shortcut.message);
        refused = await openPostModal(client, await contextFor(who, client), {
          triggerId: shortcut.trigger_id,
          prefill: { text: message.text, skippedFiles: message.skipped },
          metadata: { channel: who.channelId, responseUrl: shortcut.response_url, files: [...message.files] },
        });
      } catch (err) {
        refused = failure(deps, err, 'shortcut');
      }
      if (refused) await respond({ ...renderReply(refused), response_type: 'ephemeral' });
    },
  );

  app.view(
    { type: 'view_submission', callback_id: POST_MODAL_CALLBACK },
    async ({ view, body, ack, client }) => {
      const metadata = readPostMetadata(view.private_metadata);
      const submitted = readPostSubmission(view.state.values, metadata, deps.now?.() ?? new Date());
      if (!submitted.ok) {
        await ack({ response_action: 'errors', errors: { ...submitted.errors } });
        return;
      }
      // Downloading the files can take longer than Slack's 3 s: the modal closes now, the preview follows.
      await ack();
      const who: SlackRequester = {
        teamId: body.team?.id ?? view.team_id,
        teamName: body.team?.domain ?? '',
        userId: body.user.id,
        userName: body.user.name,
        channelId: metadata.channel,
      };
      let answer: Reply;
      try {
        const base = await contextFor(who, client);
        const ctx = metadata.responseUrl ? { ...base, followUp: slackFollowUp(metadata.responseUrl) } : base;
        const result = await runCommand(catalogue, ctx, POST_NEW, submitted.raw);
        answer = result.kind === 'reply' ? result : reply.error('Run `/herald post` again.');
      } catch (err) {
        answer = failure(deps, err, 'post form');
      }
      await answerPrivately(
        client,
        { userId: who.userId, channel: metadata.channel, responseUrl: metadata.responseUrl },
        renderReply(answer),
      );
    },
  );
}
