/**
 * Turning what an admin typed (an id from autocomplete, or a handle) into one of this tenant's
 * accounts or feeds, with an error that says what to do when nothing, or more than one, matches.
 */
import { findAccount, listAccounts, type AccountSummary } from '../../core/account-store.js';
import { findFeed, listFeeds, type FeedSummary } from '../../core/feed-store.js';
import { PLATFORM_INFO } from '../../core/platforms.js';
import type { CommandContext } from './context.js';
import { CommandError } from './errors.js';
import { isUuid } from '../../core/ids.js';

export const accountLabel = (account: Pick<AccountSummary, 'handle' | 'platform'>): string =>
  `${account.handle.startsWith('http') ? account.handle : `@${account.handle.replace(/^@/, '')}`} on ${PLATFORM_INFO[account.platform].displayName}`;

export async function resolveAccount(ctx: CommandContext, reference: string): Promise<AccountSummary> {
  const { pool } = ctx.deps;
  const wanted = reference.trim();
  if (isUuid(wanted)) {
    const byId = await findAccount(pool, ctx.tenant.id, wanted);
    if (byId) return byId;
  }
  const handle = wanted.replace(/^@/, '').toLowerCase();
  const matches = (await listAccounts(pool, ctx.tenant.id)).filter(
    (account) => account.handle.replace(/^@/, '').toLowerCase() === handle,
  );
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    throw new CommandError(
      'invalid',
      `More than one linked account is called ${wanted}: ${matches.map(accountLabel).join(', ')}. Pick one from the list as you type.`,
    );
  }
  throw new CommandError(
    'not-found',
    `No linked account matches "${wanted}" here. Run \`social accounts\` to see them, or \`social connect\` to link one.`,
  );
}

export async function resolveFeed(ctx: CommandContext, reference: string): Promise<FeedSummary> {
  const wanted = reference.trim();
  const feed = isUuid(wanted) ? await findFeed(ctx.deps.pool, ctx.tenant.id, wanted) : undefined;
  if (feed) return feed;
  throw new CommandError(
    'not-found',
    `No feed matches "${wanted}" here. Pick one from the list as you type, or run \`feed list\` to see them.`,
  );
}

export const feedLabel = (ctx: CommandContext, feed: FeedSummary): string =>
  `${accountLabel(feed)} → ${ctx.chat.channelMention(feed.channelId)}`;

/** A channel id the platform gave (Discord snowflake, Slack C…/G… id). */
export const CHANNEL_ID = /^[A-Za-z0-9]{1,40}$/;

export { listFeeds };
