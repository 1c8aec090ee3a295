/**
 * Which providers and aggregators this install can use, and what to set for the rest: the table
 * `herald doctor` prints. Works on a config slice, never on the environment.
 */
import type { Config } from '../core/config.js';
import { isImplemented, READ_THROUGH_RSS } from './implemented.js';
import {
  PLATFORM_INFO,
  SOCIAL_PLATFORMS,
  platformEnvPrefix,
  type SocialPlatform,
} from '../core/platforms.js';

/** One social platform's readiness; `detail` says why, or which variables to set. */
export interface ProviderReadiness {
  readonly platform: SocialPlatform;
  readonly displayName: string;
  readonly ready: boolean;
  readonly detail: string;
}

export type AggregatorId = keyof Config['aggregators'];

/** One aggregator's readiness; not ready means no global key, though tenants may still add their own. */
export interface AggregatorReadiness {
  readonly aggregator: AggregatorId;
  readonly displayName: string;
  readonly ready: boolean;
  readonly detail: string;
}

const AGGREGATORS: Readonly<Record<AggregatorId, { displayName: string; apiKeyVariable: string }>> = {
  postforme: { displayName: 'PostForMe', apiKeyVariable: 'HERALD_POSTFORME_API_KEY' },
  late: { displayName: 'LATE', apiKeyVariable: 'HERALD_LATE_API_KEY' },
};

// A config built by hand (tests, embedding) may carry '' or spaces; neither is a usable credential.
function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function listVariables(names: readonly string[]): string {
  return names.length === 2 ? `${names[0]} and ${names[1]}` : names.join(', ');
}

/** Why a platform that needs no operator-registered app is ready anyway. */
function noCredentialsReason(platform: SocialPlatform): string {
  const { auth, displayName } = PLATFORM_INFO[platform];
  switch (auth) {
    case 'app-password':
      return `no app to register: each account signs in with its handle and a ${displayName} app password`;
    case 'none':
      return 'no credentials needed: feeds are public and read without signing in';
    default:
      return `no app to register: Herald registers itself on each ${displayName} instance when an account is linked`;
  }
}

function platformReadiness(config: Pick<Config, 'providers'>, platform: SocialPlatform): ProviderReadiness {
  const { displayName, needsClientCredentials } = PLATFORM_INFO[platform];
  if (!isImplemented(platform)) {
    const viaRss = READ_THROUGH_RSS.includes(platform)
      ? `; its public feeds can be linked as RSS (${platform === 'youtube' ? 'a channel feed URL' : 'a .rss listing URL'})`
      : '';
    return {
      platform,
      displayName,
      ready: false,
      detail: `not supported by this version of Herald yet${viaRss}`,
    };
  }
  if (!needsClientCredentials) {
    return { platform, displayName, ready: true, detail: noCredentialsReason(platform) };
  }
  const prefix = platformEnvPrefix(platform);
  const { clientId, clientSecret } = config.providers[platform];
  const missing = [
    ...(isSet(clientId) ? [] : [`${prefix}_CLIENT_ID`]),
    ...(isSet(clientSecret) ? [] : [`${prefix}_CLIENT_SECRET`]),
  ];
  if (missing.length === 0) {
    return {
      platform,
      displayName,
      ready: true,
      detail: `client id and secret set (${prefix}_CLIENT_ID, ${prefix}_CLIENT_SECRET)`,
    };
  }
  return {
    platform,
    displayName,
    ready: false,
    detail: `set ${listVariables(missing)} to link ${displayName} accounts`,
  };
}

/** Readiness of every social platform, in SOCIAL_PLATFORMS order. */
export function providerReadiness(config: Pick<Config, 'providers' | 'aggregators'>): ProviderReadiness[] {
  return SOCIAL_PLATFORMS.map((platform) => platformReadiness(config, platform));
}

/** Readiness of the publishing aggregators, in failover order (PostForMe, then LATE). */
export function aggregatorReadiness(config: Pick<Config, 'aggregators'>): AggregatorReadiness[] {
  return (['postforme', 'late'] as const).map((aggregator) => {
    const { displayName, apiKeyVariable } = AGGREGATORS[aggregator];
    return isSet(config.aggregators[aggregator].apiKey)
      ? { aggregator, displayName, ready: true, detail: `global API key set (${apiKeyVariable})` }
      : {
          aggregator,
          displayName,
          ready: false,
          detail: `no global key: set ${apiKeyVariable}, or tenants add their own ${displayName} key`,
        };
  });
}
