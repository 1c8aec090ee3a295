import { describe, expect, it } from 'vitest';
import { homeView, type HomeData } from '../../../bot/slack/home.js';
import type { AccountSummary } from '../../../core/account-store.js';
import type { FeedSummary } from '../../../core/feed-store.js';

const account: AccountSummary = {
  id: 'a1',
  platform: 'bluesky',
  handle: 'acme.bsky.social',
  displayName: 'Acme',
  instanceUrl: undefined,
  status: 'needs_reconnect',
  statusReason: 'the app password was revoked',
  lastPolledAt: new Date('2026-11-23T10:00:00Z'),
  nextPollAt: new Date('2026-11-23T10:01:00Z'),
  lastError: undefined,
  feeds: 1,
};
const feed = (i: number): FeedSummary => ({
  id: `f${i}`,
  accountId: 'a1',
  platform: 'bluesky',
  handle: 'acme.bsky.social',
  channelId: 'C0NEWS',
  filters: { keywords: ['<!channel> launch'], minEngagement: 5 },
  mentionRoleId: undefined,
  paused: false,
  pausedReason: undefined,
  backfillCount: 0,
  createdAt: new Date(),
});

const text = (view: ReturnType<typeof homeView>) =>
  view.blocks
    .map((b) =>
      JSON.stringify(
        (b as { text?: unknown; elements?: unknown }).text ?? (b as { elements?: unknown }).elements ?? '',
      ),
    )
    .join('\n');

describe('the App Home view', () => {
  it('GIVEN accounts, feeds and imports THEN each has its section, with references working and typed text inert', () => {
    const data: HomeData = {
      accounts: [account],
      feeds: [feed(1)],
      imports: [
        {
          accountId: 'a1',
          handle: 'acme.bsky.social',
          platform: 'bluesky',
          startedAt: new Date('2026-11-23T09:00:00Z'),
          status: 'failed',
          newPosts: 0,
          delivered: 0,
          error: 'token <revoked>',
        },
      ],
    };
    const view = homeView(data);
    expect(view.type).toBe('home');
    const all = text(view);
    expect(all).toContain('needs reconnecting: the app password was revoked');
    expect(all).toContain('<#C0NEWS>');
    expect(all).toContain('&lt;!channel&gt; launch');
    expect(all).not.toContain('<!channel>');
    expect(all).toContain('<!date^1795424400^{date_short_pretty} {time}|2026-11-23T09:00:00.000Z>');
    expect(all).toContain('token &lt;revoked&gt;');
  });

  it('GIVEN hundreds of feeds THEN the view stays within Slack’s 100 blocks and says how many more', () => {
    const view = homeView({
      accounts: [account],
      feeds: Array.from({ length: 300 }, (_, i) => feed(i)),
      imports: [],
    });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(text(view)).toContain('and 260 more');
  });

  it('GIVEN nothing yet THEN it says how to start', () => {
    const all = text(homeView({ accounts: [], feeds: [], imports: [] }));
    expect(all).toContain('/herald social connect');
    expect(all).toContain('Nothing imported yet.');
  });
});
