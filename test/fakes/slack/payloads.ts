/**
 * What Slack sends an app, built from the fake's world in Slack's shapes (typed with Bolt's own
 * payload types): slash commands, `block_actions`, `view_submission`, global and message shortcuts
 * and Events API envelopes. Each command or interaction gets a fresh `trigger_id` (for `views.open`) and, where
 * Slack gives one, a `response_url` on the fake. The same payloads travel over HTTP and Socket Mode.
 * @see https://docs.slack.dev/interactivity/implementing-slash-commands
 * @see https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
 * @see https://docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload
 * @see https://docs.slack.dev/apis/events-api/#callback-field
 */
import { randomBytes } from 'node:crypto';
import type {
  BlockAction,
  ButtonAction,
  EnvelopedEvent,
  GlobalShortcut,
  MessageShortcut,
  SlashCommand,
  ViewOutput,
  ViewStateValue,
  ViewSubmitAction,
} from '@slack/bolt';
import type { AppHomeOpenedEvent, Block } from '@slack/types';
import type { Triggers } from './methods-views.js';
import type { FakeResponseUrl, ResponseUrls } from './response-urls.js';
import { isRecord } from './wire.js';
import type { FakeUser, SlackView, Workspace, World } from './world.js';

export interface SlashCommandInput {
  /** The fake's default workspace when absent. */
  readonly teamId?: string;
  readonly userId: string;
  /** A channel of the workspace, or a DM id (`D…`). */
  readonly channelId: string;
  /** `/herald` by default. */
  readonly command?: string;
  /** Everything after the command. */
  readonly text?: string;
}

export interface BlockActionInput {
  readonly teamId?: string;
  readonly userId: string;
  /** The message the button is on: its channel and ts. */
  readonly channelId?: string;
  readonly messageTs?: string;
  /** Or the view (a modal or the Home tab) the button is in. */
  readonly viewId?: string;
  readonly actionId: string;
  readonly blockId?: string;
  readonly value?: string;
  /** The button's label. */
  readonly label?: string;
}

export interface ViewSubmissionInput {
  /** A modal the app opened with `views.open`. */
  readonly viewId: string;
  /** `state.values`: block id → action id → value. */
  readonly values?: Readonly<Record<string, Readonly<Record<string, ViewStateValue>>>>;
}

export interface ShortcutInput {
  readonly teamId?: string;
  readonly userId: string;
  readonly callbackId: string;
}

export interface MessageShortcutInput {
  readonly teamId?: string;
  readonly userId: string;
  /** The message the shortcut was used on: its channel and ts (it must be in the fake's history). */
  readonly channelId: string;
  readonly messageTs: string;
  readonly callbackId: string;
}

/** A payload together with what Slack issued with it. */
export interface Issued<T> {
  readonly payload: T;
  readonly triggerId: string;
  /** Absent where Slack gives none (actions in views, view submissions, shortcuts). */
  readonly responseUrl?: FakeResponseUrl;
}

/** Slack leaves `response_url` out of actions taken in a view; Bolt's type has it always. */
export type BlockActionPayload = Omit<BlockAction<ButtonAction>, 'response_url'> & { response_url?: string };

/** Any Events API event: a type and its fields (Slack's event types from `@slack/types` fit). */
export interface SlackEventInput {
  readonly type: string;
}

interface Deps {
  readonly world: World;
  readonly triggers: Triggers;
  readonly responseUrls: ResponseUrls;
  readonly defaultTeam: () => string;
  /** The deprecated verification token Slack still puts in payloads. */
  readonly verificationToken: string;
}

const isBlock = (value: unknown): value is Block => isRecord(value) && typeof value.type === 'string';
const plainText = (value: unknown): ViewOutput['submit'] =>
  isRecord(value) && value.type === 'plain_text' && typeof value.text === 'string'
    ? { type: 'plain_text', text: value.text }
    : null;
const nowTs = () => (Date.now() / 1000).toFixed(6);

