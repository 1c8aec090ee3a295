/** `feed add`: map a linked account to a channel, with filters, after checking Herald can post there. */
import { z } from 'zod';
import { createFeed } from '../../core/feed-store.js';
import { describeFilters } from '../../core/feed-filters.js';
import { defineCommand, InputError } from './command.js';
import type { ChannelCheck, CommandContext } from './context.js';
import { CommandError } from './errors.js';
import { FILTER_OPTIONS, filterInput, filterProblems, filtersFrom } from './feed-options.js';
import { reply } from './reply.js';
import { accountLabel, CHANNEL_ID, resolveAccount } from './resolve.js';

export function channelProblem(
  ctx: CommandContext,
  check: ChannelCheck,
  channelId: string,
): string | undefined {
  if (check.ok) return undefined;
  const where = ctx.chat.channelMention(channelId);
  switch (check.reason) {
    case 'not-found':
      return `Herald cannot see ${where}. Check that the channel exists and that Herald's bot was added to it.`;
    case 'wrong-kind':
      return `${where} is not a text or announcement channel; Herald can only post in those.`;
    case 'missing-permissions':
      return `Herald is missing ${check.missing.map((p) => `**${p}**`).join(', ')} in ${where}. Give its role ${check.missing.length > 1 ? 'these permissions' : 'this permission'} there, then try again.`;
  }
}

export const feedAdd = defineCommand({
  path: ['feed', 'add'],
  description: 'Post an account’s new posts to a channel, with optional filters',
  example: 'feed add account:@acme channel:#news hashtags:launch,release min-engagement:10 no-replies',
  requires: 'admin',
  options: [
    { name: 'account', kind: 'account', description: 'The linked account to follow', required: true },
    { name: 'channel', kind: 'channel', description: 'Where its posts go', required: true },
    ...FILTER_OPTIONS,
    {
      name: 'backfill',
      kind: 'integer',
      description: 'Also post its newest N posts from before now (0–50)',
      min: 0,
      max: 50,
    },
  ],
  input: z.object({
    account: z.string({ error: 'is required' }).min(1),
    channel: z.string({ error: 'is required' }).regex(CHANNEL_ID, { error: 'is not a channel' }),
    ...filterInput,
    backfill: z
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be 0 or more' })
      .max(50, { error: 'is at most 50' })
      .default(0),
  }),
  async run(ctx, input) {
    const account = await resolveAccount(ctx, input.account);
    const filters = filtersFrom(input);
    if (!filters.success) throw new InputError(filterProblems(filters.error));
    const problem = channelProblem(ctx, await ctx.chat.checkChannel(input.channel), input.channel);
    if (problem) throw new CommandError('invalid', problem);
    const feed = await createFeed(ctx.deps.pool, {
      tenantId: ctx.tenant.id,
      accountId: account.id,
      channelId: input.channel,
      filters: filters.data,
      mentionRoleId: input.mention,
      backfillCount: input.backfill,
      createdBy: ctx.user.id,
    });
    if (!feed) {
      throw new CommandError(
        'conflict',
        `${accountLabel(account)} already posts to ${ctx.chat.channelMention(input.channel)}. Change that feed with \`feed edit\` instead.`,
      );
    }
    const conditions = describeFilters(feed.filters);
    return reply.success(
      `New posts of ${accountLabel(account)} will appear in ${ctx.chat.channelMention(feed.channelId)}` +
        (feed.backfillCount > 0
          ? `, starting with its newest ${feed.backfillCount} posts.`
          : ', from now on.'),
      {
        title: 'Feed added',
        fields: [
          { name: 'Filters', value: conditions.length > 0 ? conditions.join('\n') : 'none: every new post' },
          ...(feed.mentionRoleId
            ? [{ name: 'Mentions', value: ctx.chat.roleMention(feed.mentionRoleId) }]
            : []),
          { name: 'Feed id', value: `\`${feed.id}\`` },
        ],
      },
    );
  },
});
