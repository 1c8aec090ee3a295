/**
 * Publishing from chat: `post new` shows a private preview per target (the text counted the
 * platform's way against its limit) with Publish and Cancel; `post list` shows scheduled and recent
 * posts with each platform's result; `post cancel` stops one that has not started.
 */
import { z } from 'zod';
import { listAccounts, type AccountSummary } from '../../core/account-store.js';
import {
  cancelOutboundPost,
  confirmDraft,
  createOutboundPost,
  listOutboundPosts,
} from '../../core/outbound-store.js';
import { PLATFORM_INFO } from '../../core/platforms.js';
import { checkLength } from '../../social/text-length.js';
import { defineCommand, type CommandAction } from './command.js';
import type { CommandContext } from './context.js';
import { CommandError } from './errors.js';
import { reply, type ReplyField } from './reply.js';
import { accountLabel } from './resolve.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/** Accounts named by id, handle or platform; all that can publish when none is named. */
function pickAccounts(all: readonly AccountSummary[], typed: string | undefined): AccountSummary[] {
  const publishable = all.filter((account) => account.platform !== 'rss');
  if (!typed) return publishable;
  const picked = new Map<string, AccountSummary>();
  for (const word of typed
    .split(',')
    .map((w) => w.trim().replace(/^@/, '').toLowerCase())
    .filter(Boolean)) {
    const matches = publishable.filter(
      (a) => a.id === word || a.handle.toLowerCase() === word || a.platform === word,
    );
    if (matches.length === 0)
      throw new CommandError(
        'not-found',
        `No linked account you can post to matches "${word}". Run \`social accounts\`.`,
      );
    for (const match of matches) picked.set(match.id, match);
  }
  return [...picked.values()];
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
    { name: 'schedule', kind: 'string', description: 'When, in this server’s time zone: 2026-12-01 09:00' },
  ],
  input: z.object({
    text: z.string({ error: 'is required' }).trim().min(1, { error: 'is empty' }),
    accounts: z.string().optional(),
    schedule: z.string().optional(),
  }),
  async run(ctx, input) {
    const targets = pickAccounts(await listAccounts(ctx.deps.pool, ctx.tenant.id), input.accounts);
    if (targets.length === 0)
      throw new CommandError(
        'not-found',
        'No linked account can be posted to yet. Link one with `social connect`.',
      );
    const now = ctx.deps.now?.() ?? new Date();
    const timeZone = await tenantTimeZone(ctx);
    let scheduledFor: Date | undefined;
    if (input.schedule) {
      scheduledFor = parseWhen(input.schedule, timeZone);
      if (!scheduledFor)
        throw new CommandError('invalid', `schedule: write it as 2026-12-01 09:00 (${timeZone}).`);
      if (scheduledFor < now) throw new CommandError('invalid', 'schedule: that time has passed.');
    }
    const fields: ReplyField[] = [];
    let fits = true;
    for (const account of targets) {
      const provider = ctx.deps.registry.get(account.platform);
      const check = checkLength(input.text, provider.limits);
      fits &&= check.ok;
      fields.push({
        name: accountLabel(account),
        value: check.ok
          ? `✅ ${check.length}/${check.max} (counted as ${PLATFORM_INFO[account.platform].displayName} counts)`
          : `❌ ${check.length}/${check.max}: too long for ${PLATFORM_INFO[account.platform].displayName}. Shorten it (splitting into a thread is not built yet).`,
        inline: true,
      });
    }
    if (!fits) return reply.error(input.text, { title: 'Preview: too long for some accounts', fields });
    const draft = await createOutboundPost(ctx.deps.pool, ctx.deps.keyring, {
      tenantId: ctx.tenant.id,
      createdBy: ctx.user.id,
      source: 'chat',
      items: [{ text: input.text }],
      accountIds: targets.map((t) => t.id),
      scheduledFor,
      draft: true,
      followUp: ctx.followUp,
    });
    const when = scheduledFor ? `at ${scheduledFor.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'now';
    return reply.info(input.text, {
      title: `Preview: post ${when}`,
      fields,
      buttons: [
        {
          actionId: `post-publish:${draft.id}`,
          label: scheduledFor ? 'Schedule' : 'Publish',
          style: 'primary',
        },
        { actionId: `post-cancel:${draft.id}`, label: 'Cancel', style: 'danger' },
      ],
    });
  },
});

export const postPublish: CommandAction = {
  id: 'post-publish',
  requires: 'publisher',
  async run(ctx, args) {
    const id = args[0] ?? '';
    if (!UUID.test(id) || !(await confirmDraft(ctx.deps.pool, ctx.tenant.id, id))) {
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
    if (!UUID.test(id) || !(await cancelOutboundPost(ctx.deps.pool, ctx.tenant.id, id))) {
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
  input: z.object({ post: z.string({ error: 'is required' }).regex(UUID, { error: 'is not a post id' }) }),
  async run(ctx, input) {
    return postCancelAction.run(ctx, [input.post]);
  },
});

export const postList = defineCommand({
  path: ['post', 'list'],
  description: 'Scheduled and recent posts, with each platform’s result',
  example: 'post list account:@acme',
  requires: 'member',
  options: [{ name: 'account', kind: 'string', description: 'Only posts to this account (handle)' }],
  input: z.object({ account: z.string().optional() }),
  async run(ctx, input) {
    const wanted = input.account?.trim().replace(/^@/, '').toLowerCase();
    const posts = (await listOutboundPosts(ctx.deps.pool, ctx.tenant.id, 50)).filter(
      (post) => !wanted || post.targets.some((t) => t.handle.toLowerCase() === wanted),
    );
    if (posts.length === 0) return reply.info('No posts yet. Write one with `post new`.', { title: 'Posts' });
    const fields = posts.slice(0, 25).map((post) => ({
      name: `${post.status} · ${post.text.length > 60 ? `${post.text.slice(0, 59)}…` : post.text}`,
      value: [
        ...post.targets.map(
          (t) =>
            `${t.handle} (${t.platform}): ${t.status}${t.url ? ` ${t.url}` : ''}${t.error ? `: ${t.error}` : ''}`,
        ),
        post.scheduledFor && post.status === 'scheduled'
          ? `scheduled ${post.scheduledFor.toISOString()}`
          : '',
        `id \`${post.id}\``,
      ]
        .filter(Boolean)
        .join('\n'),
    }));
    return reply.info(`${posts.length} post${posts.length === 1 ? '' : 's'}.`, { title: 'Posts', fields });
  },
});
