/**
 * What every part of the X provider shares: the HTTP client, where the API lives, the clock, how to
 * wait, and the operator's OAuth app. Built once by `createXProvider`.
 */
import { ProviderError } from '../../core/errors.js';
import type { HttpClient } from '../http.js';
import type { AccountRef, OAuthClient } from '../provider.js';
import { PLATFORM } from './errors.js';

export interface XContext {
  readonly http: HttpClient;
  /** API base without a trailing slash: https://api.x.com or a fake's loopback URL. */
  readonly apiUrl: string;
  /** Where the browser authorize page lives: https://x.com. */
  readonly authUrl: string;
  readonly client: OAuthClient | undefined;
  readonly now: () => Date;
  /** How the provider waits between media STATUS polls; tests pass one that does not sleep. */
  readonly sleep: (ms: number) => Promise<void>;
}

export function endpointUrl(context: XContext, path: string): string {
  return `${context.apiUrl}${path}`;
}

/** The account's access token; an account linked without one cannot call X at all. */
export function accessTokenOf(account: AccountRef, endpoint: string): string {
  const token = account.credentials?.accessToken;
  if (token) return token;
  throw new ProviderError('revoked', `${PLATFORM}: ${endpoint}: the account has no access token`, {
    platform: PLATFORM,
    endpoint,
    hint: 'Reconnect the X account with /herald connect x.',
  });
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
