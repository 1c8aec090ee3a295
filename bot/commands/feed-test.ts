/**
 * `feed test`: the account's latest posts, each with what the feed did or would do and why (the
 * filter explanation), and a button to send one to the channel now as a test. `feed import-now`:
 * poll the account now and say what arrived.
 */
import { z } from 'zod';
import { deliveryStates } from '../../core/delivery-store.js';
import { evaluateFilters } from '../../core/filter-evaluation.js';
import { recentPosts, type StoredPost } from '../../core/import-store.js';
import { importLogSince, requestPollNow } from '../../core/poll-store.js';
import { queueTestPost } from '../../core/test-posts.js';
import { defineCommand, type CommandAction } from './command.js';
import type { CommandContext } from './context.js';
import { CommandError } from './errors.js';
import { reply, type ReplyButton, type ReplyField } from './reply.js';
import { feedLabel, resolveFeed } from './resolve.js';

const STATUS_WORDS: Record<string, string> = {
  delivered: '✅ delivered',
  pending: '⏳ being sent',
  sending: '⏳ being sent',
  held: '⏳ held for engagement',
  filtered: '🚫 blocked',
  skipped: '⏭ skipped (older than the feed)',
  failed: '⚠️ failed to send',
};

function headline(post: StoredPost): string {
  const text = post.post.text.replace(/\s+/g, ' ').trim();
  const short = text.length > 80 ? `${text.slice(0, 79)}…` : text || '(no text)';
  return `${post.publishedAt.toISOString().slice(0, 16).replace('T', ' ')} · ${short}`;
}

export const feedTest = defineCommand({
  path: ['feed', 'test'],
  description: 'Show what the feed did or would do with the account’s latest posts, and why',
  example: 'feed test feed:<feed> count:5',
  requires: 'admin',
  options: [
    { name: 'feed', kind: 'feed', description: 'The feed', required: true },
    {
      name: 'count',
      kind: 'integer',
      description: 'How many recent posts (1–10, default 5)',
      min: 1,
      max: 10,
    },
  ],
  input: z.object({
    feed: z.string({ error: 'is required' }).min(1),
    count: z
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'is at least 1' })
      .max(10, { error: 'is at most 10' })
      .default(5),
  }),
  async run(ctx, input) {
    const feed = await resolveFeed(ctx, input.feed);
    const posts = await recentPosts(ctx.deps.pool, feed.accountId, input.count);
    if (posts.length === 0) {
      return reply.info(
        `Herald has no posts of this account yet. Run \`feed import-now\` to fetch them now.`,
        {
          title: `Test of ${feedLabel(ctx, feed)}`,
        },
      );
    }
    const states = await deliveryStates(
      ctx.deps.pool,
      feed.id,
      posts.map((post) => post.id),
    );
    const now = ctx.deps.now?.() ?? new Date();
    const fields: ReplyField[] = [];
    const buttons: ReplyButton[] = [];
    posts.forEach((post, index) => {
      const state = states.get(post.id);
      let line: string;
      if (state) {
        line = `${STATUS_WORDS[state.status] ?? state.status}${state.verdictSummary ? `: ${state.verdictSummary}` : ''}`;
      } else {
        const verdict = evaluateFilters(post.post, feed.filters, {
          now,
          firstSeenAt: post.firstSeenAt,
          engagementWindowMs: ctx.deps.settings.engagementWindowMs,
        });
        const word = { deliver: '👍 would deliver', hold: '⏳ would hold', block: '🚫 would block' }[
          verdict.decision
        ];
        line = `${word}: ${verdict.summary}`;
      }
      fields.push({ name: `${index + 1}. ${headline(post)}`, value: `${line}\n${post.post.permalink}` });
      buttons.push({
        actionId: `feed-test-send:${feed.id}:${post.id}`,
        label: `Send #${index + 1}`,
        style: 'secondary',
      });
    });
    return reply.info('Latest posts first. A button sends that post to the channel now, marked as a test.', {
      title: `Test of ${feedLabel(ctx, feed)}`,
      fields,
      buttons: buttons.slice(0, 5),
    });
  },
});

export const feedTestSend: CommandAction = {
  id: 'feed-test-send',
  requires: 'admin',
  async run(ctx, args) {
    const [feedId = '', postId = ''] = args;
    const feed = await resolveFeed(ctx, feedId);
    if (!/^\d+$/.test(postId))
      throw new CommandError('invalid', 'This button is damaged. Run `feed test` again.');
    const queued = await queueTestPost(ctx.deps.pool, feed.id, postId);
    if (!queued) throw new CommandError('not-found', 'That post is no longer stored. Run `feed test` again.');
    return reply.success(`Sending it to ${ctx.chat.channelMention(feed.channelId)} now, as a test.`);
  },
};

const IMPORT_WAIT_MS = 20_000;

async function waitForPoll(ctx: CommandContext, accountId: string, since: Date) {
  const deadline = Date.now() + IMPORT_WAIT_MS;
  while (Date.now() < deadline) {
    const log = await importLogSince(ctx.deps.pool, accountId, since);
    if (log) return log;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return undefined;
}

export const feedImportNow = defineCommand({
  path: ['feed', 'import-now'],
  description: 'Check the feed’s account for new posts now, and say what arrived',
  example: 'feed import-now feed:<feed>',
  requires: 'admin',
  options: [{ name: 'feed', kind: 'feed', description: 'The feed', required: true }],
  input: z.object({ feed: z.string({ error: 'is required' }).min(1) }),
  async run(ctx, input) {
    const feed = await resolveFeed(ctx, input.feed);
    const asked = await requestPollNow(ctx.deps.pool, feed.accountId);
    const log = await waitForPoll(ctx, feed.accountId, asked);
    if (!log) {
      return reply.warning(
        'The check is queued but has not finished yet (is the worker running? see `herald status`). New posts will appear on their own.',
      );
    }
    if (log.status === 'failed') {
      return reply.error(`The check failed: ${log.error ?? 'unknown error'}. Herald tries again on its own.`);
    }
    return reply.success(
      log.newPosts === 0
        ? 'Checked: nothing new.'
        : `Checked: ${log.newPosts} new post${log.newPosts === 1 ? '' : 's'}; ${log.delivered} on the way to the channels, ${log.filteredOut} filtered out.`,
      { title: `Import of ${feedLabel(ctx, feed)}` },
    );
  },
});
