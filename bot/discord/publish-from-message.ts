/**
 * Answering "Publish to social" on a message: its text and images go to the catalogue's `post new`,
 * so the person gets the same private preview (Publish / Edit / Cancel) under the same rights.
 *
 * - Text: the message's content with mentions written as names (`@ann`, `#news`), never `<@id>`.
 * - Images: the first four JPEG, PNG, GIF or WebP attachments (by the content_type Discord sent);
 *   other files, and images past the fourth, are left out and the preview says which and why.
 * - Images but no text: `post new` needs text, and an image's alt text describes the image, it is
 *   not what the person wants to say. So a private form asks for the text (filled in with the first
 *   image's description when it has one, to edit or replace); the images wait in memory behind the
 *   form's custom_id (`~post:<random>`) for 14 minutes, lost on restart like the forms of ADR 005.
 *   The right to publish is checked when the form is sent, as for every `post new`.
 * - Neither: a private answer saying there is nothing to publish.
 */
import type { MessageContextMenuCommandInteraction, ModalSubmitInteraction } from 'discord.js';
import type { RawInput } from '../commands/command.js';
import type { CommandDeps } from '../commands/context.js';
import { runCommand, type Catalogue } from '../commands/dispatch.js';
import { reply, type CommandResult, type Form } from '../commands/reply.js';
import { buildContext } from './context.js';
import { createStash, expiredForm, type Stash } from './form-stash.js';
import { draftFromMessage, POST_NEW, PUBLISH_FROM_MESSAGE, withLeftOut } from './message-commands.js';
import type { Responder } from './respond.js';

/** Not an action id of the catalogue: the forms asking for a post's text are the adapter's own. */
export const TEXT_FORM_PREFIX = '~post:';

/** What waits behind a text form: the message's images, and what was left out of it. */
export interface PendingPost {
  readonly images: Readonly<Record<string, string>>;
  readonly leftOut: readonly string[];
}

export interface PublishFromMessage {
  onCommand(interaction: MessageContextMenuCommandInteraction<'cached'>): Promise<void>;
  /** Whether a modal's custom_id is one of this command's text forms. */
  owns(customId: string): boolean;
  onTextForm(
    interaction: ModalSubmitInteraction<'cached'>,
    values: Readonly<Record<string, string>>,
  ): Promise<void>;
}

const POST_TEXT_MAX = 4000;

function textForm(submitId: string, altText: string | undefined): Form {
  return {
    kind: 'form',
    submitId,
    title: 'Publish to social',
    fields: [
      {
        id: 'text',
        label: 'Text of the post (the message has none)',
        required: true,
        maxLength: POST_TEXT_MAX,
        ...(altText ? { value: altText.slice(0, POST_TEXT_MAX) } : {}),
      },
    ],
  };
}

function nothingToPublish(leftOut: readonly string[]): CommandResult {
  return reply.error(
    'This message has no text or image to publish: Publish to social takes a message’s text and up to 4 of its images.',
    leftOut.length > 0 ? { fields: [{ name: 'Not taken from the message', value: leftOut.join('\n') }] } : {},
  );
}

export function createPublishFromMessage(options: {
  readonly catalogue: Catalogue;
  readonly deps: CommandDeps;
  readonly responder: Responder;
  readonly pending?: Stash<PendingPost>;
}): PublishFromMessage {
  const { catalogue, deps, responder } = options;
  const pending = options.pending ?? createStash<PendingPost>(TEXT_FORM_PREFIX);

  const postNew = async (
    interaction: MessageContextMenuCommandInteraction<'cached'> | ModalSubmitInteraction<'cached'>,
    raw: RawInput,
    leftOut: readonly string[],
  ) =>
    withLeftOut(await runCommand(catalogue, await buildContext(interaction, deps), POST_NEW, raw), leftOut);

  return {
    onCommand(interaction) {
      if (interaction.commandName !== PUBLISH_FROM_MESSAGE) {
        return responder.answer(interaction, async () =>
          reply.error('This command is from an older version of Herald. Use /post new.'),
        );
      }
      const message = interaction.targetMessage;
      const draft = draftFromMessage({
        text: message.cleanContent ?? message.content,
        attachments: [...message.attachments.values()],
      });
      return responder.answer(interaction, async () => {
        if (draft.text) return postNew(interaction, { ...draft.images, text: draft.text }, draft.leftOut);
        if (Object.keys(draft.images).length === 0) return nothingToPublish(draft.leftOut);
        const kept = { images: draft.images, leftOut: draft.leftOut };
        return textForm(pending.put(kept, interaction.user.id), draft.altText);
      });
    },
    owns: (customId) => pending.owns(customId),
    onTextForm(interaction, values) {
      return responder.answer(interaction, async () => {
        const kept = pending.get(interaction.customId, interaction.user.id);
        if (!kept) return expiredForm();
        return postNew(interaction, { ...kept.images, text: values.text ?? '' }, kept.leftOut);
      });
    },
  };
}
