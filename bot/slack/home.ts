/**
 * The App Home tab: the workspace's linked accounts with their status, its feeds per channel with
 * their filters, and its recent imports and errors. Published when a member opens the tab and after
 * a command changed something.
 * @see https://docs.slack.dev/surfaces/app-home
 */
import type { HomeView, KnownBlock } from '@slack/types';
import {
  listAccounts,
  recentImports,
  type AccountSummary,
  type RecentImport,
} from '../../core/account-store.js';
import type { Queryable } from '../../core/db/pool.js';
import { describeFilters } from '../../core/feed-filters.js';
import { listFeeds, type FeedSummary } from '../../core/feed-store.js';
import { accountLabel } from '../commands/resolve.js';
import { slackReference, slackText } from './render.js';

/** Slack allows 100 blocks in a Home view; each part keeps to its share. */
const MAX = { accounts: 20, feeds: 40, imports: 15 } as const;

const STATUS = { active: '🟢', needs_reconnect: '🔴 needs reconnecting', paused: '⏸ paused' } as const;

const when = (date: Date) =>
  `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${date.toISOString()}>`;

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: text.slice(0, 3000) },
});
const header = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

function accountBlock(account: AccountSummary): KnownBlock {
  const reason = account.statusReason ? `: ${account.statusReason}` : '';
  const error = account.lastError && account.status === 'active' ? `\nlast error: ${account.lastError}` : '';
  return section(
    slackText(
      `**${accountLabel(account)}** ${STATUS[account.status]}${reason}\n${account.feeds} feed(s)${error}`,
    ),
  );
}

function feedBlock(feed: FeedSummary): KnownBlock {
  const filters = describeFilters(feed.filters);
  const state = feed.paused ? ` ⏸ paused${feed.pausedReason ? `: ${feed.pausedReason}` : ''}` : '';
  return section(
    slackText(
      `${slackReference('#', feed.channelId)} ← **${accountLabel(feed)}**${state}\n${filters.length ? filters.join(' · ') : 'no filters'}`,
    ),
  );
}

/** One line per import; the date token is Slack markup of ours, the rest is escaped. */
function importLine(entry: RecentImport): string {
  const what = entry.error ? `⚠️ ${entry.error}` : `${entry.newPosts} new, ${entry.delivered} sent`;
  return `${when(entry.startedAt)} · ${slackText(`${accountLabel(entry)} · ${what}`)}`;
}

export interface HomeData {
  readonly accounts: readonly AccountSummary[];
  readonly feeds: readonly FeedSummary[];
  readonly imports: readonly RecentImport[];
}

export async function loadHome(db: Queryable, tenantId: string): Promise<HomeData> {
  const [accounts, feeds, imports] = await Promise.all([
    listAccounts(db, tenantId),
    listFeeds(db, tenantId),
    recentImports(db, tenantId, MAX.imports),
  ]);
  return { accounts, feeds, imports };
}

export function homeView(data: HomeData): HomeView {
  const blocks: KnownBlock[] = [header('Herald')];
  blocks.push(
    context(
      'Social posts flowing into this workspace. Change anything with `/herald`; `/herald help` lists it all.',
    ),
  );
  blocks.push(header('Linked accounts'));
  if (data.accounts.length === 0)
    blocks.push(section('None yet: `/herald social connect platform:rss url:…`'));
  blocks.push(...data.accounts.slice(0, MAX.accounts).map(accountBlock));
  if (data.accounts.length > MAX.accounts)
    blocks.push(context(`and ${data.accounts.length - MAX.accounts} more`));
  blocks.push({ type: 'divider' }, header('Feeds'));
  if (data.feeds.length === 0) blocks.push(section('None yet: `/herald feed add @account #channel`'));
  blocks.push(...data.feeds.slice(0, MAX.feeds).map((feed) => feedBlock(feed)));
  if (data.feeds.length > MAX.feeds) blocks.push(context(`and ${data.feeds.length - MAX.feeds} more`));
  blocks.push({ type: 'divider' }, header('Recent imports'));
  blocks.push(
    data.imports.length === 0
      ? context('Nothing imported yet.')
      : section(data.imports.map(importLine).join('\n')),
  );
  return { type: 'home', blocks };
}
