/**
 * Slack toward an app in HTTP mode: signed POSTs to its request URL (Bolt's `/slack/events`) exactly
 * as Slack sends them. Slash commands go as a form, interactions as the form field `payload=<json>`,
 * Events API callbacks and the `url_verification` challenge as JSON.
 * @see https://docs.slack.dev/interactivity/implementing-slash-commands#app_command_handling
 * @see https://docs.slack.dev/apis/events-api/#url_verification
 */
import type { EnvelopedEvent, MessageShortcut, SlashCommand } from '@slack/bolt';
import type { Files } from './files.js';
import type { ViewStore } from './methods-views.js';
import type {
  Issued,
  MessageShortcutInput,
  Payloads,
  SlashCommandInput,
  SlackEventInput,
} from './payloads.js';
import { FORM, JSON_TYPE, postSigned, type SigningOptions, type SlackHttpResult } from './signing.js';
import {
  createViewSubmissions,
  type ViewSubmissionInput,
  type ViewSubmissionResult,
} from './view-submission.js';
import type { World } from './world.js';

/** Where and how to deliver: the app's request URL and, for failure tests, how to sign. */
export interface HttpTarget extends SigningOptions {
  readonly url: string;
}

/** The app's answer together with the payload sent and what Slack issued with it. */
export type SlackHttpDelivery<T> = SlackHttpResult & Issued<T>;

export interface HttpModeControls {
  /** POSTs any body to the app, signed as Slack signs (or not, per the options). */
  signedRequest(
    target: HttpTarget & { readonly body: string; readonly contentType?: string },
  ): Promise<SlackHttpResult>;
  /** A user runs a slash command: the form Slack posts, with a response URL and a trigger. */
  sendSlashCommand(input: SlashCommandInput & HttpTarget): Promise<SlackHttpDelivery<SlashCommand>>;
  /** An interaction payload (see `payloads`), posted as the form field `payload`. */
  sendInteraction(input: HttpTarget & { readonly payload: object }): Promise<SlackHttpResult>;
  /** A user picks the app's message shortcut on a message: a `message_action` with a response URL. */
  sendMessageShortcut(input: MessageShortcutInput & HttpTarget): Promise<SlackHttpDelivery<MessageShortcut>>;
  /** A user submits an open modal with what they entered; the result says what they see next. */
  submitView(input: ViewSubmissionInput): Promise<ViewSubmissionResult>;
  /** An Events API `event_callback` around `event` (see `payloads.appHomeOpened`). */
  sendEvent<E extends SlackEventInput>(
    input: HttpTarget & { readonly event: E; readonly teamId?: string },
  ): Promise<SlackHttpResult & { readonly payload: EnvelopedEvent<E> }>;
  /** The challenge Slack sends when the Events request URL is set; the app must echo it. */
  sendUrlVerification(input: HttpTarget & { readonly challenge?: string }): Promise<SlackHttpResult>;
}

interface Deps {
  readonly payloads: Payloads;
  readonly signingSecret: string;
  readonly verificationToken: string;
  readonly world: World;
  readonly views: ViewStore;
  readonly files: Files;
}

/** A slash command as Slack's form: only the string fields, in the payload's order. */
function commandForm(payload: SlashCommand): string {
  const fields = Object.entries(payload).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return new URLSearchParams(fields).toString();
}

export function createHttpMode(deps: Deps): HttpModeControls {
  const { payloads, signingSecret, verificationToken } = deps;
  const send = (target: HttpTarget, body: string, contentType: string) =>
    postSigned(target.url, body, contentType, signingSecret, target);
  const interaction = (target: HttpTarget, payload: object) =>
    send(target, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);
  const submissions = createViewSubmissions({ ...deps, send });

  return {
    signedRequest: (target) => send(target, target.body, target.contentType ?? FORM),
    async sendSlashCommand(input) {
      const issued = payloads.slashCommand(input);
      const result = await send(input, commandForm(issued.payload), FORM);
      return { ...result, ...issued };
    },
    sendInteraction: (input) => interaction(input, input.payload),
    async sendMessageShortcut(input) {
      const issued = payloads.messageShortcut(input);
      return { ...(await interaction(input, issued.payload)), ...issued };
    },
    submitView: submissions.submitView,
    async sendEvent(input) {
      const payload = payloads.eventCallback(input.event, input.teamId);
      const result = await send(input, JSON.stringify(payload), JSON_TYPE);
      return { ...result, payload };
    },
    sendUrlVerification(input) {
      const challenge = input.challenge ?? 'challenge-3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P';
      const body = JSON.stringify({ token: verificationToken, challenge, type: 'url_verification' });
      return send(input, body, JSON_TYPE);
    },
  };
}
