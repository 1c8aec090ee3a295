/**
 * The contract every social platform implements. Signatures use only these types and core/ types:
 * no database rows, no `any`. A provider is stateless: credentials come in with the account and
 * refreshed ones go back to the caller, who stores them.
 *
 * Ordering and idempotency rules:
 * - `fetchPosts` returns the posts newer than `cursor` (on the first call, the latest page) and the
 *   cursor to pass next time. Order is unspecified: callers sort by `createdAt`. A post may come back
 *   again (a retried poll, a page boundary); callers deduplicate on `platformId`.
 * - `publish` is not idempotent on most platforms: callers record each completed item and, when a
 *   call timed out ("unknown"), look for the post before trying again.
 * - `refresh` of one account must never run twice at once (X refresh tokens are single-use); callers
 *   serialise it per account and store the new pair atomically.
 * - Every method throws only ProviderError (`classifyError` says what kind).
 */
import type { ProviderError } from '../core/errors.js';
import type { HttpClient } from './http.js';
import type { AuthKind, SocialPlatform } from '../core/platforms.js';
import type { SocialPost, SocialPostMetrics } from '../core/social-post.js';

export interface Credentials {
  readonly accessToken: string;
  readonly refreshToken?: string | undefined;
  readonly expiresAt?: Date | undefined;
  readonly scopes?: readonly string[] | undefined;
}

/** What a provider needs to know about a linked account. */
export interface AccountRef {
  readonly platform: SocialPlatform;
  /** The platform's id of the account: X user id, Bluesky DID, Mastodon account id, feed URL. */
  readonly accountId: string;
  readonly handle: string;
  /** Where this account's API lives when it is per account: Mastodon instance, Bluesky PDS, feed URL. */
  readonly instanceUrl?: string | undefined;
  readonly credentials?: Credentials | undefined;
}

/** Who the account is, as the platform describes it. */
export interface AccountProfile {
  readonly accountId: string;
  readonly handle: string;
  readonly displayName: string;
  readonly avatarUrl?: string | undefined;
  readonly profileUrl?: string | undefined;
  readonly instanceUrl?: string | undefined;
}

export interface LinkedAccount {
  readonly profile: AccountProfile;
  readonly credentials: Credentials;
}

/** A provider's position in an account's timeline; each provider parses its own shape. */
export type Cursor = Readonly<Record<string, string | number | boolean | null>>;

export interface FetchResult {
  readonly posts: readonly SocialPost[];
  /** Pass this to the next `fetchPosts`; null when there is nothing to remember yet. */
  readonly next: Cursor | null;
  /** Set when the source is unchanged since the cursor (a 304): no posts, nothing new to remember. */
  readonly notModified?: boolean;
}

/** An OAuth client registered with the platform (from config, or per Mastodon instance). */
export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret?: string | undefined;
}

export interface AuthRequest {
  readonly client: OAuthClient;
  readonly redirectUri: string;
  readonly state: string;
  /** PKCE S256 challenge of the verifier kept with the state. */
  readonly codeChallenge: string;
  readonly instanceUrl?: string | undefined;
}

export interface CodeExchange {
  readonly client: OAuthClient;
  readonly redirectUri: string;
  readonly code: string;
  readonly codeVerifier: string;
  readonly instanceUrl?: string | undefined;
}

export interface DraftMedia {
  readonly data: Uint8Array;
  readonly mimeType: string;
  readonly altText?: string | undefined;
  readonly fileName?: string | undefined;
}

export interface DraftItem {
  readonly text: string;
  readonly media: readonly DraftMedia[];
}

export interface Draft {
  /** One item is a post; several are a thread, published as a reply chain. */
  readonly items: readonly [DraftItem, ...DraftItem[]];
  /** Stable per publish attempt, sent where the platform supports it (Mastodon Idempotency-Key). */
  readonly idempotencyKey: string;
}

export interface PublishedItem {
  readonly platformId: string;
  readonly url: string;
}

/** One entry per draft item, in order. */
export type PublishedRef = readonly PublishedItem[];

export type LengthCounting = 'twitter-text' | 'graphemes' | 'characters';

export interface PublishLimits {
  readonly maxLength: number;
  readonly counting: LengthCounting;
  /** Length every URL counts as, where the platform shortens links (X 23, Mastodon 23). */
  readonly urlLength?: number | undefined;
  readonly maxMedia: number;
  readonly maxImageBytes: number;
  readonly maxVideoBytes?: number | undefined;
  readonly imageTypes: readonly string[];
  readonly videoTypes: readonly string[];
  readonly maxAltTextLength?: number | undefined;
}

export interface SocialProvider {
  readonly id: SocialPlatform;
  readonly displayName: string;
  readonly auth: AuthKind;
  /** The platform's defaults; `limitsFor` gives an account's own (a Mastodon instance's) where they vary. */
  readonly limits: PublishLimits;
  limitsFor?(account: AccountRef): Promise<PublishLimits>;

  /** The platform's authorize URL for an OAuth flow. */
  authUrl?(request: AuthRequest): Promise<string>;
  /** Exchange an authorization code for tokens and the account's profile. */
  exchangeCode?(exchange: CodeExchange): Promise<LinkedAccount>;
  /** Sign in with an identifier and an app password (Bluesky); the password is not kept. */
  login?(identifier: string, password: string): Promise<LinkedAccount>;
  /** New credentials from the refresh token (or refresh session) of `account`. */
  refresh?(account: AccountRef, client?: OAuthClient): Promise<Credentials>;
  /** Revoke the account's token at the platform, where it offers revocation. */
  revoke?(account: AccountRef, client?: OAuthClient): Promise<void>;

  fetchPosts(account: AccountRef, cursor: Cursor | null): Promise<FetchResult>;
  /** Current engagement of posts already seen, keyed by platform id; ids the platform omits are absent. */
  fetchMetrics?(account: AccountRef, ids: readonly string[]): Promise<ReadonlyMap<string, SocialPostMetrics>>;
  publish?(account: AccountRef, draft: Draft): Promise<PublishedRef>;

  /** Turn anything a method threw into a ProviderError whose `kind` says what to do. */
  classifyError(err: unknown): ProviderError;
}

/** What a provider factory gets: its HTTP client and its slice of config. */
export interface ProviderDeps {
  /** Created for this platform (its rate-limit header style, timeouts, SSRF switch). */
  readonly http: HttpClient;
  /** HERALD_<PLATFORM>_API_URL or the platform's default; undefined where the host is per account. */
  readonly apiUrl: string | undefined;
  /** The operator's registered app, for platforms that need one. */
  readonly client?: OAuthClient | undefined;
  /** The clock; tests pass a fixed one. */
  readonly now?: () => Date;
}
