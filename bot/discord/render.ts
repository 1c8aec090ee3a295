/**
 * A neutral `Reply` as a Discord message (one embed coloured by tone, buttons whose custom_id is the
 * action id) and a `Form` as a modal. Pure functions over discord-api-types JSON, cut to Discord's
 * limits; mentions are off on every message, whatever the text says.
 * @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 * @see https://discord.com/developers/docs/components/reference#label
 */
import {
  ButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIModalInteractionResponseCallbackData,
} from 'discord-api-types/v10';
import type { Form, Reply, ReplyButton, ReplyTone } from '../commands/reply.js';

/** Discord's palette: blurple, green, yellow, red. */
export const TONE_COLORS: Readonly<Record<ReplyTone, number>> = {
  info: 0x5865f2,
  success: 0x57f287,
  warning: 0xfee75c,
  error: 0xed4245,
};

const LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  buttonsPerRow: 5,
  rows: 5,
  buttonLabel: 80,
  modalTitle: 45,
  modalFields: 5,
  inputLabel: 45,
  placeholder: 100,
  inputValue: 4000,
} as const;

/** Past this many characters a form field gets a multi-line box. */
const PARAGRAPH_FROM = 300;

const BUTTON_STYLES: Readonly<
  Record<NonNullable<ReplyButton['style']>, APIButtonComponentWithCustomId['style']>
> = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  danger: ButtonStyle.Danger,
};

/** Cut to `max` characters, ending with an ellipsis when something was cut. */
export function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** What discord.js sends for a reply, an edit or a follow-up. */
export interface DiscordMessage {
  readonly embeds: APIEmbed[];
  readonly components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  readonly allowedMentions: { readonly parse: [] };
}

export function renderEmbed(reply: Reply): APIEmbed {
  const fields = (reply.fields ?? []).slice(0, LIMITS.fields).map((field) => ({
    name: fit(field.name || '\u200b', LIMITS.fieldName),
    value: fit(field.value || '—', LIMITS.fieldValue),
    ...(field.inline === undefined ? {} : { inline: field.inline }),
  }));
  const text = reply.text.trim();
  // An embed needs some content: with neither title nor text, a dash stands in.
  const description = text || (reply.title || fields.length > 0 ? undefined : '—');
  return {
    color: TONE_COLORS[reply.tone],
    ...(reply.title ? { title: fit(reply.title, LIMITS.title) } : {}),
    ...(description === undefined ? {} : { description: fit(description, LIMITS.description) }),
    ...(fields.length > 0 ? { fields } : {}),
  };
}

function renderButtons(buttons: readonly ReplyButton[]): DiscordMessage['components'] {
  const rows: DiscordMessage['components'] = [];
  const kept = buttons.slice(0, LIMITS.buttonsPerRow * LIMITS.rows);
  for (let at = 0; at < kept.length; at += LIMITS.buttonsPerRow) {
    rows.push({
      type: ComponentType.ActionRow,
      components: kept.slice(at, at + LIMITS.buttonsPerRow).map((button) => ({
        type: ComponentType.Button,
        custom_id: button.actionId,
        label: fit(button.label, LIMITS.buttonLabel),
        style: BUTTON_STYLES[button.style ?? 'secondary'],
      })),
    });
  }
  return rows;
}

export function renderReply(reply: Reply): DiscordMessage {
  return {
    embeds: [renderEmbed(reply)],
    components: renderButtons(reply.buttons ?? []),
    allowedMentions: { parse: [] },
  };
}

/**
 * A form as a modal: each field a labelled text input whose custom_id is the field's id. Discord has
 * no masked input, so a `secret` field is an ordinary one; the modal is private and never logged.
 */
export function renderModal(form: Form): APIModalInteractionResponseCallbackData {
  return {
    custom_id: form.submitId,
    title: fit(form.title, LIMITS.modalTitle),
    components: form.fields.slice(0, LIMITS.modalFields).map((field) => {
      const maxLength = Math.min(field.maxLength ?? LIMITS.inputValue, LIMITS.inputValue);
      const long = field.secret !== true && field.maxLength !== undefined && maxLength > PARAGRAPH_FROM;
      return {
        type: ComponentType.Label,
        label: fit(field.label, LIMITS.inputLabel),
        component: {
          type: ComponentType.TextInput,
          custom_id: field.id,
          style: long ? TextInputStyle.Paragraph : TextInputStyle.Short,
          required: field.required === true,
          ...(field.maxLength === undefined ? {} : { max_length: maxLength }),
          ...(field.placeholder ? { placeholder: fit(field.placeholder, LIMITS.placeholder) } : {}),
          ...(field.value !== undefined && field.secret !== true
            ? { value: field.value.slice(0, maxLength) }
            : {}),
        },
      };
    }),
  };
}
