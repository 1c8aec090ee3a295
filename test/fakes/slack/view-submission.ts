/**
 * A person submitting a modal, over HTTP: the fake fills `state.values` as Slack's client would
 * (view-state.ts), posts the signed `view_submission`, and reads the app's acknowledgement the way
 * Slack does: an empty 200 closes the modal; `response_action: "errors"` keeps it open with a message
 * under each named input block (which must exist); `update` and `push` show a new view (checked like
 * `views.open`); `clear` closes everything. An answer slower than 3 s, or one Slack cannot use, shows
 * the person Slack's connection error instead, reported here as `failed` with the reasons.
 * @see https://docs.slack.dev/surfaces/modals#interactions
 * @see https://docs.slack.dev/surfaces/modals#displaying_errors
 */
import type { ViewSubmitAction } from '@slack/bolt';
import type { Files } from './files.js';
import type { HttpTarget } from './http-mode.js';
import { checkModal, type ViewStore } from './methods-views.js';
import type { Payloads } from './payloads.js';
import { FORM, type SlackHttpResult } from './signing.js';
import { buildViewState, type ViewInput } from './view-state.js';
import { isRecord, text } from './wire.js';
import type { World } from './world.js';

/** Slack waits this long for the acknowledgement of a submission. */
const ACK_DEADLINE_MS = 3_000;

export interface ViewSubmissionInput extends HttpTarget {
  /** An open modal the app showed. */
  readonly viewId: string;
  /** What the person entered, by input block id (see `ViewInput`); the rest keep their initial values. */
  readonly values?: Readonly<Record<string, ViewInput>>;
}

export interface ViewSubmissionResult extends SlackHttpResult {
  /** What the person sees next. */
  readonly outcome: 'closed' | 'errors' | 'updated' | 'pushed' | 'failed';
  /** The messages under each input block, for `errors`. */
  readonly errors?: Readonly<Record<string, string>>;
  /** Why Slack could not use the answer (for `failed`). */
  readonly problems: readonly string[];
  /** The view now on screen after `updated` or `pushed`. */
  readonly viewId?: string;
  readonly payload: ViewSubmitAction;
}

interface Deps {
  readonly world: World;
  readonly views: ViewStore;
  readonly files: Files;
  readonly payloads: Payloads;
  readonly send: (target: HttpTarget, body: string, contentType: string) => Promise<SlackHttpResult>;
}

type Outcome = Omit<ViewSubmissionResult, keyof SlackHttpResult | 'payload'>;

function inputBlockIds(blocks: readonly unknown[]): Set<string> {
  return new Set(
    blocks
      .filter(isRecord)
      .filter((block) => block.type === 'input')
      .map((block) => text(block.block_id) ?? ''),
  );
}

export function createViewSubmissions({ world, views, files, payloads, send }: Deps) {
  /** What Slack makes of the acknowledgement's body. */
  function interpret(viewId: string, body: string): Outcome {
    const entry = world.views.get(viewId)!;
    if (body.trim() === '') {
      views.close(viewId);
      return { outcome: 'closed', problems: [] };
    }
    let answer: unknown;
    try {
      answer = JSON.parse(body);
    } catch {
      return { outcome: 'failed', problems: ['the acknowledgement is not JSON'] };
    }
    if (!isRecord(answer) || answer.response_action === undefined) {
      views.close(viewId);
      return { outcome: 'closed', problems: [] };
    }
    switch (answer.response_action) {
      case 'errors': {
        const errors = isRecord(answer.errors) ? answer.errors : {};
        const known = inputBlockIds(entry.view.blocks);
        const problems = Object.entries(errors).flatMap(([blockId, message]) =>
          !known.has(blockId)
            ? [`errors names ${blockId}, which is not an input block of the view`]
            : typeof message !== 'string' || message === ''
              ? [`the error for ${blockId} is not a message`]
              : [],
        );
        if (Object.keys(errors).length === 0) problems.push('errors is empty');
        if (problems.length > 0) return { outcome: 'failed', problems };
        return { outcome: 'errors', errors: errors as Record<string, string>, problems: [] };
      }
      case 'update':
      case 'push': {
        const view = checkModal(answer.view);
        if (Array.isArray(view)) return { outcome: 'failed', problems: view };
        const replaced = answer.response_action === 'update' ? viewId : undefined;
        const stored = views.store(view, entry.teamId, entry.userId, replaced);
        return {
          outcome: replaced ? 'updated' : 'pushed',
          viewId: stored.id,
          problems: [],
        };
      }
      case 'clear':
        views.close(viewId);
        return { outcome: 'closed', problems: [] };
      default:
        return { outcome: 'failed', problems: [`unknown response_action ${String(answer.response_action)}`] };
    }
  }

  return {
    async submitView(input: ViewSubmissionInput): Promise<ViewSubmissionResult> {
      const entry = world.views.get(input.viewId);
      if (!entry || entry.view.type !== 'modal') throw new Error(`fake Slack has no modal ${input.viewId}`);
      if (entry.closed) throw new Error(`modal ${input.viewId} is closed: nobody can submit it`);
      const values = buildViewState(entry.view, input.values ?? {}, files);
      const { payload } = payloads.viewSubmission({ viewId: input.viewId, values });
      const started = Date.now();
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const result = await send(input, body, FORM);
      const elapsed = Date.now() - started;
      let outcome: Outcome;
      if (result.status !== 200) outcome = { outcome: 'failed', problems: [`HTTP ${result.status}`] };
      else if (elapsed > ACK_DEADLINE_MS)
        outcome = { outcome: 'failed', problems: [`acknowledged after ${elapsed} ms (Slack waits 3 s)`] };
      else outcome = interpret(input.viewId, result.text);
      return { ...result, ...outcome, payload };
    },
  };
}

export type ViewSubmissions = ReturnType<typeof createViewSubmissions>;
