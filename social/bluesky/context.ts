/**
 * What every Bluesky operation shares: the HTTP client, the configured hosts, the clock, and the
 * account's session (its PDS, DID and access JWT).
 */
import type { HttpClient } from '../http.js';
import type { AccountRef } from '../provider.js';
import { blueskyError } from './errors.js';

export interface BlueskyContext {
  readonly http: HttpClient;
  /** Where handles are resolved and, for sign-in by email, sessions created (bsky.social). */
  readonly entrywayUrl: string;
  readonly plcDirectoryUrl: string;
  readonly didWebUrl: (host: string) => string;
  readonly now: () => Date;
  /** Items per getAuthorFeed page (1..100). */
  readonly pageSize: number;
  /** Pages read at most per poll while looking for the newest post seen last time. */
  readonly maxPages: number;
  /** Fetch a link's page (through the SSRF guard) for the title and description of its card. */
  readonly linkPreviews: boolean;
}

/** `https://pds.example/xrpc/<nsid>`. */
export function xrpcUrl(base: string, nsid: string): string {
  return `${base.replace(/\/+$/, '')}/xrpc/${nsid}`;
}

/** How errors name an XRPC call. */
export function endpointOf(method: 'GET' | 'POST', nsid: string): string {
  return `${method} /xrpc/${nsid}`;
}

export interface AccountSession {
  readonly pds: string;
  readonly did: string;
  readonly accessToken: string;
}

/** The account's PDS and access JWT; an account that never signed in cannot be read or written. */
export function sessionOf(account: AccountRef, ctx: BlueskyContext, endpoint: string): AccountSession {
  const accessToken = account.credentials?.accessToken;
  if (!accessToken) {
    throw blueskyError(
      'revoked',
      endpoint,
      'the account has no session',
      'Sign in to Bluesky again: /herald connect bluesky',
    );
  }
  return { pds: account.instanceUrl ?? ctx.entrywayUrl, did: account.accountId, accessToken };
}
