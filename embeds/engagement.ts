/** The engagement line under a post: "💬 12 · 🔁 340 · ❝ 5 · ❤️ 1.2K · 👁️ 50K", known metrics only. */
import type { SocialPostMetrics } from '../core/social-post.js';
import { compactNumber } from './compact-number.js';
import type { PlatformStyle } from './platform-style.js';

export interface EngagementItem {
  readonly metric: keyof SocialPostMetrics;
  readonly emoji: string;
  readonly value: string;
}

/** In the order the platforms' own apps show them; views last because they are reach, not engagement. */
const ORDER = ['replies', 'reposts', 'quotes', 'likes', 'views'] as const satisfies ReadonlyArray<
  keyof SocialPostMetrics
>;

const EMOJI: Readonly<Record<(typeof ORDER)[number], string>> = {
  replies: '💬',
  reposts: '🔁',
  quotes: '❝',
  likes: '❤️',
  views: '👁️',
};

/** One item per metric the platform reported; an absent metric is unknown and never shown as 0. */
export function engagementItems(metrics: SocialPostMetrics, style: PlatformStyle): EngagementItem[] {
  return ORDER.flatMap((metric) => {
    const count = metrics[metric];
    if (count === undefined) return [];
    const emoji = metric === 'likes' ? style.likeEmoji : EMOJI[metric];
    return [{ metric, emoji, value: compactNumber(count) }];
  });
}

/** The items on one line, or undefined when no metric is known. */
export function engagementLine(metrics: SocialPostMetrics, style: PlatformStyle): string | undefined {
  const items = engagementItems(metrics, style);
  return items.length === 0 ? undefined : items.map((item) => `${item.emoji} ${item.value}`).join(' · ');
}

/** Whether the platform reported any metric at all. */
export function hasMetrics(metrics: SocialPostMetrics): boolean {
  return ORDER.some((metric) => metrics[metric] !== undefined);
}
