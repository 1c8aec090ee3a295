/**
 * "Publish to social", the message context-menu command (a message's menu → Apps): what Discord
 * registers, and what a message offers to the catalogue's `post new`. Registered only when the
 * catalogue has `post new`, and shown to whoever may see `/post` (publishers may be a role without
 * Manage Server); the core checks the right on every call.
 * @see https://discord.com/developers/docs/interactions/application-commands#message-commands
 */
import {
  ApplicationCommandType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { findCommand, type Catalogue } from '../commands/dispatch.js';
import type { CommandResult } from '../commands/reply.js';

/** The command's name as the menu shows it (context-menu names may hold capitals and spaces). */
export const PUBLISH_FROM_MESSAGE = 'Publish to social';
export const POST_NEW = ['post', 'new'] as const;
/** `post new`'s attachment options, in order. */
export const IMAGE_OPTIONS = ['image', 'image2', 'image3', 'image4'] as const;
/** What every platform Herald posts to takes, and what Herald recognises from the bytes. */
const POSTABLE_IMAGES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
};

/** An attachment as discord.js shows it (`Attachment`), only what Herald reads. */
export interface AttachmentLike {
  readonly name: string;
  readonly url: string;
  readonly contentType: string | null;
  readonly size: number;
  readonly description?: string | null;
}

/**
 * An attachment option's value for the catalogue (see `OptionKind`): the file's URL, name, type and
 * size as JSON. The core downloads it once, through the SSRF guard, and checks the bytes.
 */
export const attachmentValue = (file: AttachmentLike): string =>
  JSON.stringify({ url: file.url, fileName: file.name, contentType: file.contentType, size: file.size });

export function messageCommands(catalogue: Catalogue): RESTPostAPIContextMenuApplicationCommandsJSONBody[] {
  const postNew = findCommand(catalogue, POST_NEW);
  if (!postNew) return [];
  return [
    {
      type: ApplicationCommandType.Message,
      name: PUBLISH_FROM_MESSAGE,
      ...(postNew.requires === 'admin'
        ? { default_member_permissions: PermissionFlagsBits.ManageGuild.toString() }
        : {}),
      contexts: [InteractionContextType.Guild],
    },
  ];
}

/** What a message gives a post: its text, up to four images as `post new` options, and what was left. */
export interface MessageDraft {
  readonly text: string;
  /** `image`…`image4` → `attachmentValue`. */
  readonly images: Readonly<Record<string, string>>;
  /** The first taken image's description (its alt text), if it has one. */
  readonly altText: string | undefined;
  /** Each file not taken, and why, in words for the person. */
  readonly leftOut: readonly string[];
}

/** The media type Discord sent (`image/png; charset=…` → `image/png`), else the file name's. */
function mediaType(file: AttachmentLike): string | undefined {
  const sent = file.contentType?.split(';')[0]?.trim().toLowerCase();
  if (sent) return sent;
  return BY_EXTENSION[file.name.split('.').pop()?.toLowerCase() ?? ''];
}

export function draftFromMessage(message: {
  readonly text: string;
  readonly attachments: readonly AttachmentLike[];
}): MessageDraft {
  const images: Record<string, string> = {};
  const leftOut: string[] = [];
  let altText: string | undefined;
  let taken = 0;
  for (const file of message.attachments) {
    const type = mediaType(file);
    const option = IMAGE_OPTIONS[taken];
    if (!type?.startsWith('image/')) leftOut.push(`${file.name}: not an image`);
    else if (!POSTABLE_IMAGES.includes(type))
      leftOut.push(`${file.name}: Herald posts JPEG, PNG, GIF and WebP images`);
    else if (option === undefined)
      leftOut.push(`${file.name}: a post takes up to ${IMAGE_OPTIONS.length} images`);
    else {
      images[option] = attachmentValue(file);
      taken += 1;
      altText ??= file.description?.trim() || undefined;
    }
  }
  return { text: message.text.trim(), images, altText, leftOut };
}

/** The preview, with a note of what the message had that the post will not carry. */
export function withLeftOut(result: CommandResult, leftOut: readonly string[]): CommandResult {
  if (result.kind !== 'reply' || leftOut.length === 0) return result;
  const note = { name: 'Not taken from the message', value: leftOut.join('\n') };
  return { ...result, fields: [...(result.fields ?? []), note] };
}
