/**
 * Views: `views.open` shows a modal for a `trigger_id` the fake issued with a command or an
 * interaction (once, within 3 s: `exchanged_trigger_id`, `expired_trigger_id`), `views.update`
 * replaces an open one (by `view_id` or `external_id`; `hash` guards against races), and
 * `views.publish` sets a user's Home tab (`hash_conflict` likewise). Invalid views answer
 * `invalid_arguments` with Slack-style reasons in `response_metadata.messages` (see view-rules.ts).
 * @see https://docs.slack.dev/reference/methods/views.open
 * @see https://docs.slack.dev/reference/methods/views.update
 * @see https://docs.slack.dev/reference/methods/views.publish
 */
import { randomBytes } from 'node:crypto';
import type { MethodTable, WorkspaceCaller } from './web-api.js';
import { blockProblems } from './view-rules.js';
import { error, invalidArguments, isRecord, readView, text, type SlackBody } from './wire.js';
import type { SlackView, World } from './world.js';

/** Slack: "trigger_id expires in 3 seconds". */
export const TRIGGER_LIFETIME_MS = 3_000;
const MAX_MODAL_TITLE = 24;
const MAX_BUTTON_TEXT = 24;
const MAX_PRIVATE_METADATA = 3000;
const MAX_CALLBACK_ID = 255;

interface Trigger {
  readonly teamId: string;
  readonly userId: string;
  readonly issuedAt: number;
  used: boolean;
}

export function createTriggers(now: () => number) {
  const triggers = new Map<string, Trigger>();
  let sequence = 0;
  return {
    /** A trigger for something `userId` just did, like Slack's `12345.98765.abcd…`. */
    issue(teamId: string, userId: string): string {
      sequence += 1;
      const id = `${Math.floor(now() / 1000)}${sequence}.${1000 + sequence}.${randomBytes(16).toString('hex')}`;
      triggers.set(id, { teamId, userId, issuedAt: now(), used: false });
      return id;
    },
    /** Exchanges a trigger once; the Slack error when it cannot be. */
    consume(id: string, teamId: string): Trigger | string {
      const trigger = triggers.get(id);
      if (!trigger || trigger.teamId !== teamId) return 'invalid_trigger_id';
      if (trigger.used) return 'exchanged_trigger_id';
      if (now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) return 'expired_trigger_id';
      trigger.used = true;
      return trigger;
    },
  };
}

export type Triggers = ReturnType<typeof createTriggers>;

/** Reasons a modal is refused beyond the shape every view shares. */
function modalProblems(view: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (view.type !== 'modal') problems.push('[ERROR] must be a modal view [json-pointer:/view/type]');
  const title = isRecord(view.title) ? text(view.title.text) : undefined;
  if (!isRecord(view.title) || view.title.type !== 'plain_text' || !title)
    problems.push('[ERROR] missing required field: title [json-pointer:/view]');
  else if (title.length > MAX_MODAL_TITLE)
    problems.push(
      `[ERROR] must be less than ${MAX_MODAL_TITLE + 1} characters [json-pointer:/view/title/text]`,
    );
  for (const key of ['submit', 'close'] as const) {
    const button = view[key];
    if (button === undefined) continue;
    const label = isRecord(button) && button.type === 'plain_text' ? text(button.text) : undefined;
    if (label === undefined) problems.push(`[ERROR] must be a plain_text object [json-pointer:/view/${key}]`);
    else if (label.length > MAX_BUTTON_TEXT)
      problems.push(
        `[ERROR] must be less than ${MAX_BUTTON_TEXT + 1} characters [json-pointer:/view/${key}/text]`,
      );
  }
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  const hasInput = blocks.some((block) => isRecord(block) && block.type === 'input');
  if (hasInput && view.submit === undefined)
    problems.push('[ERROR] must provide submit when input blocks are present [json-pointer:/view/submit]');
  return [...problems, ...commonProblems(view)];
}

/** What every view is checked for: its blocks, and the sizes of the fields that come back. */
function commonProblems(view: Record<string, unknown>): string[] {
  const problems = blockProblems(view);
  const metadata = text(view.private_metadata) ?? '';
  if (metadata.length > MAX_PRIVATE_METADATA)
    problems.push(
      `[ERROR] must be less than ${MAX_PRIVATE_METADATA + 1} characters [json-pointer:/view/private_metadata]`,
    );
  if ((text(view.callback_id) ?? '').length > MAX_CALLBACK_ID)
    problems.push(
      `[ERROR] must be less than ${MAX_CALLBACK_ID + 1} characters [json-pointer:/view/callback_id]`,
    );
  return problems;
}

