/**
 * The "New post" modal of `/herald post` and of the "Publish to social" message shortcut: the text,
 * the workspace's accounts that can be posted to (all ticked), files, an optional date and time,
 * "as a thread", and a campaign. A `file_input` cannot be pre-filled, so the files of the message the
 * shortcut was used on travel in `private_metadata` and are named in a context block instead.
 * Every Block Kit limit is kept by construction (checkboxes take 10 options: more accounts become a
 * multi-select of up to 100; plain text inputs take 3000 characters).
 * @see https://docs.slack.dev/surfaces/modals
 * @see https://docs.slack.dev/reference/block-kit/block-elements/file-input-element
 */
import type { KnownBlock, ModalView, Option, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import type { AccountSummary } from '../../core/account-store.js';
import { accountLabel } from '../commands/resolve.js';
import { slackText } from './render.js';

export const POST_MODAL_CALLBACK = 'post-modal';

/** The modal's input blocks; each element's action id is its block's id. */
export const POST_BLOCKS = {
  text: 'text',
  accounts: 'accounts',
  files: 'files',
  schedule: 'schedule',
  thread: 'thread',
  campaign: 'campaign',
} as const;

/** What a post takes (the command's `image` … `image4`), and the file types Herald can post. */
export const MAX_POST_FILES = 4;
export const POST_FILE_TYPES = ['jpg', 'jpeg', 'png', 'gif', 'webp', 'mp4', 'mov'];
/** The same by MIME type, as Slack's file objects report it (`filetypes` only guides the picker). */
export const POSTABLE_MIME_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'video/mp4',
  'video/quicktime',
]);

const LIMITS = {
  checkboxes: 10,
  selectOptions: 100,
  optionText: 75,
  textInput: 3000,
  campaign: 80,
  privateMetadata: 3000,
} as const;

/** A file of the message the shortcut was used on, as the command will download it. */
const CarriedFile = z.object({
  url: z.url({ protocol: /^https?$/ }),
  name: z.string().max(200),
  mimetype: z.string().max(100),
  size: z.number().int().nonnegative(),
});
export type CarriedFile = z.output<typeof CarriedFile>;

const Metadata = z.object({
  channel: z.string().max(30).optional(),
  responseUrl: z.url({ protocol: /^https?$/ }).optional(),
  files: z.array(CarriedFile).max(MAX_POST_FILES).default([]),
});

/** What the modal carries from where it was opened to its submission. */
export type PostModalMetadata = z.output<typeof Metadata>;

/** `private_metadata` as Herald wrote it; an empty one for anything else. */
export function readPostMetadata(raw: string): PostModalMetadata {
  let json: unknown;
  try {
    json = JSON.parse(raw || '{}');
  } catch {
    json = {};
  }
  const parsed = Metadata.safeParse(json);
  return parsed.success ? parsed.data : { files: [] };
}

export interface PostModalPrefill {
  readonly text?: string | undefined;
  /** Account ids to tick; every account when absent. */
  readonly accounts?: readonly string[] | undefined;
  readonly campaign?: string | undefined;
  readonly thread?: boolean | undefined;
  /** Files of the message that are not carried over, each with why. */
  readonly skippedFiles?: readonly string[] | undefined;
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, 3000) }],
});

function accountOption(account: AccountSummary): PlainTextOption {
  const status = { active: undefined, needs_reconnect: 'needs reconnecting', paused: 'paused' }[
    account.status
  ];
  return {
    text: plain(clip(accountLabel(account), LIMITS.optionText)),
    value: account.id,
    ...(status ? { description: plain(status) } : {}),
  };
}

function accountBlocks(accounts: readonly AccountSummary[], ticked: readonly string[] | undefined) {
  const listed = accounts.slice(0, LIMITS.selectOptions);
  const options = listed.map(accountOption);
  const initial = options.filter((option) => !ticked || ticked.includes(option.value ?? ''));
  const initialOptions = initial.length > 0 ? { initial_options: initial } : {};
  const element =
    options.length <= LIMITS.checkboxes
      ? { type: 'checkboxes' as const, action_id: POST_BLOCKS.accounts, options, ...initialOptions }
      : {
          type: 'multi_static_select' as const,
          action_id: POST_BLOCKS.accounts,
          placeholder: plain('Choose accounts'),
          options,
          ...initialOptions,
        };
  const blocks: KnownBlock[] = [
    { type: 'input', block_id: POST_BLOCKS.accounts, label: plain('Post to'), element },
  ];
  if (accounts.length > listed.length)
    blocks.push(
      context(
        `Only the first ${listed.length} of ${accounts.length} accounts fit here: name others with \`/herald post new accounts:…\`.`,
      ),
    );
  return blocks;
}

