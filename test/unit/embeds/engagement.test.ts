import { describe, expect, it } from 'vitest';
import { engagementLine, hasMetrics } from '../../../embeds/engagement.js';
import { PLATFORM_STYLE } from '../../../embeds/platform-style.js';

describe('engagementLine', () => {
  it('GIVEN every metric THEN replies, reposts, quotes, likes and views appear in that order, compacted', () => {
    const line = engagementLine(
      { likes: 1_234, reposts: 56, replies: 7, quotes: 0, views: 1_500_000 },
      PLATFORM_STYLE.x,
    );
    expect(line).toBe('💬 7 · 🔁 56 · ❝ 0 · ❤️ 1.2K · 👁️ 1.5M');
  });

  it('GIVEN only some metrics THEN the unknown ones are left out, not shown as 0', () => {
    expect(engagementLine({ likes: 3 }, PLATFORM_STYLE.bluesky)).toBe('❤️ 3');
  });

  it('GIVEN no metrics THEN there is no line at all', () => {
    expect(engagementLine({}, PLATFORM_STYLE.rss)).toBeUndefined();
    expect(hasMetrics({})).toBe(false);
  });

  it('GIVEN a platform that votes THEN likes wear its own emoji', () => {
    expect(engagementLine({ likes: 18_422 }, PLATFORM_STYLE.reddit)).toBe('⬆️ 18.4K');
    expect(engagementLine({ likes: 10 }, PLATFORM_STYLE.youtube)).toBe('👍 10');
  });
});
