import { describe, expect, it } from 'vitest';
import { evaluateFilters, containsKeyword, type EvaluationContext } from '../../core/filter-evaluation.js';
import {
  describeFilters,
  feedFiltersSchema,
  hasFilters,
  splitList,
  type FeedFilters,
} from '../../core/feed-filters.js';
import { socialPostSchema, type SocialPost, type SocialPostInput } from '../../core/social-post.js';

const base: SocialPostInput = {
  platform: 'bluesky',
  platformId: 'at://did:plc:abc/app.bsky.feed.post/1',
  permalink: 'https://bsky.app/profile/acme.test/post/1',
  author: { id: 'did:plc:abc', displayName: 'Acme', handle: 'acme.test' },
  text: 'Our big launch is today! Come see the new release.',
  createdAt: '2026-11-23T10:00:00.000Z',
  kind: 'post',
  hashtags: ['Launch'],
  links: [],
  media: [],
  metrics: { likes: 3, reposts: 1, replies: 0 },
};

function post(overrides: Partial<SocialPostInput> = {}): SocialPost {
  return socialPostSchema.parse({ ...base, ...overrides });
}

function filters(input: Record<string, unknown>): FeedFilters {
  return feedFiltersSchema.parse(input);
}

const HOUR = 3_600_000;
const ctx: EvaluationContext = {
  now: new Date('2026-11-23T10:30:00Z'),
  firstSeenAt: new Date('2026-11-23T10:00:00Z'),
  engagementWindowMs: 24 * HOUR,
};
const later: EvaluationContext = { ...ctx, now: new Date('2026-11-24T10:00:01Z') };