function textBlocks(text: string | undefined): KnownBlock[] {
  const initial = text?.slice(0, LIMITS.textInput);
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: POST_BLOCKS.text,
      label: plain('Text'),
      element: {
        type: 'plain_text_input',
        action_id: POST_BLOCKS.text,
        multiline: true,
        max_length: LIMITS.textInput,
        placeholder: plain('What to post'),
        ...(initial ? { initial_value: initial } : {}),
      },
    },
  ];
  if (text && text.length > LIMITS.textInput)
    blocks.push(
      context(
        `The message is longer than ${LIMITS.textInput} characters, the most a Slack form takes: its end was cut.`,
      ),
    );
  return blocks;
}

function fileBlocks(carried: readonly CarriedFile[], skipped: readonly string[]): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  const lines: string[] = [];
  if (carried.length > 0)
    lines.push(`📎 From the message: ${slackText(carried.map((file) => file.name).join(', '))}`);
  if (skipped.length > 0) lines.push(`Not included: ${slackText(skipped.join('; '))}`);
  if (lines.length > 0) blocks.push(context(lines.join('\n')));
  const room = MAX_POST_FILES - carried.length;
  if (room > 0) {
    blocks.push({
      type: 'input',
      block_id: POST_BLOCKS.files,
      optional: true,
      label: plain(carried.length > 0 ? 'More images or videos' : 'Images or videos'),
      element: {
        type: 'file_input',
        action_id: POST_BLOCKS.files,
        filetypes: POST_FILE_TYPES,
        max_files: room,
      },
    });
  }
  return blocks;
}

function optionBlocks(prefill: PostModalPrefill): KnownBlock[] {
  const threadOption: Option = {
    text: plain('Post as a thread where the text is too long for one post'),
    value: 'thread',
  };
  return [
    {
      type: 'input',
      block_id: POST_BLOCKS.schedule,
      optional: true,
      label: plain('When'),
      hint: plain('Leave it empty to post as soon as you press Publish.'),
      element: { type: 'datetimepicker', action_id: POST_BLOCKS.schedule },
    },
    {
      type: 'input',
      block_id: POST_BLOCKS.thread,
      optional: true,
      label: plain('Long text'),
      element: {
        type: 'checkboxes',
        action_id: POST_BLOCKS.thread,
        options: [threadOption],
        ...(prefill.thread ? { initial_options: [threadOption] } : {}),
      },
    },
    {
      type: 'input',
      block_id: POST_BLOCKS.campaign,
      optional: true,
      label: plain('Campaign'),
      hint: plain('A label to find the post by in post history.'),
      element: {
        type: 'plain_text_input',
        action_id: POST_BLOCKS.campaign,
        max_length: LIMITS.campaign,
        ...(prefill.campaign ? { initial_value: prefill.campaign.slice(0, LIMITS.campaign) } : {}),
      },
    },
  ];
}

/**
 * `private_metadata` within Slack's 3000 characters: files that would not fit are left to the end
 * of the list and reported as skipped (a response URL and a channel id always fit).
 */
function fitMetadata(metadata: PostModalMetadata): { json: string; dropped: readonly CarriedFile[] } {
  const files = [...metadata.files];
  const dropped: CarriedFile[] = [];
  let json = JSON.stringify({ ...metadata, files });
  while (json.length > LIMITS.privateMetadata && files.length > 0) {
    dropped.unshift(files.pop()!);
    json = JSON.stringify({ ...metadata, files });
  }
  return { json, dropped };
}

/** The modal for the workspace's publishable accounts (at least one). */
export function postModal(
  accounts: readonly AccountSummary[],
  prefill: PostModalPrefill,
  metadata: PostModalMetadata,
): ModalView {
  const { json, dropped } = fitMetadata(metadata);
  const carried = metadata.files.slice(0, metadata.files.length - dropped.length);
  const skipped = [
    ...(prefill.skippedFiles ?? []),
    ...dropped.map((file) => `${file.name} (too many files to carry)`),
  ];
  return {
    type: 'modal',
    callback_id: POST_MODAL_CALLBACK,
    private_metadata: json,
    title: plain('New post'),
    submit: plain('Preview'),
    close: plain('Cancel'),
    blocks: [
      ...textBlocks(prefill.text),
      ...accountBlocks(accounts, prefill.accounts),
      ...fileBlocks(carried, skipped),
      ...optionBlocks(prefill),
    ],
  };
}
