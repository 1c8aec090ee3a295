import { describe, expect, it } from 'vitest';
import type { StoredPost } from '../../../core/import-store.js';
import type { FeedForPoll } from '../../../core/poll-store.js';
import { feedFiltersSchema } from '../../../core/feed-filters.js';
import { socialPostSchema } from '../../../core/social-post.js';
import { decide, decideAll, decideBackfill } from '../../../worker/poll/decide.js';

const HOUR = 3_600_000;
const now = new Date('2026-11-23T12:00:00Z');
const ctx = { now, engagementWindowMs: 24 * HOUR };

function feed(overrides: Partial<FeedForPoll> = {}): FeedForPoll {
  return {
    id: 'feed-1',
    tenantId: 't',
    chatPlatform: 'discord',
    channelId: 'c',
    filters: {},
    mentionRoleId: undefined,
    deliverSince: new Date('2026-11-23T10:00:00Z'),
    backfillCount: 0,
    backfillDone: false,
    ...overrides,
  };
}

function stored(id: string, publishedAt: string, overrides: Record<string, unknown> = {}): StoredPost {
  const post = socialPostSchema.parse({
    platform: 'rss',
    platformId: id,
    permalink: `https://blog.example/${id}`,
    author: { id: 'a', displayName: 'Blog', handle: 'blog.example' },
    text: `post ${id}`,
    createdAt: publishedAt,
    kind: 'post',
    hashtags: [],
    links: [],
    media: [],
    metrics: {},
    ...overrides,
  });
  return { id, platformId: id, publishedAt: new Date(publishedAt), firstSeenAt: now, isNew: true, post };
}

describe('deciding deliveries', () => {
  it('GIVEN a post published before the feed existed THEN it is skipped as history, never sent', () => {
    expect(decide(feed(), stored('1', '2026-11-23T09:00:00Z'), ctx)).toMatchObject({
      status: 'skipped',
      verdict: { decision: 'skip' },
    });
  });

  it('GIVEN a newer post that passes the filters THEN it is pending with the verdict', () => {
    expect(decide(feed(), stored('2', '2026-11-23T11:00:00Z'), ctx)).toMatchObject({
      status: 'pending',
      verdict: { decision: 'deliver' },
    });
  });

  it('GIVEN a post the filters block THEN it is recorded as filtered with the reason', () => {
    const strict = feed({ filters: feedFiltersSchema.parse({ keywords: ['launch'] }) });
    expect(decide(strict, stored('3', '2026-11-23T11:00:00Z'), ctx)).toMatchObject({
      status: 'filtered',
      verdict: { summary: 'blocked: contains none of “launch”' },
    });
  });

  it('GIVEN a minimum engagement not reached yet THEN the post is held until the window ends', () => {
    const popular = feed({ filters: feedFiltersSchema.parse({ minEngagement: 10 }) });
    const delivery = decide(popular, stored('4', '2026-11-23T11:00:00Z', { metrics: { likes: 2 } }), ctx);
    expect(delivery).toMatchObject({ status: 'held', holdUntil: new Date(now.getTime() + 24 * HOUR) });
  });

  it('GIVEN two feeds THEN each decides for itself', () => {
    const blocking = feed({ id: 'feed-2', filters: feedFiltersSchema.parse({ mediaOnly: true }) });
    const decisions = decideAll([feed(), blocking], [stored('5', '2026-11-23T11:00:00Z')], ctx);
    expect(decisions.map((d) => [d.feedId, d.status])).toEqual([
      ['feed-1', 'pending'],
      ['feed-2', 'filtered'],
    ]);
  });

  it('GIVEN a backfill of 2 THEN the newest two history posts go through the filters and nothing older', () => {
    const history = ['06', '07', '08', '09'].map((hour, i) => stored(`h${i}`, `2026-11-23T${hour}:00:00Z`));
    const decisions = decideBackfill(feed({ backfillCount: 2 }), history, ctx);
    expect(decisions.map((d) => [d.postId, d.status])).toEqual([
      ['h3', 'pending'],
      ['h2', 'pending'],
    ]);
  });
});
