/**
 * Publishing from chat: `post new` downloads the attached images once and shows a private preview
 * per target (the text counted the platform's way, a thread where it is too long, the media
 * accepted or refused) with Publish, Edit and Cancel; `post cancel` stops one that has not started.
 */
import { z } from 'zod';
import { listAccounts } from '../../core/account-store.js';
import { loadDraft, rewriteDraft, type StoredDraft } from '../../core/outbound-drafts.js';
import { cancelOutboundPost, confirmDraft, createOutboundPost } from '../../core/outbound-store.js';
import { defineCommand, type CommandAction } from './command.js';
import type { CommandContext } from './context.js';
import { CommandError } from './errors.js';
import { attachmentOption, collectMedia } from './post-media.js';
import { aggregatorTarget, buildPreview, linkedTarget, type Preview } from './post-preview.js';
import { pickTargets } from './post-targets.js';
import { reply, type CommandResult } from './reply.js';
import { isUuid, UUID_PATTERN } from '../../core/ids.js';

/** `2026-11-24 09:30` in the tenant's time zone, or an ISO time with its offset. */
export function parseWhen(typed: string, timeZone: string): Date | undefined {
  const text = typed.trim();
  if (/[zZ]|[+-]\d\d:?\d\d$/.test(text)) {
    const at = new Date(text);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offset at that moment, read back through Intl (handles daylight saving).
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(guess))
      .map((part) => [part.type, part.value]),
  );
  const shown = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
  );
  const at = new Date(guess - (shown - guess));
  return Number.isNaN(at.getTime()) ? undefined : at;
}

async function tenantTimeZone(ctx: CommandContext): Promise<string> {
  const { rows } = await ctx.deps.pool.query<{ time_zone: string }>(
    'SELECT time_zone FROM tenants WHERE id = $1',
    [ctx.tenant.id],
  );
  return rows[0]?.time_zone ?? 'UTC';
}

const CAMPAIGN = z
  .string()
  .trim()
  .min(1, { error: 'is empty' })
  .max(80, { error: 'must be at most 80 characters' })
  .optional();

const IMAGE_OPTIONS = ['image', 'image2', 'image3', 'image4'] as const;

/** The preview's reply: what goes where, and Publish (or Schedule) / Edit / Cancel. */
function previewReply(
  draftId: string,
  text: string,
  preview: Preview,
  scheduledFor: Date | undefined,
  campaign: string | undefined,
): CommandResult {
  const when = scheduledFor ? `at ${scheduledFor.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'now';
  const verb = scheduledFor ? 'Schedule' : 'Publish';
  const split = preview.splitUnasked;
  return reply.info(text, {
    title: `Preview: post ${when}${campaign ? ` · campaign ${campaign}` : ''}`,
    fields: preview.fields,
    buttons: [
      {
        actionId: `post-publish:${draftId}`,
        label: split.length > 0 ? `${verb}, as a thread on ${split.join(', ')}` : verb,
        style: 'primary',
      },
      { actionId: `post-edit:${draftId}`, label: 'Edit', style: 'secondary' },
      { actionId: `post-cancel:${draftId}`, label: 'Cancel', style: 'danger' },
    ],
  });
}

function nothingFits(text: string, preview: Preview): CommandResult {
  return reply.error(text, {
    title: 'Preview: no account can take this post',
    fields: preview.fields,
  });
}

export const postNew = defineCommand({
  path: ['post', 'new'],
  description: 'Write a post for your linked accounts: a private preview first, then Publish',
  example: 'post new text:"Herald 1.0 is out!" accounts:x,bluesky schedule:"2026-12-01 09:00"',
  requires: 'publisher',
  options: [
    { name: 'text', kind: 'string', description: 'What to post', required: true, maxLength: 4000 },
    {
      name: 'accounts',
      kind: 'string',
      description: 'Accounts or platforms, comma-separated (default: all)',
    },
    ...IMAGE_OPTIONS.map((name, index) => ({
      name,
      kind: 'attachment' as const,
      description: index === 0 ? 'An image to post with it (up to 4)' : `Image ${index + 1}`,
    })),
    { name: 'schedule', kind: 'string', description: 'When, in this server’s time zone: 2026-12-01 09:00' },
    {
      name: 'thread',
      kind: 'boolean',
      description: 'Where the text is too long for a platform, post it there as a thread',
    },
    { name: 'campaign', kind: 'string', description: 'A label to find it by in post history', maxLength: 80 },
  ],
  input: z.object({
    text: z.string({ error: 'is required' }).trim().min(1, { error: 'is empty' }),
    accounts: z.string().optional(),
    image: attachmentOption.optional(),
    image2: attachmentOption.optional(),
    image3: attachmentOption.optional(),
    image4: attachmentOption.optional(),
    schedule: z.string().optional(),
    thread: z.boolean().default(false),
    campaign: CAMPAIGN,
  }),
  async run(ctx, input) {
    const { targets: candidates, problems } = await pickTargets(ctx, input.accounts);
    if (candidates.length === 0)
      throw new CommandError(
        'not-found',
        `No linked account can be posted to yet. Link one with \`social connect\`.${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`,
      );
    const now = ctx.deps.now?.() ?? new Date();
    let scheduledFor: Date | undefined;
    if (input.schedule) {
      const timeZone = await tenantTimeZone(ctx);
      scheduledFor = parseWhen(input.schedule, timeZone);
      if (!scheduledFor)
        throw new CommandError('invalid', `schedule: write it as 2026-12-01 09:00 (${timeZone}).`);
      if (scheduledFor < now) throw new CommandError('invalid', 'schedule: that time has passed.');
    }
    const attachments = [input.image, input.image2, input.image3, input.image4].flatMap((a) =>
      a ? [a] : [],
    );
    const { media, facts } = await collectMedia(ctx, attachments);
    const preview = buildPreview(input.text, candidates, facts, { thread: input.thread });
    if (preview.targets.length === 0) return nothingFits(input.text, preview);
    const draft = await createOutboundPost(ctx.deps.pool, ctx.deps.keyring, {
      tenantId: ctx.tenant.id,
      createdBy: ctx.user.id,
      source: 'chat',
      items: [{ text: input.text }],
      targets: preview.targets,
      media,
      campaign: input.campaign,
      scheduledFor,
      draft: true,
      followUp: ctx.followUp,
    });
    return previewReply(draft.id, input.text, preview, scheduledFor, input.campaign);
  },
});

