/**
 * The Bluesky (AT Protocol) provider: app-password sign-in on the account's own PDS (and sign-out), the author feed
 * with a newest-seen cursor, metrics from `getPosts`, and publishing with facets, images, link cards
 * and threads. Every method fails only with a classified ProviderError.
 */
import { PLATFORM_INFO } from '../../core/platforms.js';
import type { ProviderDeps, SocialProvider } from '../provider.js';
import { deleteSession, login, refreshSession } from './auth.js';
import type { BlueskyContext } from './context.js';
import { classifyBlueskyError, classified } from './errors.js';
import { fetchMetrics, fetchPosts } from './feed.js';
import { BLUESKY_LIMITS, publish } from './publish.js';

export interface BlueskyProviderOptions {
  /** Where did:plc documents are read. Default https://plc.directory. */
  readonly plcDirectoryUrl?: string;
  /** Where the DID document of `did:web:<host>` is read. Default `https://<host>/.well-known/did.json`. */
  readonly didWebUrl?: (host: string) => string;
  /** getAuthorFeed page size, 1..100. Default 50. */
  readonly pageSize?: number;
  /** Pages read at most per poll while catching up. Default 5 (250 posts at the default page size). */
  readonly maxPages?: number;
  /** Fetch linked pages for their card's title and description. Default true. */
  readonly linkPreviews?: boolean;
}

const DEFAULT_PLC_DIRECTORY = 'https://plc.directory';

function clampPageSize(size: number | undefined): number {
  return Math.min(100, Math.max(1, Math.trunc(size ?? 50)));
}

export function createBlueskyProvider(
  deps: ProviderDeps,
  options: BlueskyProviderOptions = {},
): SocialProvider {
  const info = PLATFORM_INFO.bluesky;
  const ctx: BlueskyContext = {
    http: deps.http,
    entrywayUrl: (deps.apiUrl ?? info.defaultApiUrl ?? 'https://bsky.social').replace(/\/+$/, ''),
    plcDirectoryUrl: options.plcDirectoryUrl ?? DEFAULT_PLC_DIRECTORY,
    didWebUrl: options.didWebUrl ?? ((host) => `https://${host}/.well-known/did.json`),
    now: deps.now ?? (() => new Date()),
    pageSize: clampPageSize(options.pageSize),
    maxPages: Math.max(1, Math.trunc(options.maxPages ?? 5)),
    linkPreviews: options.linkPreviews ?? true,
  };

  return {
    id: 'bluesky',
    displayName: info.displayName,
    auth: info.auth,
    limits: BLUESKY_LIMITS,
    login: (identifier, password) => classified('login', 'login', () => login(ctx, identifier, password)),
    refresh: (account) => classified('refresh', 'refresh', () => refreshSession(ctx, account)),
    revoke: (account) => classified('refresh', 'revoke', () => deleteSession(ctx, account)),
    fetchPosts: (account, cursor) => classified('call', 'fetchPosts', () => fetchPosts(ctx, account, cursor)),
    fetchMetrics: (account, ids) => classified('call', 'fetchMetrics', () => fetchMetrics(ctx, account, ids)),
    publish: (account, draft) => classified('call', 'publish', () => publish(ctx, account, draft)),
    classifyError: (err) => classifyBlueskyError(err),
  };
}
