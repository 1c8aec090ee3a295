/** `feed list`, `feed edit`, `feed pause`, `feed resume` and `feed remove`. */
import { z } from 'zod';
import { queueFeedDelivery } from '../../core/delivery-store.js';
import { describeFilters } from '../../core/feed-filters.js';
import { listFeeds, removeFeed, setFeedPaused, updateFeed, type FeedSummary } from '../../core/feed-store.js';
import { defineCommand, InputError } from './command.js';
import type { CommandContext } from './context.js';
import { CommandError } from './errors.js';
import { FILTER_OPTIONS, filterInput, filterProblems, filtersFrom } from './feed-options.js';
import { reply, type ReplyField } from './reply.js';
import { accountLabel, CHANNEL_ID, feedLabel, resolveFeed } from './resolve.js';

const feedOption = { name: 'feed', kind: 'feed', description: 'The feed', required: true } as const;
const feedInput = z.string({ error: 'is required' }).min(1);

function feedField(ctx: CommandContext, feed: FeedSummary): ReplyField {
  const conditions = describeFilters(feed.filters);
  const state = feed.paused ? `⏸ paused${feed.pausedReason ? `: ${feed.pausedReason}` : ''}` : '▶ running';
  return {
    name: `${accountLabel(feed)} → #${feed.channelId}`,
    value: [
      `${ctx.chat.channelMention(feed.channelId)} · ${state}`,
      conditions.length > 0 ? conditions.join(' · ') : 'no filters',
      ...(feed.mentionRoleId ? [`mentions ${ctx.chat.roleMention(feed.mentionRoleId)}`] : []),
      `id \`${feed.id}\``,
    ].join('\n'),
  };
}

export const feedList = defineCommand({
  path: ['feed', 'list'],
  description: 'List the feeds of this server, or of one channel',
  example: 'feed list channel:#news',
  requires: 'member',
  options: [{ name: 'channel', kind: 'channel', description: 'Only the feeds posting to this channel' }],
  input: z.object({ channel: z.string().regex(CHANNEL_ID, { error: 'is not a channel' }).optional() }),
  async run(ctx, input) {
    const feeds = await listFeeds(ctx.deps.pool, ctx.tenant.id, input.channel);
    if (feeds.length === 0) {
      const where = input.channel ? ` posting to ${ctx.chat.channelMention(input.channel)}` : '';
      return reply.info(`No feeds${where} yet. Add one with \`feed add\`.`, { title: 'Feeds' });
    }
    // Discord shows at most 25 fields in an embed; the rest are counted.
    const shown = feeds.slice(0, 25);
    const more = feeds.length - shown.length;
    return reply.info(
      `${feeds.length} feed${feeds.length === 1 ? '' : 's'}${more > 0 ? ` (first 25 shown)` : ''}.`,
      {
        title: 'Feeds',
        fields: shown.map((feed) => feedField(ctx, feed)),
      },
    );
  },
});

export const feedEdit = defineCommand({
  path: ['feed', 'edit'],
  description: 'Change a feed’s filters or mention; options left out stay as they are',
  example: 'feed edit feed:<feed> keywords:"" min-engagement:25',
  requires: 'admin',
  options: [feedOption, ...FILTER_OPTIONS],
  input: z.object({ feed: feedInput, ...filterInput }),
  async run(ctx, input) {
    const feed = await resolveFeed(ctx, input.feed);
    const filters = filtersFrom(input, feed.filters);
    if (!filters.success) throw new InputError(filterProblems(filters.error));
    const updated = await updateFeed(ctx.deps.pool, ctx.tenant.id, feed.id, {
      filters: filters.data,
      ...(input.mention !== undefined ? { mentionRoleId: input.mention } : {}),
    });
    if (!updated) throw new CommandError('not-found', 'That feed was removed meanwhile.');
    return reply.success(`Updated ${feedLabel(ctx, updated)}.`, {
      title: 'Feed changed',
      fields: [feedField(ctx, updated)],
    });
  },
});

function pauseCommand(paused: boolean) {
  return defineCommand({
    path: ['feed', paused ? 'pause' : 'resume'],
    description: paused ? 'Stop posting a feed until it is resumed' : 'Resume a paused feed',
    example: `feed ${paused ? 'pause' : 'resume'} feed:<feed>`,
    requires: 'admin',
    options: [feedOption],
    input: z.object({ feed: feedInput }),
    async run(ctx, input) {
      const feed = await resolveFeed(ctx, input.feed);
      await setFeedPaused(ctx.deps.pool, ctx.tenant.id, feed.id, paused);
      if (!paused) {
        // Posts that arrived while it was paused wait as pending: send them now, in order.
        await queueFeedDelivery(ctx.deps.pool, feed.id, ctx.deps.now?.() ?? new Date(), 'replace');
      }
      return reply.success(
        paused
          ? `Paused ${feedLabel(ctx, feed)}. Nothing is posted until you resume it.`
          : `Resumed ${feedLabel(ctx, feed)}.`,
      );
    },
  });
}

export const feedPause = pauseCommand(true);
export const feedResume = pauseCommand(false);

export const feedRemove = defineCommand({
  path: ['feed', 'remove'],
  description: 'Stop and delete a feed (the account stays linked)',
  example: 'feed remove feed:<feed>',
  requires: 'admin',
  options: [feedOption],
  input: z.object({ feed: feedInput }),
  async run(ctx, input) {
    const feed = await resolveFeed(ctx, input.feed);
    await removeFeed(ctx.deps.pool, ctx.tenant.id, feed.id);
    return reply.success(`Removed ${feedLabel(ctx, feed)}. ${accountLabel(feed)} stays linked.`);
  },
});
