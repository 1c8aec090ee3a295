/**
 * The social platforms Herald knows and the chat platforms it serves. Facts about a platform that
 * several layers need (name, how it authenticates, default API host) live here, not in a provider.
 */

export const SOCIAL_PLATFORMS = [
  'x',
  'bluesky',
  'mastodon',
  'instagram',
  'linkedin',
  'facebook',
  'threads',
  'youtube',
  'tiktok',
  'pinterest',
  'reddit',
  'rss',
] as const;
export type SocialPlatform = (typeof SOCIAL_PLATFORMS)[number];

export const CHAT_PLATFORMS = ['discord', 'slack'] as const;
export type ChatPlatform = (typeof CHAT_PLATFORMS)[number];

export type AuthKind = 'oauth2' | 'oauth2-pkce' | 'app-password' | 'none';

export interface PlatformInfo {
  readonly displayName: string;
  readonly auth: AuthKind;
  /** Whether linking needs an app registered by the operator (client id and secret in config). */
  readonly needsClientCredentials: boolean;
  /** Default API base URL; absent where the host is per account (a Mastodon instance, a feed URL). */
  readonly defaultApiUrl?: string;
}

export const PLATFORM_INFO: Readonly<Record<SocialPlatform, PlatformInfo>> = {
  x: {
    displayName: 'X',
    auth: 'oauth2-pkce',
    needsClientCredentials: true,
    defaultApiUrl: 'https://api.x.com',
  },
  bluesky: {
    displayName: 'Bluesky',
    auth: 'app-password',
    needsClientCredentials: false,
    defaultApiUrl: 'https://bsky.social',
  },
  mastodon: { displayName: 'Mastodon', auth: 'oauth2-pkce', needsClientCredentials: false },
  instagram: {
    displayName: 'Instagram',
    auth: 'oauth2',
    needsClientCredentials: true,
    defaultApiUrl: 'https://graph.instagram.com',
  },
  linkedin: {
    displayName: 'LinkedIn',
    auth: 'oauth2',
    needsClientCredentials: true,
    defaultApiUrl: 'https://api.linkedin.com',
  },
  facebook: {
    displayName: 'Facebook',
    auth: 'oauth2',
    needsClientCredentials: true,
    defaultApiUrl: 'https://graph.facebook.com',
  },
  threads: {
    displayName: 'Threads',
    auth: 'oauth2',
    needsClientCredentials: true,
    defaultApiUrl: 'https://graph.threads.net',
  },
  youtube: {
    displayName: 'YouTube',
    auth: 'oauth2-pkce',
    needsClientCredentials: true,
    defaultApiUrl: 'https://www.googleapis.com',
  },
  tiktok: {
    displayName: 'TikTok',
    auth: 'oauth2-pkce',
    needsClientCredentials: true,
    defaultApiUrl: 'https://open.tiktokapis.com',
  },
  pinterest: {
    displayName: 'Pinterest',
    auth: 'oauth2',
    needsClientCredentials: true,
    defaultApiUrl: 'https://api.pinterest.com',
  },
  reddit: {
    displayName: 'Reddit',
    auth: 'oauth2',
    needsClientCredentials: true,
    defaultApiUrl: 'https://oauth.reddit.com',
  },
  rss: { displayName: 'RSS / Atom', auth: 'none', needsClientCredentials: false },
};

/** The `HERALD_<PLATFORM>_…` prefix used by every per-platform variable. */
export function platformEnvPrefix(platform: SocialPlatform): string {
  return `HERALD_${platform.toUpperCase()}`;
}
