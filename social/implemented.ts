/** The platforms Herald has a provider for today (kept apart from the registry so it loads nothing). */
import type { SocialPlatform } from '../core/platforms.js';

export const IMPLEMENTED_PLATFORMS = [
  'x',
  'bluesky',
  'mastodon',
  'rss',
] as const satisfies readonly SocialPlatform[];

export type ImplementedPlatform = (typeof IMPLEMENTED_PLATFORMS)[number];

export function isImplemented(platform: string): platform is ImplementedPlatform {
  return (IMPLEMENTED_PLATFORMS as readonly string[]).includes(platform);
}

/** Platforms whose public feeds the RSS provider reads even though their own API is not supported yet. */
export const READ_THROUGH_RSS: readonly SocialPlatform[] = ['youtube', 'reddit'];