/** A stored view in the shape Bolt types interaction payloads with. */
export function toViewOutput(view: SlackView, values: ViewOutput['state']['values'] = {}): ViewOutput {
  return {
    ...view,
    title: plainText(view.title) ?? { type: 'plain_text', text: '' },
    submit: plainText(view.submit),
    close: plainText(view.close),
    blocks: view.blocks.filter(isBlock),
    state: { values: { ...values } },
  };
}

export function createPayloads({ world, triggers, responseUrls, defaultTeam, verificationToken }: Deps) {
  let eventSequence = 0;

  function actor(teamId: string | undefined, userId: string): { workspace: Workspace; user: FakeUser } {
    const workspace = world.workspaceOrThrow(teamId ?? defaultTeam());
    const user = world.users.get(userId);
    if (!user || user.teamId !== workspace.id)
      throw new Error(`fake Slack has no user ${userId} in ${workspace.id}`);
    return { workspace, user };
  }

  function channelName(channelId: string, teamId: string): string {
    const channel = world.channels.get(channelId);
    if (channel?.teamId === teamId) return channel.name;
    if (channelId.startsWith('D')) return 'directmessage';
    throw new Error(`fake Slack has no channel ${channelId} in ${teamId}`);
  }

  const team = (workspace: Workspace) => ({ id: workspace.id, domain: workspace.domain });

  return {
    slashCommand(input: SlashCommandInput): Issued<SlashCommand> {
      const { workspace, user } = actor(input.teamId, input.userId);
      const context = { teamId: workspace.id, userId: user.id, channelId: input.channelId };
      const responseUrl = responseUrls.issue(context);
      const triggerId = triggers.issue(workspace.id, user.id);
      const payload: SlashCommand = {
        token: verificationToken,
        team_id: workspace.id,
        team_domain: workspace.domain,
        channel_id: input.channelId,
        channel_name: channelName(input.channelId, workspace.id),
        user_id: user.id,
        user_name: user.name,
        command: input.command ?? '/herald',
        text: input.text ?? '',
        api_app_id: world.appId,
        is_enterprise_install: 'false',
        response_url: responseUrl.url,
        trigger_id: triggerId,
      };
      return { payload, triggerId, responseUrl };
    },

    blockActions(input: BlockActionInput): Issued<BlockActionPayload> {
      const { workspace, user } = actor(input.teamId, input.userId);
      const triggerId = triggers.issue(workspace.id, user.id);
      const action: ButtonAction = {
        type: 'button',
        action_id: input.actionId,
        block_id: input.blockId ?? randomBytes(3).toString('base64url'),
        text: { type: 'plain_text', text: input.label ?? input.actionId, emoji: true },
        ...(input.value === undefined ? {} : { value: input.value }),
        action_ts: nowTs(),
      };
      const base = {
        type: 'block_actions' as const,
        user: { id: user.id, username: user.name, name: user.name, team_id: workspace.id },
        api_app_id: world.appId,
        token: verificationToken,
        trigger_id: triggerId,
        team: team(workspace),
        is_enterprise_install: false,
        actions: [action],
      };
      if (input.viewId !== undefined) {
        const stored = world.views.get(input.viewId);
        if (!stored) throw new Error(`fake Slack has no view ${input.viewId}`);
        const view = toViewOutput(stored.view);
        const container = { type: 'view', view_id: view.id };
        return { payload: { ...base, container, view, state: view.state }, triggerId };
      }
      const channelId = input.channelId ?? '';
      const ts = input.messageTs ?? '';
      const stored = world.channels
        .get(channelId)
        ?.messages.find((entry) => entry.message.ts === ts)?.message;
      // A button on a message only this user sees: Slack sends no copy of that message.
      const ephemeral = world.ephemerals.some(
        (entry) => entry.channel === channelId && entry.ts === ts && entry.user === user.id,
      );
      const responseUrl = responseUrls.issue({
        teamId: workspace.id,
        userId: user.id,
        channelId,
        messageTs: ts,
      });
      const payload: BlockActionPayload = {
        ...base,
        container: { type: 'message', message_ts: ts, channel_id: channelId, is_ephemeral: ephemeral },
        channel: { id: channelId, name: channelName(channelId, workspace.id) },
        ...(ephemeral ? {} : { message: stored ? { ...stored } : { type: 'message', ts, text: '' } }),
        state: { values: {} },
        response_url: responseUrl.url,
      };
      return { payload, triggerId, responseUrl };
    },

    viewSubmission(input: ViewSubmissionInput): Issued<ViewSubmitAction> {
      const stored = world.views.get(input.viewId);
      if (!stored) throw new Error(`fake Slack has no view ${input.viewId}`);
      const { workspace, user } = actor(stored.teamId, stored.userId);
      const triggerId = triggers.issue(workspace.id, user.id);
      const payload: ViewSubmitAction = {
        type: 'view_submission',
        team: team(workspace),
        user: { id: user.id, name: user.name, team_id: workspace.id },
        view: toViewOutput(stored.view, input.values),
        api_app_id: world.appId,
        token: verificationToken,
        trigger_id: triggerId,
        is_enterprise_install: false,
        response_urls: [],
      };
      return { payload, triggerId };
    },

    shortcut(input: ShortcutInput): Issued<GlobalShortcut> {
      const { workspace, user } = actor(input.teamId, input.userId);
      const triggerId = triggers.issue(workspace.id, user.id);
      const payload: GlobalShortcut = {
        type: 'shortcut',
        callback_id: input.callbackId,
        trigger_id: triggerId,
        user: { id: user.id, username: user.name, team_id: workspace.id },
        team: team(workspace),
        token: verificationToken,
        action_ts: nowTs(),
        is_enterprise_install: false,
      };
      return { payload, triggerId };
    },

    /** A message shortcut: the whole message (its files too), its channel, a response URL there. */
    messageShortcut(input: MessageShortcutInput): Issued<MessageShortcut> {
      const { workspace, user } = actor(input.teamId, input.userId);
      const message = world.channels
        .get(input.channelId)
        ?.messages.find((entry) => entry.message.ts === input.messageTs)?.message;
      if (!message) throw new Error(`fake Slack has no message ${input.messageTs} in ${input.channelId}`);
      const triggerId = triggers.issue(workspace.id, user.id);
      const responseUrl = responseUrls.issue({
        teamId: workspace.id,
        userId: user.id,
        channelId: input.channelId,
      });
      const { metadata: _hidden, ...shown } = message;
      const payload: MessageShortcut = {
        type: 'message_action',
        token: verificationToken,
        action_ts: nowTs(),
        team: team(workspace),
        user: { id: user.id, username: user.name, name: user.name, team_id: workspace.id },
        channel: { id: input.channelId, name: channelName(input.channelId, workspace.id) },
        is_enterprise_install: false,
        callback_id: input.callbackId,
        trigger_id: triggerId,
        response_url: responseUrl.url,
        message_ts: message.ts,
        message: { ...shown },
      };
      return { payload, triggerId, responseUrl };
    },

    /** The user opened the app's Home tab. */
    appHomeOpened(input: { readonly teamId?: string; readonly userId: string }): AppHomeOpenedEvent {
      const { user } = actor(input.teamId, input.userId);
      // The app's DM with the user: Slack gives each pair a stable `D…` id.
      return {
        type: 'app_home_opened',
        user: user.id,
        channel: `D${user.id.slice(1)}`,
        tab: 'home',
        event_ts: nowTs(),
      };
    },

    /** An Events API `event_callback` envelope around `event`, authorized for the workspace's bot. */
    eventCallback<E extends SlackEventInput>(event: E, teamId?: string): EnvelopedEvent<E> {
      const workspace = world.workspaceOrThrow(teamId ?? defaultTeam());
      eventSequence += 1;
      return {
        token: verificationToken,
        team_id: workspace.id,
        api_app_id: world.appId,
        event,
        type: 'event_callback',
        event_id: `Ev${String(eventSequence).padStart(9, '0')}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [
          {
            enterprise_id: null,
            team_id: workspace.id,
            user_id: workspace.botUserId,
            is_bot: true,
            is_enterprise_install: false,
          },
        ],
        is_ext_shared_channel: false,
        event_context: `4-${Buffer.from(`${workspace.id}:${eventSequence}`).toString('base64url')}`,
      };
    },
  };
}

export type Payloads = ReturnType<typeof createPayloads>;
