/**
 * The Mastodon provider, for any instance. Each account carries its instance URL (named by a user, so
 * every request goes through the SSRF guard); Herald registers an app per instance with `registerApp`
 * (the caller caches it), links accounts with OAuth + PKCE, reads statuses with since_id/min_id paging,
 * and publishes with an Idempotency-Key, within the limits the instance itself reports.
 */
import type { SocialPostMetrics } from '../../core/social-post.js';
import type {
  AccountRef,
  AuthRequest,
  CodeExchange,
  Cursor,
  Draft,
  FetchResult,
  LinkedAccount,
  OAuthClient,
  ProviderDeps,
  PublishedRef,
  PublishLimits,
  SocialProvider,
} from '../provider.js';
import {
  authorizeUrl,
  exchangeCode,
  MASTODON_SCOPES,
  registerApp,
  revokeToken,
  type RegisteredApp,
} from './auth.js';
import { classifyMastodonError, guardMastodon, notConnected } from './errors.js';
import { accountOrigin, DEFAULT_LIMITS, fetchInstanceLimits, INSTANCE_V2 } from './instance.js';
import { publishDraft } from './publish.js';
import { ACCOUNT_STATUSES, fetchStatuses, fetchStatusMetrics, STATUSES_BATCH } from './read.js';

export type { RegisteredApp } from './auth.js';

export interface MastodonProviderOptions {
  /** The app name users see on the instance's authorization page. Default "Herald". */
  readonly clientName?: string;
  /** Shown with the app name on the authorization page. */
  readonly website?: string;
  /** OAuth scopes to request; default the granular read:statuses, read:accounts, write:statuses, write:media. */
  readonly scopes?: readonly string[];
  /** Statuses per page, at most 40 (Mastodon's maximum). Default 40. */
  readonly pageSize?: number;
  /** Pages one poll may walk when more than one page is new. Default 5. */
  readonly maxPages?: number;
  /** Statuses `fetchMetrics` looks up one by one on instances older than 4.3. Default 40. */
  readonly maxSingleLookups?: number;
  /** Pause between checks of an upload still processing. Default 2000 ms. */
  readonly mediaPollIntervalMs?: number;
  /** Checks of an upload still processing before giving up (retry-later). Default 30. */
  readonly mediaPollAttempts?: number;
}

export type MastodonProvider = SocialProvider & {
  /** Register Herald as an OAuth app on an instance; store the result per instance and reuse it. */
  registerApp(instanceUrl: string, redirectUri: string): Promise<RegisteredApp>;
};

const MAX_PAGE_SIZE = 40;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createMastodonProvider(
  deps: ProviderDeps,
  options: MastodonProviderOptions = {},
): MastodonProvider {
  const { http } = deps;
  const now = deps.now ?? (() => new Date());
  const auth = {
    http,
    now,
    clientName: options.clientName ?? 'Herald',
    website: options.website,
    scopes: options.scopes ?? MASTODON_SCOPES,
  };
  const read = {
    http,
    pageSize: Math.min(Math.max(options.pageSize ?? MAX_PAGE_SIZE, 1), MAX_PAGE_SIZE),
    maxPages: Math.max(options.maxPages ?? 5, 1),
    maxSingleLookups: options.maxSingleLookups ?? 40,
  };
  const publishing = {
    http,
    mediaPollIntervalMs: options.mediaPollIntervalMs ?? 2000,
    mediaPollAttempts: options.mediaPollAttempts ?? 30,
    sleep,
  };
  // The operator's HERALD_MASTODON_API_URL, if any, serves accounts stored without an instance.
  const originOf = (account: AccountRef, endpoint: string) => accountOrigin(account, deps.apiUrl, endpoint);

  return {
    id: 'mastodon',
    displayName: 'Mastodon',
    auth: 'oauth2-pkce',
    limits: DEFAULT_LIMITS,

    limitsFor: (account: AccountRef): Promise<PublishLimits> =>
      guardMastodon(INSTANCE_V2, () => fetchInstanceLimits(http, originOf(account, INSTANCE_V2))),

    registerApp: (instanceUrl: string, redirectUri: string): Promise<RegisteredApp> =>
      guardMastodon('POST /api/v1/apps', () => registerApp(auth, instanceUrl, redirectUri)),

    authUrl: (request: AuthRequest): Promise<string> =>
      guardMastodon('GET /oauth/authorize', async () => authorizeUrl(auth, request)),

    exchangeCode: (exchange: CodeExchange): Promise<LinkedAccount> =>
      guardMastodon('POST /oauth/token', () => exchangeCode(auth, exchange)),

    revoke: (account: AccountRef, client?: OAuthClient): Promise<void> =>
      guardMastodon('POST /oauth/revoke', () => revokeToken(auth, account, client, deps.apiUrl)),

    fetchPosts: (account: AccountRef, cursor: Cursor | null): Promise<FetchResult> =>
      guardMastodon(ACCOUNT_STATUSES, () =>
        fetchStatuses(read, originOf(account, ACCOUNT_STATUSES), account, cursor),
      ),

    fetchMetrics: (
      account: AccountRef,
      ids: readonly string[],
    ): Promise<ReadonlyMap<string, SocialPostMetrics>> =>
      guardMastodon(STATUSES_BATCH, () =>
        fetchStatusMetrics(read, originOf(account, STATUSES_BATCH), account, ids),
      ),

    publish: (account: AccountRef, draft: Draft): Promise<PublishedRef> =>
      guardMastodon('publish', async () => {
        const origin = originOf(account, 'publish');
        const token = account.credentials?.accessToken;
        if (!token) throw notConnected('publish', 'the account has no access token');
        const limits = await fetchInstanceLimits(http, origin);
        return publishDraft(publishing, origin, token, draft, limits);
      }),

    classifyError: (err: unknown) => classifyMastodonError(err),
  };
}
