/**
 * The providers Herald has, as a typed record: one factory per implemented platform, each with its
 * own HTTP client (its rate-limit header style). Platforms without a provider yet are reported as
 * unsupported, never stubbed.
 */
import type { Config } from '../core/config.js';
import { ProviderError } from '../core/errors.js';
import { PLATFORM_INFO, type SocialPlatform } from '../core/platforms.js';
import { HERALD_VERSION } from '../core/version.js';
import { createBlueskyProvider, type BlueskyProviderOptions } from './bluesky/provider.js';
import { createHttpClient, type HttpClient } from './http.js';
import { IMPLEMENTED_PLATFORMS, isImplemented, type ImplementedPlatform } from './implemented.js';
import {
  createMastodonProvider,
  type MastodonProvider,
  type MastodonProviderOptions,
} from './mastodon/provider.js';
import { createAggregatorRoutes, type AggregatorRoutes } from './aggregators/routes.js';
import type { SocialProvider } from './provider.js';
import type { RateLimitStyle } from './rate-limit.js';
import { createRssProvider, type RssProvider, type RssProviderOptions } from './rss/provider.js';
import { createXProvider, type XProviderOptions } from './x/provider.js';

export interface ProviderMap {
  readonly x: SocialProvider;
  readonly bluesky: SocialProvider;
  readonly mastodon: MastodonProvider;
  readonly rss: RssProvider;
}

export { IMPLEMENTED_PLATFORMS, isImplemented, type ImplementedPlatform };

/** Each platform's rate-limit header format (social/rate-limit.ts). */
export const RATE_LIMIT_STYLE: Record<ImplementedPlatform, RateLimitStyle> = {
  x: 'x',
  bluesky: 'atproto',
  mastodon: 'mastodon',
  rss: 'none',
};

/** Per-platform overrides of the factories' options (tests, benchmarks, `herald fetch --api-url`). */
export interface ProviderOverrides {
  readonly x?: XProviderOptions;
  readonly bluesky?: BlueskyProviderOptions;
  readonly mastodon?: MastodonProviderOptions;
  readonly rss?: RssProviderOptions;
  /** Replaces each platform's API base URL. */
  readonly apiUrls?: Partial<Record<ImplementedPlatform, string>>;
  /** The pause before each result check of an aggregator post (tests shorten it). */
  readonly aggregatorResultDelayMs?: number;
}

export interface ProviderRegistry {
  readonly providers: ProviderMap;
  /** PostForMe and LATE, for platforms a tenant reaches through them. */
  readonly aggregators: AggregatorRoutes;
  has(platform: SocialPlatform): platform is ImplementedPlatform;
  /** The provider of `platform`; a ProviderError (bad-request) when Herald has none yet. */
  get(platform: SocialPlatform): SocialProvider;
  close(): Promise<void>;
}

export function createProviderRegistry(
  config: Pick<Config, 'providers' | 'outbound' | 'http' | 'aggregators'>,
  overrides: ProviderOverrides = {},
): ProviderRegistry {
  const userAgent = `Herald/${HERALD_VERSION} (+${config.http.publicUrl})`;
  const clients: HttpClient[] = [];
  const deps = (platform: ImplementedPlatform) => {
    const http = createHttpClient({
      platform,
      userAgent,
      rateLimitStyle: RATE_LIMIT_STYLE[platform],
      timeoutMs: config.outbound.timeoutMs,
      allowLoopback: config.outbound.allowLoopbackUrls,
    });
    clients.push(http);
    const provider = config.providers[platform];
    return {
      http,
      apiUrl: overrides.apiUrls?.[platform] ?? provider.apiUrl,
      client: provider.clientId
        ? { clientId: provider.clientId, clientSecret: provider.clientSecret }
        : undefined,
    };
  };

  const providers: ProviderMap = {
    x: createXProvider(deps('x'), overrides.x),
    bluesky: createBlueskyProvider(deps('bluesky'), overrides.bluesky),
    mastodon: createMastodonProvider(deps('mastodon'), overrides.mastodon),
    rss: createRssProvider(deps('rss'), overrides.rss),
  };
  // Both aggregators send Retry-After on a 429 and document no reset header.
  const aggregatorHttp = createHttpClient({
    platform: 'aggregator',
    userAgent,
    rateLimitStyle: 'none',
    timeoutMs: config.outbound.timeoutMs,
    allowLoopback: config.outbound.allowLoopbackUrls,
  });
  clients.push(aggregatorHttp);
  const aggregators = createAggregatorRoutes(
    config.aggregators,
    aggregatorHttp,
    overrides.aggregatorResultDelayMs === undefined
      ? {}
      : { resultDelayMs: overrides.aggregatorResultDelayMs },
  );

  return {
    providers,
    aggregators,
    has: (platform): platform is ImplementedPlatform => isImplemented(platform),
    get(platform) {
      if (isImplemented(platform)) return providers[platform];
      throw new ProviderError(
        'bad-request',
        `${PLATFORM_INFO[platform].displayName} is not supported by this version of Herald yet.`,
        {
          platform,
          endpoint: '(none)',
          hint: `Supported today: ${IMPLEMENTED_PLATFORMS.map((p) => PLATFORM_INFO[p].displayName).join(', ')}.`,
        },
      );
    },
    close: async () => {
      await Promise.all(clients.map((client) => client.close()));
    },
  };
}
