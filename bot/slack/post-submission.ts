/**
 * The "New post" modal's submission as `post new`'s raw input: the text, the ticked accounts' ids,
 * each file (uploaded in the modal or carried from the message) as the attachment JSON the command
 * downloads, the picked date and time as an ISO instant, "as a thread" and the campaign. What can be
 * checked at once is answered inside the modal (`response_action: "errors"`, under the field), so
 * the person fixes it without losing what they typed; the rest is the command's to judge.
 * @see https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload#view_submission
 * @see https://docs.slack.dev/surfaces/modals#displaying_errors
 */
import type { ViewStateValue } from '@slack/bolt';
import { z } from 'zod';
import { MAX_POST_FILES, POST_BLOCKS, POSTABLE_MIME_TYPES, type PostModalMetadata } from './post-modal.js';

type StateValues = Readonly<Record<string, Readonly<Record<string, ViewStateValue>>>>;

export type PostSubmission =
  | { readonly ok: true; readonly raw: Readonly<Record<string, string | boolean>> }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

/** A file as the `file_input` state carries it (Slack's file object; only what Herald reads). */
const UploadedFile = z.object({
  name: z.string().max(200),
  mimetype: z.string().max(100).default(''),
  size: z.number().int().nonnegative(),
  url_private: z.url({ protocol: /^https?$/ }),
});

const IMAGE_OPTIONS = ['image', 'image2', 'image3', 'image4'] as const;

const value = (values: StateValues, blockId: string): ViewStateValue | undefined =>
  values[blockId]?.[blockId];

interface Attachment {
  readonly url: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
}

/** The files, or the message to show under the file input. */
function readFiles(values: StateValues, metadata: PostModalMetadata): Attachment[] | string {
  const uploaded: Attachment[] = [];
  for (const file of value(values, POST_BLOCKS.files)?.files ?? []) {
    const parsed = UploadedFile.safeParse(file);
    if (!parsed.success) return 'Slack did not say where one of the files is. Attach it again.';
    const { name, mimetype, size, url_private } = parsed.data;
    if (!POSTABLE_MIME_TYPES.has(mimetype))
      return `${name} is not an image or video Herald can post (JPEG, PNG, GIF, WebP, MP4, MOV).`;
    uploaded.push({ url: url_private, fileName: name, contentType: mimetype, size });
  }
  const carried = metadata.files.map((file) => ({
    url: file.url,
    fileName: file.name,
    contentType: file.mimetype,
    size: file.size,
  }));
  const all = [...carried, ...uploaded];
  if (all.length > MAX_POST_FILES) {
    const from = carried.length > 0 ? ` (${carried.length} from the message)` : '';
    return `A post takes up to ${MAX_POST_FILES} files; there are ${all.length}${from}.`;
  }
  return all;
}

/** The picked time as an ISO instant (Slack sends Unix seconds), or the message to show. */
function readSchedule(values: StateValues, now: Date): string | { problem: string } | undefined {
  const seconds = value(values, POST_BLOCKS.schedule)?.selected_date_time;
  if (seconds === undefined || seconds === null) return undefined;
  const at = new Date(seconds * 1000);
  if (Number.isNaN(at.getTime())) return { problem: 'Pick a date and a time.' };
  if (at <= now) return { problem: 'That time has passed. Leave it empty to post now.' };
  return at.toISOString();
}

/** `post new`'s raw input from the modal, or the errors to show in it. */
export function readPostSubmission(
  values: StateValues,
  metadata: PostModalMetadata,
  now: Date,
): PostSubmission {
  const errors: Record<string, string> = {};
  const text = (value(values, POST_BLOCKS.text)?.value ?? '').trim();
  if (!text) errors[POST_BLOCKS.text] = 'Write what to post.';
  const accounts = (value(values, POST_BLOCKS.accounts)?.selected_options ?? []).map(
    (option) => option.value,
  );
  if (accounts.length === 0) errors[POST_BLOCKS.accounts] = 'Pick at least one account.';
  const files = readFiles(values, metadata);
  // With every file carried from the message there is no file input to show the message under.
  if (typeof files === 'string') {
    const under = values[POST_BLOCKS.files] ? POST_BLOCKS.files : POST_BLOCKS.text;
    errors[under] = errors[under] ? `${errors[under]} ${files}` : files;
  }
  const schedule = readSchedule(values, now);
  if (typeof schedule === 'object') errors[POST_BLOCKS.schedule] = schedule.problem;
  if (Object.keys(errors).length > 0 || typeof files === 'string' || typeof schedule === 'object')
    return { ok: false, errors };

  const raw: Record<string, string | boolean> = { text, accounts: accounts.join(',') };
  files.forEach((file, index) => {
    raw[IMAGE_OPTIONS[index]!] = JSON.stringify(file);
  });
  if (schedule) raw.schedule = schedule;
  if ((value(values, POST_BLOCKS.thread)?.selected_options ?? []).length > 0) raw.thread = true;
  const campaign = (value(values, POST_BLOCKS.campaign)?.value ?? '').trim();
  if (campaign) raw.campaign = campaign;
  return { ok: true, raw };
}