/** Why Slack would refuse to show `value` as a modal; an object with the view when it would not. */
export function checkModal(value: unknown): Record<string, unknown> | string[] {
  const view = readView(value);
  if (Array.isArray(view)) return view;
  const problems = modalProblems(view);
  return problems.length > 0 ? problems : view;
}

/** The views the fake shows: stored under fresh ids (or replaced under their own), and closed. */
export function createViewStore(world: World) {
  let viewSequence = 0;
  return {
    store(input: Record<string, unknown>, teamId: string, userId: string, id?: string): SlackView {
      const workspace = world.workspaceOrThrow(teamId);
      const viewId = id ?? `V${String(++viewSequence).padStart(10, '0')}`;
      const previous = id === undefined ? undefined : world.views.get(id)?.view;
      const view: SlackView = {
        id: viewId,
        team_id: workspace.id,
        type: String(input.type),
        blocks: Array.isArray(input.blocks) ? input.blocks : [],
        private_metadata: text(input.private_metadata) ?? '',
        callback_id: text(input.callback_id) ?? '',
        external_id: text(input.external_id) ?? '',
        state: { values: {} },
        hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
        title: input.title ?? null,
        submit: input.submit ?? null,
        close: input.close ?? null,
        clear_on_close: input.clear_on_close === true,
        notify_on_close: input.notify_on_close === true,
        root_view_id: previous?.root_view_id ?? viewId,
        previous_view_id: null,
        app_id: world.appId,
        app_installed_team_id: workspace.id,
        bot_id: workspace.botId,
      };
      world.views.set(viewId, { view, userId, teamId: workspace.id });
      return view;
    },
    /** The user submitted the modal and the app let it close, or the user dismissed it. */
    close(viewId: string): void {
      const entry = world.views.get(viewId);
      if (entry) world.views.set(viewId, { ...entry, closed: true });
    },
  };
}

export type ViewStore = ReturnType<typeof createViewStore>;

export function registerViewMethods(
  methods: MethodTable,
  world: World,
  triggers: Triggers,
  views: ViewStore,
): void {
  methods.set('views.open', {
    token: 'workspace',
    handler(args, _request, caller): SlackBody {
      const view = checkModal(args.view);
      if (Array.isArray(view)) return invalidArguments(...view);
      const triggerId = text(args.trigger_id) ?? text(args.interactivity_pointer);
      if (!triggerId) return invalidArguments('invalid `trigger_id`');
      const trigger = triggers.consume(triggerId, caller.workspace.id);
      if (typeof trigger === 'string') return error(trigger);
      return { ok: true, view: views.store(view, caller.workspace.id, trigger.userId) };
    },
  });

  methods.set('views.update', {
    token: 'workspace',
    handler(args, _request, caller): SlackBody {
      const view = checkModal(args.view);
      if (Array.isArray(view)) return invalidArguments(...view);
      const current = openModal(world, caller, text(args.view_id), text(args.external_id));
      if (typeof current === 'string') return error(current);
      const hash = text(args.hash);
      if (hash && current.view.hash !== hash) return error('hash_conflict');
      return { ok: true, view: views.store(view, caller.workspace.id, current.userId, current.view.id) };
    },
  });

  methods.set('views.publish', {
    token: 'workspace',
    handler(args, _request, caller): SlackBody {
      const view = readView(args.view);
      if (Array.isArray(view)) return invalidArguments(...view);
      if (view.type !== 'home')
        return invalidArguments('[ERROR] must be a home view [json-pointer:/view/type]');
      const problems = commonProblems(view);
      if (problems.length > 0) return invalidArguments(...problems);
      const userId = String(args.user_id ?? '');
      const user = world.users.get(userId);
      if (!user || user.teamId !== caller.workspace.id || user.isBot)
        return invalidArguments('invalid `user_id`');
      const key = `${caller.workspace.id}:${userId}`;
      const currentId = world.homeViews.get(key);
      const current = currentId === undefined ? undefined : world.views.get(currentId);
      const hash = text(args.hash);
      if (hash && current && current.view.hash !== hash) return error('hash_conflict');
      const stored = views.store(view, caller.workspace.id, userId, currentId);
      world.homeViews.set(key, stored.id);
      return { ok: true, view: stored };
    },
  });
}

/** The open modal `views.update` names, by id or by the app's external id. */
function openModal(
  world: World,
  caller: WorkspaceCaller,
  viewId: string | undefined,
  externalId: string | undefined,
) {
  if (viewId === undefined && externalId === undefined) return 'invalid_arguments' as const;
  const entry = [...world.views.values()].find(
    (candidate) =>
      candidate.teamId === caller.workspace.id &&
      candidate.view.type === 'modal' &&
      (viewId === undefined ? candidate.view.external_id === externalId : candidate.view.id === viewId),
  );
  return entry && !entry.closed ? entry : ('not_found' as const);
}
