/**
 * The X (API v2) provider: OAuth 2 with PKCE, the account's timeline with `since_id` paging, metrics
 * refresh, and publishing (threads, media, alt text). See the files beside this one for each part.
 */
import { PLATFORM_INFO } from '../../core/platforms.js';
import type { ProviderDeps, SocialProvider } from '../provider.js';
import { createXAuth } from './auth.js';
import { trimSlash, type XContext } from './context.js';
import { classifyXError, runX } from './errors.js';
import { publishDraft, CREATE_ENDPOINT, X_LIMITS } from './publish.js';
import { fetchTimeline, fetchTweetMetrics, LOOKUP_ENDPOINT, TIMELINE_ENDPOINT } from './timeline.js';

export interface XProviderOptions {
  /** Host of the browser authorize page (`/i/oauth2/authorize`); default https://x.com. */
  readonly authUrl?: string;
  /** How to wait between media STATUS polls; default a timer. Tests pass one that returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** `max_results` of the first read of an account; default 20. */
  readonly firstPageSize?: number;
  /** `max_results` of later reads; default 100 (X's maximum). */
  readonly pageSize?: number;
  /** Pages one `fetchPosts` may read; default 5. */
  readonly maxPages?: number;
  /** Bytes per media APPEND; default 4 MiB (X asks for at most 5 MB). */
  readonly chunkBytes?: number;
  /** Longest total wait for X to process an uploaded video; default 10 minutes. */
  readonly maxProcessingWaitMs?: number;
}

export const X_DEFAULT_API_URL = PLATFORM_INFO.x.defaultApiUrl ?? 'https://api.x.com';
export const X_DEFAULT_AUTH_URL = 'https://x.com';

const MB = 1024 * 1024;
const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.trunc(value)));

export function createXProvider(deps: ProviderDeps, options: XProviderOptions = {}): SocialProvider {
  const context: XContext = {
    http: deps.http,
    apiUrl: trimSlash(deps.apiUrl ?? X_DEFAULT_API_URL),
    authUrl: trimSlash(options.authUrl ?? X_DEFAULT_AUTH_URL),
    client: deps.client,
    now: deps.now ?? (() => new Date()),
    sleep: options.sleep ?? sleepFor,
  };
  // X answers 400 to a max_results outside 5–100 and refuses segments over 5 MB: keep options inside.
  const timeline = {
    firstPageSize: clamp(options.firstPageSize ?? 20, 5, 100),
    pageSize: clamp(options.pageSize ?? 100, 5, 100),
    maxPages: clamp(options.maxPages ?? 5, 1, 50),
  };
  const media = {
    chunkBytes: clamp(options.chunkBytes ?? 4 * MB, 1, 5 * MB),
    maxProcessingWaitMs: options.maxProcessingWaitMs ?? 10 * 60 * 1000,
  };
  const auth = createXAuth(context);

  return {
    id: 'x',
    displayName: PLATFORM_INFO.x.displayName,
    auth: PLATFORM_INFO.x.auth,
    limits: X_LIMITS,
    authUrl: auth.authUrl,
    exchangeCode: auth.exchangeCode,
    refresh: auth.refresh,
    revoke: auth.revoke,
    fetchPosts: (account, cursor) =>
      runX(TIMELINE_ENDPOINT, () => fetchTimeline(context, timeline, account, cursor)),
    fetchMetrics: (account, ids) => runX(LOOKUP_ENDPOINT, () => fetchTweetMetrics(context, account, ids)),
    publish: (account, draft) => runX(CREATE_ENDPOINT, () => publishDraft(context, media, account, draft)),
    classifyError: classifyXError,
  };
}
