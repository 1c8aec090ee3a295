/**
 * The images of a post from chat: each option holds a file the adapter resolved (JSON with its URL,
 * name, type and size) or a URL typed by hand. Each is downloaded once, through the SSRF guard,
 * with the chat platform's token where its file URLs need one.
 */
import { z } from 'zod';
import type { NewMedia } from '../../core/outbound-media.js';
import { MediaError } from '../../social/media-download.js';
import type { MediaFacts } from '../../social/media-rules.js';
import type { CommandContext } from './context.js';
import { CommandError } from './errors.js';

/** Herald keeps attachments up to this size: every platform's image limit is below it. */
export const MAX_ATTACHMENT_BYTES = 25 * 1_048_576;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL or an attached file' });

const resolvedFile = z.object({
  url: httpUrl,
  fileName: z.string().max(200).optional(),
  contentType: z.string().max(100).nullish(),
  size: z.number().int().nonnegative().optional(),
});

export type ChatAttachment = z.output<typeof resolvedFile>;

/** One attachment option: the adapter's JSON of a file, or a URL. */
export const attachmentOption = z
  .string()
  .trim()
  .transform((value, ctx): ChatAttachment => {
    if (value.startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(value);
      } catch {
        json = undefined;
      }
      const parsed = resolvedFile.safeParse(json);
      if (parsed.success) return parsed.data;
    } else if (httpUrl.safeParse(value).success) {
      return { url: value };
    }
    ctx.addIssue({ code: 'custom', message: 'must be an attached file or an http(s) URL of one' });
    return z.NEVER;
  });

export interface CollectedMedia {
  readonly media: readonly NewMedia[];
  readonly facts: readonly MediaFacts[];
}

export async function collectMedia(
  ctx: CommandContext,
  attachments: readonly ChatAttachment[],
): Promise<CollectedMedia> {
  if (attachments.length === 0) return { media: [], facts: [] };
  const downloader = ctx.deps.media;
  if (!downloader) throw new CommandError('unavailable', 'Images can only be attached from chat.');
  const media: NewMedia[] = [];
  for (const attachment of attachments) {
    const bearer = ctx.chat.attachmentBearer?.(new URL(attachment.url));
    try {
      media.push(
        await downloader.download(
          { url: attachment.url, fileName: attachment.fileName, size: attachment.size, bearer },
          MAX_ATTACHMENT_BYTES,
        ),
      );
    } catch (err) {
      if (err instanceof MediaError) throw new CommandError('invalid', `${err.message}.`);
      throw err;
    }
  }
  return {
    media,
    facts: media.map((m, index) => ({
      mimeType: m.mimeType,
      byteSize: m.data.byteLength,
      label: m.fileName || `file ${index + 1}`,
    })),
  };
}