describe('feed filters', () => {
  it('GIVEN no filters THEN every post is delivered and says so', () => {
    expect(evaluateFilters(post(), filters({}), ctx)).toMatchObject({
      decision: 'deliver',
      summary: 'delivers: no filters set',
    });
    expect(hasFilters(filters({}))).toBe(false);
  });

  it('GIVEN hashtags typed with # or in capitals THEN they match the post case-insensitively', () => {
    const f = filters({ hashtags: ['#LAUNCH', 'release'] });
    expect(f.hashtags).toEqual(['launch', 'release']);
    expect(evaluateFilters(post(), f, ctx)).toMatchObject({
      decision: 'deliver',
      results: [{ condition: 'hashtags', passed: true, detail: 'has #launch' }],
    });
    expect(evaluateFilters(post({ hashtags: ['other'] }), f, ctx)).toMatchObject({
      decision: 'block',
      summary: 'blocked: has none of #launch, #release',
    });
  });

  it('GIVEN keywords THEN they match whole words and phrases, case-insensitively', () => {
    const f = filters({ keywords: ['LAUNCH'] });
    expect(evaluateFilters(post(), f, ctx).decision).toBe('deliver');
    expect(evaluateFilters(post({ text: 'We relaunched the launcher' }), f, ctx).decision).toBe('block');
    expect(containsKeyword('the new   release notes', 'new release')).toBe(true);
    expect(containsKeyword('Ärger im Büro', 'ärger')).toBe(true);
    expect(containsKeyword('Bürogebäude', 'büro')).toBe(false);
    expect(containsKeyword('café crème', 'cafe')).toBe(false);
  });

  it('GIVEN a keyword in a script without spaces THEN it matches inside the text', () => {
    expect(containsKeyword('新製品を発表しました', '新製品')).toBe(true);
    expect(containsKeyword('新しい発表', '新製品')).toBe(false);
  });

  it('GIVEN excluded keywords THEN a post with any of them is blocked and the word is named', () => {
    const verdict = evaluateFilters(
      post({ text: 'Spoiler: the launch is today' }),
      filters({ excludeKeywords: ['spoiler', 'leak'] }),
      ctx,
    );
    expect(verdict).toMatchObject({ decision: 'block', summary: 'blocked: contains excluded “spoiler”' });
  });

  it('GIVEN kind exclusions THEN reposts, replies and quotes are blocked each by their own switch', () => {
    const original = { ...base, platformId: 'orig', kind: 'post' as const };
    const repost = post({ kind: 'repost', text: '', original });
    const reply = post({ kind: 'reply' });
    const quote = post({ kind: 'quote', original });
    const f = filters({ excludeReposts: true, excludeReplies: true, excludeQuotes: true });
    expect(evaluateFilters(repost, f, ctx).summary).toBe('blocked: is a repost');
    expect(evaluateFilters(reply, f, ctx).summary).toBe('blocked: is a reply');
    expect(evaluateFilters(quote, f, ctx).summary).toBe('blocked: is a quote');
    expect(evaluateFilters(post(), f, ctx).decision).toBe('deliver');
  });

  it('GIVEN a repost THEN keywords, hashtags and media of the original count', () => {
    const original = {
      ...base,
      platformId: 'orig',
      text: 'Launch day photos',
      hashtags: ['photos'],
      media: [{ type: 'image' as const, url: 'https://cdn.test/a.jpg' }],
    };
    const repost = post({ kind: 'repost', text: '', hashtags: [], original });
    expect(
      evaluateFilters(repost, filters({ keywords: ['photos'], hashtags: ['photos'], mediaOnly: true }), ctx)
        .decision,
    ).toBe('deliver');
  });

  it('GIVEN media only THEN a post without media is blocked', () => {
    expect(evaluateFilters(post(), filters({ mediaOnly: true }), ctx).summary).toBe('blocked: has no media');
  });

  it('GIVEN a minimum engagement reached THEN delivers', () => {
    expect(evaluateFilters(post(), filters({ minEngagement: 4 }), ctx)).toMatchObject({
      decision: 'deliver',
      results: [{ condition: 'min-engagement', passed: true, detail: 'engagement 4 ≥ 4' }],
    });
  });

  it('GIVEN engagement below the minimum inside the window THEN holds the post, and after the window blocks it', () => {
    const f = filters({ minEngagement: 50 });
    const held = evaluateFilters(post(), f, ctx);
    expect(held.decision).toBe('hold');
    expect(held.summary).toMatch(
      /^held: engagement 4 of 50 so far; re-checked until 2026-11-24T10:00:00.000Z$/,
    );
    expect(evaluateFilters(post(), f, later)).toMatchObject({
      decision: 'block',
      summary: 'blocked: engagement stayed below 50 for 24 h (reached 4)',
    });
  });

  it('GIVEN a platform that reports no engagement THEN unknown is not zero: held, then blocked as never reported', () => {
    const f = filters({ minEngagement: 1 });
    expect(evaluateFilters(post({ metrics: {} }), f, ctx).summary).toMatch(
      /^held: engagement not reported yet/,
    );
    expect(evaluateFilters(post({ metrics: { views: 100 } }), f, later).summary).toBe(
      'blocked: engagement never reported within 24 h',
    );
  });

  it('GIVEN another condition blocks THEN the engagement hold does not keep the post waiting', () => {
    const verdict = evaluateFilters(
      post({ hashtags: [] }),
      filters({ hashtags: ['launch'], minEngagement: 50 }),
      ctx,
    );
    expect(verdict.decision).toBe('block');
    expect(verdict.summary).toBe('blocked: has none of #launch');
  });

  it('GIVEN a regex THEN it is matched case-insensitively with Unicode', () => {
    const f = filters({ regex: 'launch(es|ed)?\\b' });
    expect(evaluateFilters(post(), f, ctx).decision).toBe('deliver');
    expect(evaluateFilters(post({ text: 'nothing here' }), f, ctx).summary).toBe(
      'blocked: does not match /launch(es|ed)?\\b/',
    );
  });

  it('GIVEN a catastrophic regex THEN it is stopped at the time limit and the post is blocked, not the worker', () => {
    const verdict = evaluateFilters(post({ text: `${'a'.repeat(40)}!` }), filters({ regex: '^(a+)+$' }), ctx);
    expect(verdict.decision).toBe('block');
    expect(verdict.summary).toMatch(/took longer than 50 ms and was stopped/);
  });

  it('GIVEN every condition THEN all must hold, and the explanation lists each', () => {
    const f = filters({
      hashtags: ['launch'],
      keywords: ['release'],
      excludeKeywords: ['leak'],
      minEngagement: 2,
      excludeReplies: true,
    });
    const verdict = evaluateFilters(post(), f, ctx);
    expect(verdict.decision).toBe('deliver');
    expect(verdict.results.map((r) => r.condition)).toEqual([
      'hashtags',
      'keywords',
      'exclude-keywords',
      'exclude-replies',
      'min-engagement',
    ]);
    expect(verdict.results.every((r) => r.passed)).toBe(true);
  });
});

describe('filter input', () => {
  it('GIVEN an invalid regex THEN the schema says why', () => {
    const result = feedFiltersSchema.safeParse({ regex: '(unclosed' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/^is not a valid regular expression: /);
  });

  it('GIVEN an unknown filter or a bad value THEN the schema refuses it', () => {
    expect(feedFiltersSchema.safeParse({ hashtag: ['x'] }).success).toBe(false);
    expect(feedFiltersSchema.safeParse({ minEngagement: 0 }).success).toBe(false);
    expect(feedFiltersSchema.safeParse({ hashtags: ['two words'] }).success).toBe(false);
    expect(
      feedFiltersSchema.safeParse({ keywords: Array.from({ length: 51 }, (_, i) => `k${i}`) }).success,
    ).toBe(false);
  });

  it('GIVEN a list with quoted phrases THEN commas inside quotes stay in the phrase', () => {
    expect(splitList('launch, "product launch, v2" ,beta,,')).toEqual([
      'launch',
      'product launch, v2',
      'beta',
    ]);
    expect(splitList('')).toEqual([]);
  });

  it('GIVEN filters THEN describes each in one line', () => {
    expect(
      describeFilters(
        filters({
          hashtags: ['launch'],
          keywords: ['new release', 'beta'],
          minEngagement: 10,
          excludeReposts: true,
        }),
      ),
    ).toEqual(['hashtags: #launch', 'keywords: "new release", beta', 'min engagement: 10', 'no reposts']);
  });
});
