/**
 * What Herald's Slack app does with each kind of request, all acked at once (Slack's 3 s) and
 * answered afterwards through the request's `response_url` (private unless the reply says
 * otherwise), a modal, or an ephemeral message:
 * - `/herald …`: parsed (bot/slack/parse-text.ts) into a catalogue command and run; `/herald post`
 *   without text opens the post modal instead (bot/slack/post-handlers.ts, with the message shortcut);
 * - a button: the catalogue action in its `action_id`;
 * - a modal submission: the action in its `callback_id`, with the typed values;
 * - App Home opened: the Home view, published again after every change an admin makes.
 */
import type { App, BlockAction, ButtonAction, SlashCommand, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { SLACK_OPEN_POST_ACTION_ID } from '../../embeds/index.js';
import { runAction, runCommand, type Catalogue } from '../commands/dispatch.js';
import type { CommandContext, CommandDeps } from '../commands/context.js';
import { reply, type CommandResult } from '../commands/reply.js';
import { removeSlackInstall } from '../../core/slack-installations.js';
import { slackFollowUp } from '../../core/chat-follow-up.js';
import { answerPrivately, failure } from './answer.js';
import { slackContext, type SlackRequester } from './context.js';
import { homeView, loadHome } from './home.js';
import { parseCommandText } from './parse-text.js';
import { openPostModal, postModalRequest, registerPostHandlers } from './post-handlers.js';
import { POST_MODAL_CALLBACK } from './post-modal.js';
import { renderModal, renderReply } from './render.js';

export interface HandlerDeps {
  readonly catalogue: Catalogue;
  readonly deps: CommandDeps;
  readonly adminUserGroup: string | undefined;
}

type Respond = (message: Record<string, unknown>) => Promise<unknown>;

async function publishHome(client: WebClient, ctx: CommandContext, userId: string): Promise<void> {
  const view = homeView(await loadHome(ctx.deps.pool, ctx.tenant.id));
  await client.views.publish({ user_id: userId, view });
}

/** Answer with a reply, or open a form as a modal (the trigger is good for 3 s after the request). */
async function deliver(
  result: CommandResult,
  channels: { respond: Respond; client: WebClient; triggerId: string | undefined; metadata: string },
): Promise<void> {
  if (result.kind === 'form') {
    if (channels.triggerId) {
      await channels.client.views.open({
        trigger_id: channels.triggerId,
        view: renderModal(result, channels.metadata),
      });
      return;
    }
    result = reply.error(
      'This needs a form, which Slack can only open right after a command. Run the command again.',
    );
  }
  const message = renderReply(result);
  await channels.respond({ ...message, response_type: result.private ? 'ephemeral' : 'in_channel' });
}

export function registerHandlers(app: App, handler: HandlerDeps): void {
  const { catalogue, deps, adminUserGroup } = handler;
  const contextFor = (who: SlackRequester, client: WebClient) =>
    slackContext(who, client, deps, adminUserGroup);

  app.command('/herald', async ({ command, ack, respond, client }) => {
    await ack();
    const text = command.text.trim() || 'herald help';
    const normalized = /^help\b/i.test(text) ? 'herald help' : text;
    const who = requester(command);
    try {
      const prefill = postModalRequest(catalogue.commands, normalized);
      if (prefill) {
        const refused = await openPostModal(client, await contextFor(who, client), {
          triggerId: command.trigger_id,
          prefill,
          metadata: { channel: command.channel_id, responseUrl: command.response_url, files: [] },
        });
        if (refused) await respond({ ...renderReply(refused), response_type: 'ephemeral' });
        return;
      }
      const parsed = parseCommandText(catalogue.commands, normalized);
      if (!parsed.ok) {
        const example = parsed.command ? `\nExample: \`/herald ${parsed.command.example}\`` : '';
        await respond({
          ...renderReply(reply.error(`${parsed.problem}${example}`)),
          response_type: 'ephemeral',
        });
        return;
      }
      const ctx = { ...(await contextFor(who, client)), followUp: slackFollowUp(command.response_url) };
      const result = await runCommand(catalogue, ctx, parsed.command.path, parsed.raw);
      const metadata = JSON.stringify({ channel: command.channel_id });
      await deliver(result, { respond, client, triggerId: command.trigger_id, metadata });
      if (
        ctx.user.isAdmin &&
        parsed.command.requires === 'admin' &&
        result.kind === 'reply' &&
        result.tone === 'success'
      ) {
        await publishHome(client, ctx, command.user_id).catch(() => undefined);
      }
    } catch (err) {
      await respond({ ...renderReply(failure(deps, err, 'command')), response_type: 'ephemeral' });
    }
  });

  app.action<BlockAction<ButtonAction>>(
    { type: 'block_actions' },
    async ({ action, body, ack, respond, client }) => {
      await ack();
      // The "Open on …" link button of delivered posts: the browser opens the link; nothing to run.
      if (action.action_id === SLACK_OPEN_POST_ACTION_ID) return;
      try {
        const ctx = await contextFor(
          {
            teamId: body.team?.id ?? '',
            teamName: body.team?.domain ?? '',
            userId: body.user.id,
            userName: body.user.name ?? body.user.id,
            channelId: body.channel?.id,
          },
          client,
        );
        const result = await runAction(catalogue, ctx, action.action_id);
        const metadata = JSON.stringify({ channel: body.channel?.id });
        await deliver(result, { respond, client, triggerId: body.trigger_id, metadata });
      } catch (err) {
        await respond({ ...renderReply(failure(deps, err, 'button')), response_type: 'ephemeral' });
      }
    },
  );

  registerPostHandlers(app, { catalogue, deps, contextFor });

  app.view<ViewSubmitAction>({ type: 'view_submission' }, async ({ view, body, ack, client }) => {
    // The post modal has its own listener (Bolt runs every matching one): it acknowledges it.
    if (view.callback_id === POST_MODAL_CALLBACK) return;
    await ack();
    const channel = (JSON.parse(view.private_metadata || '{}') as { channel?: string }).channel;
    const form: Record<string, string> = {};
    for (const [blockId, actions] of Object.entries(view.state.values)) {
      const value = Object.values(actions)[0]?.value;
      if (typeof value === 'string') form[blockId] = value;
    }
    const who = {
      teamId: body.team?.id ?? view.team_id,
      teamName: body.team?.domain ?? '',
      userId: body.user.id,
      userName: body.user.name,
      channelId: channel,
    };
    let result: CommandResult;
    try {
      result = await runAction(catalogue, await contextFor(who, client), view.callback_id, form);
    } catch (err) {
      result = failure(deps, err, 'form');
    }
    const message = renderReply(result.kind === 'reply' ? result : reply.error('Run the command again.'));
    // A modal has no response_url: the answer goes to the channel it was opened from, for this user only.
    await answerPrivately(client, { userId: body.user.id, channel }, message);
  });

  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const ctx = await contextFor(
      { teamId: body.team_id, teamName: '', userId: event.user, userName: event.user, channelId: undefined },
      client,
    );
    await publishHome(client, ctx, event.user);
  });
}

/** A workspace that removed Herald keeps its history but loses its token (and its deliveries pause). */
export function registerUninstall(app: App, deps: CommandDeps): void {
  app.event('app_uninstalled', async ({ body }) => {
    await removeSlackInstall(deps.pool, body.team_id);
    deps.logger.info({ teamId: body.team_id }, 'slack workspace uninstalled herald');
  });
  app.event('tokens_revoked', async ({ event, body }) => {
    if ((event.tokens.bot ?? []).length === 0) return;
    await removeSlackInstall(deps.pool, body.team_id);
    deps.logger.info({ teamId: body.team_id }, "slack workspace revoked herald's bot token");
  });
}

function requester(command: SlashCommand): SlackRequester {
  return {
    teamId: command.team_id,
    teamName: command.team_domain,
    userId: command.user_id,
    userName: command.user_name,
    channelId: command.channel_id,
  };
}