/** Edit: the draft's text in a private form; saving it shows a new preview of the same draft. */
export const postEdit: CommandAction = {
  id: 'post-edit',
  requires: 'publisher',
  async run(ctx, args) {
    const draft = await draftOf(ctx, args[0]);
    return {
      kind: 'form',
      submitId: `post-edit-save:${draft.id}`,
      title: 'Edit the post',
      fields: [{ id: 'text', label: 'Text', required: true, maxLength: 4000, value: draft.text }],
    };
  },
};

export const postEditSave: CommandAction = {
  id: 'post-edit-save',
  requires: 'publisher',
  async run(ctx, args, form) {
    const draft = await draftOf(ctx, args[0]);
    const text = (form?.text ?? '').trim();
    if (!text) throw new CommandError('invalid', 'text: is empty.');
    const linked = await listAccounts(ctx.deps.pool, ctx.tenant.id);
    const candidates = (
      await Promise.all(
        draft.targets.map(async (target) => {
          if ('aggregator' in target) return aggregatorTarget(ctx, target.aggregator);
          const account = linked.find((a) => a.id === target.accountId);
          return account ? linkedTarget(ctx, account) : undefined;
        }),
      )
    ).flatMap((t) => (t ? [t] : []));
    const facts = draft.media.map((m) => ({ mimeType: m.mimeType, byteSize: m.byteSize, label: m.fileName }));
    const preview = buildPreview(text, candidates, facts, { thread: false });
    if (preview.targets.length === 0) return nothingFits(text, preview);
    if (!(await rewriteDraft(ctx.deps.pool, ctx.tenant.id, draft.id, [{ text }], preview.targets)))
      throw new CommandError(
        'not-found',
        'This preview was already published or cancelled. See `post list`.',
      );
    return previewReply(draft.id, text, preview, draft.scheduledFor, draft.campaign);
  },
};

async function draftOf(ctx: CommandContext, id: string | undefined): Promise<StoredDraft> {
  const draft = id && isUuid(id) ? await loadDraft(ctx.deps.pool, ctx.tenant.id, id) : undefined;
  if (!draft)
    throw new CommandError('not-found', 'This preview was already published or cancelled. See `post list`.');
  return draft;
}

export const postPublish: CommandAction = {
  id: 'post-publish',
  requires: 'publisher',
  async run(ctx, args) {
    const id = args[0] ?? '';
    if (!isUuid(id) || !(await confirmDraft(ctx.deps.pool, ctx.tenant.id, id))) {
      throw new CommandError(
        'not-found',
        'This preview was already published or cancelled. See `post list`.',
      );
    }
    return reply.success('On its way. `post list` shows each platform’s result.');
  },
};

export const postCancelAction: CommandAction = {
  id: 'post-cancel',
  requires: 'publisher',
  async run(ctx, args) {
    const id = args[0] ?? '';
    if (!isUuid(id) || !(await cancelOutboundPost(ctx.deps.pool, ctx.tenant.id, id))) {
      throw new CommandError('not-found', 'It already went out (or was cancelled). See `post list`.');
    }
    return reply.success('Cancelled: nothing was posted.');
  },
};

export const postCancel = defineCommand({
  path: ['post', 'cancel'],
  description: 'Cancel a scheduled post before it goes out',
  example: 'post cancel post:<id>',
  requires: 'publisher',
  options: [{ name: 'post', kind: 'string', description: 'The post’s id (from post list)', required: true }],
  input: z.object({
    post: z.string({ error: 'is required' }).regex(UUID_PATTERN, { error: 'is not a post id' }),
  }),
  async run(ctx, input) {
    return postCancelAction.run(ctx, [input.post]);
  },
});
