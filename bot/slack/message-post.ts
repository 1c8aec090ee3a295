/**
 * A Slack message as the start of a post ("Publish to social"): its mrkdwn text as the plain text a
 * social platform shows (links as their address, mentions as names, entities decoded), and its files
 * that Herald can post, at most four, as the modal carries them; the rest are named with the reason.
 * @see https://docs.slack.dev/messaging/formatting-message-text#advanced
 */
import { z } from 'zod';
import { MAX_POST_FILES, POSTABLE_MIME_TYPES, type CarriedFile } from './post-modal.js';

/** A file of a message, as the shortcut payload carries it (only what Herald reads). */
const MessageFile = z.object({
  name: z.string().max(200),
  mimetype: z.string().max(100),
  size: z.number().int().nonnegative(),
  url_private: z.url({ protocol: /^https?$/ }),
});

const Message = z.object({
  text: z.string().default(''),
  files: z.array(z.unknown()).default([]),
});

const bare = (url: string) => url.replace(/^(https?:\/\/|mailto:)/, '').replace(/\/$/, '');

/** One `<…>` of mrkdwn as plain text. */
function reference(inner: string): string {
  const [target = '', label] = inner.split('|', 2);
  if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
  if (target.startsWith('#')) return `#${label ?? 'channel'}`;
  if (target.startsWith('!subteam^')) return label ?? '@team';
  if (target.startsWith('!date^')) return label ?? '';
  if (target.startsWith('!')) return `@${target.slice(1)}`;
  if (label === undefined || label === target || label === bare(target)) return label ?? target;
  return `${label} (${target})`;
}

/** Slack's mrkdwn of a message as plain text. */
export function plainFromSlack(text: string): string {
  return text
    .replace(/<([^<>]+)>/g, (_, inner: string) => reference(inner))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export interface MessagePost {
  readonly text: string;
  readonly files: readonly CarriedFile[];
  /** Files left out, each with why. */
  readonly skipped: readonly string[];
}

export function postFromMessage(message: unknown): MessagePost {
  const parsed = Message.safeParse(message);
  const { text, files } = parsed.success ? parsed.data : { text: '', files: [] };
  const carried: CarriedFile[] = [];
  const skipped: string[] = [];
  for (const entry of files) {
    const file = MessageFile.safeParse(entry);
    const name = file.success ? file.data.name : 'a file';
    if (!file.success) skipped.push(`${name} (Slack did not share it with Herald)`);
    else if (!POSTABLE_MIME_TYPES.has(file.data.mimetype)) skipped.push(`${name} (not an image or video)`);
    else if (carried.length >= MAX_POST_FILES) skipped.push(`${name} (a post takes ${MAX_POST_FILES} files)`);
    else
      carried.push({
        url: file.data.url_private,
        name,
        mimetype: file.data.mimetype,
        size: file.data.size,
      });
  }
  return { text: plainFromSlack(text).trim(), files: carried, skipped };
}
