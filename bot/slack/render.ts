/**
 * The catalogue's neutral answers in Block Kit: a Reply as message blocks (ephemeral or not), a Form
 * as a modal view. Text is escaped for mrkdwn (nothing a user typed can ping or link), then the
 * catalogue's `**bold**` becomes Slack's `*bold*`, and channel and user-group references made by
 * `slackChat` are put back as real references. Every Block Kit limit is respected by construction.
 * @see https://docs.slack.dev/reference/block-kit/blocks
 */
import type { ActionsBlock, Button, KnownBlock, ModalView, SectionBlock } from '@slack/types';
import { escapeSlack } from '../../embeds/text.js';
import type { Form, Reply, ReplyTone } from '../commands/reply.js';

const REF_OPEN = '\uE000';
const REF_CLOSE = '\uE001';

/**
 * A reference that survives `slackText`'s escaping; ids are Slack's upper-case alphanumerics, and
 * anything else stays plain text (escaped with the rest).
 */
export const slackReference = (kind: '#' | '!subteam^' | '@', id: string): string =>
  /^[A-Z0-9]+$/.test(id) ? `${REF_OPEN}${kind}${id}${REF_CLOSE}` : id;

const LIMITS = {
  sectionText: 3000,
  field: 2000,
  fields: 10,
  header: 150,
  buttonText: 75,
  blocks: 50,
  /** A plain_text_input's `max_length` (and so its initial value) is at most 3000. */
  textInput: 3000,
} as const;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Catalogue markup to mrkdwn, everything else escaped. */
export function slackText(text: string): string {
  return escapeSlack(text)
    .replace(/\*\*(.+?)\*\*/g, (_, inner: string) => `*${inner.replace(/\*/g, '∗')}*`)
    .replace(new RegExp(`${REF_OPEN}([#@]|!subteam\\^)([A-Z0-9]+)${REF_CLOSE}`, 'g'), '<$1$2>')
    .replace(new RegExp(`[${REF_OPEN}${REF_CLOSE}]`, 'g'), '');
}

const TONE_MARK: Record<ReplyTone, string> = { info: '', success: '✅ ', warning: '⚠️ ', error: '❌ ' };

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } };
}

export interface SlackMessage {
  /** The notification text (and what screen readers and old clients show). */
  readonly text: string;
  readonly blocks: KnownBlock[];
}

export function renderReply(reply: Reply): SlackMessage {
  const blocks: KnownBlock[] = [];
  if (reply.title) {
    blocks.push({
      type: 'header',
      text: { type: 'plain_text', text: clip(reply.title, LIMITS.header), emoji: true },
    });
  }
  const body = `${TONE_MARK[reply.tone]}${slackText(reply.text)}`;
  blocks.push(section(body));
  for (const field of reply.fields ?? []) {
    if (blocks.length >= LIMITS.blocks - 2) break;
    blocks.push(section(clip(`*${slackText(field.name)}*\n${slackText(field.value)}`, LIMITS.field)));
  }
  if (reply.buttons?.length) {
    const elements: Button[] = reply.buttons.slice(0, 25).map((button) => ({
      type: 'button',
      action_id: button.actionId,
      text: { type: 'plain_text', text: clip(button.label, LIMITS.buttonText), emoji: true },
      ...(button.style === 'primary' || button.style === 'danger' ? { style: button.style } : {}),
    }));
    const actions: ActionsBlock = { type: 'actions', elements };
    blocks.push(actions);
  }
  const notification = `${reply.title ? `${reply.title}: ` : ''}${reply.text}`.replace(/\*\*/g, '');
  return { text: clip(escapeSlack(notification), LIMITS.sectionText), blocks };
}

/** A Form as a modal; the submission's `view.callback_id` is the action to run. */
export function renderModal(form: Form, privateMetadata: string): ModalView {
  return {
    type: 'modal',
    callback_id: form.submitId,
    private_metadata: privateMetadata,
    title: { type: 'plain_text', text: clip(form.title, 24) },
    submit: { type: 'plain_text', text: 'Submit' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: form.fields.map((field) => {
      const maxLength = Math.min(field.maxLength ?? LIMITS.textInput, LIMITS.textInput);
      return {
        type: 'input',
        block_id: field.id,
        optional: !field.required,
        label: { type: 'plain_text', text: clip(field.label, 2000) },
        element: {
          type: 'plain_text_input',
          action_id: field.id,
          ...(field.placeholder
            ? { placeholder: { type: 'plain_text', text: clip(field.placeholder, 150) } }
            : {}),
          max_length: maxLength,
          ...(field.maxLength !== undefined && field.maxLength > 200 ? { multiline: true } : {}),
          ...(field.value !== undefined && field.secret !== true
            ? { initial_value: field.value.slice(0, maxLength) }
            : {}),
        },
      };
    }),
  };
}
