/**
 * The contract Herald holds publishing aggregators to (PostForMe, LATE). An aggregator keeps the OAuth
 * tokens of the accounts connected there; Herald only holds an API key, lists those accounts, sends a
 * user to the aggregator's own connect page, and publishes through it, one account per call so that
 * every target is recorded on its own.
 *
 * Ordering and idempotency rules every client follows:
 * - `publish` uploads every media item first (presigned URL flow), then creates the post, published
 *   now. Nothing is created when an upload fails.
 * - Once the post exists, `publish` never throws: a failed or slow result check answers `pending` with
 *   the post id, and the caller asks `result` later. It must never create the post again for an
 *   attempt whose outcome it does not know; neither API takes an idempotency key.
 * - Every method fails only with a ProviderError classified by `classifyError`; the API key never
 *   appears in an error message.
 *
 * The `http` client should use `rateLimitStyle: 'none'`: both APIs send Retry-After on 429, and
 * neither documents the format of its reset header.
 */
import type { ProviderError } from '../../core/errors.js';
import type { SocialPlatform } from '../../core/platforms.js';
import type { HttpClient } from '../http.js';

export type AggregatorId = 'postforme' | 'late';

/** An account connected at the aggregator (its OAuth tokens stay there). */
export interface AggregatorAccount {
  /** PostForMe `spc_…`, LATE `_id`. */
  readonly id: string;
  /** Herald's name for the platform: `x` for PostForMe's `x`/`twitter` and LATE's `twitter`. */
  readonly platform: SocialPlatform;
  readonly username: string;
  readonly displayName?: string | undefined;
  /** LATE only: the profile the account belongs to. */
  readonly profileId?: string | undefined;
}

export interface AggregatorMedia {
  readonly data: Uint8Array;
  readonly mimeType: string;
  readonly fileName?: string | undefined;
}

export interface AggregatorPublishRequest {
  readonly text: string;
  /** One account per call: Herald records each target on its own. */
  readonly account: AggregatorAccount;
  readonly media: readonly AggregatorMedia[];
}

/**
 * The outcome on one account. `url` is the public link of the published post; it is `''` when the
 * aggregator reports success without one.
 */
export type AggregatorResult =
  | { readonly state: 'published'; readonly platformPostId?: string | undefined; readonly url: string }
  | { readonly state: 'failed'; readonly error: string }
  | { readonly state: 'pending' };

export interface AggregatorPublished {
  /** The aggregator's id of the post, for `result`. */
  readonly postId: string;
  readonly result: AggregatorResult;
}

export interface AggregatorClient {
  readonly id: AggregatorId;
  readonly displayName: string;
  /** The accounts connected and usable at the aggregator, on platforms Herald knows. */
  listAccounts(): Promise<readonly AggregatorAccount[]>;
  /** The aggregator's own page where a user connects an account of `platform`. */
  authUrl(platform: SocialPlatform, redirectUrl: string): Promise<string>;
  /** Upload the media (presigned flow), then create the post, published now. */
  publish(request: AggregatorPublishRequest): Promise<AggregatorPublished>;
  /** The outcome of a post created earlier (for a publish whose result was pending or unknown). */
  result(postId: string, account: AggregatorAccount): Promise<AggregatorResult>;
  /**
   * Anything a method threw, as a ProviderError whose kind says what to do: retry-later on 429, 5xx
   * and timeouts (with `retryAfterMs` from Retry-After); revoked on 401 (the API key was refused);
   * bad-request on other 4xx (with the API's message) and on answers of an unexpected shape.
   */
  classifyError(err: unknown): ProviderError;
}

export interface AggregatorDeps {
  readonly apiKey: string;
  /** HERALD_<AGGREGATOR>_API_URL, without `/v1`. */
  readonly apiUrl: string;
  readonly http: HttpClient;
}

export interface AggregatorClientOptions {
  /** Result checks `publish` makes after creating the post before it answers `pending`. Default 3. */
  readonly resultAttempts?: number;
  /** The pause before each of those checks. Default 2000 ms. */
  readonly resultDelayMs?: number;
  /** Tests replace the timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The API base without trailing slashes, so that `${base}/v1/…` is always one slash. */
export function apiBase(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '');
}

/**
 * Check the outcome of a post that now exists until it is no longer pending, at most
 * `resultAttempts` times. A failed check ends the wait with `pending`: the post exists, so the caller
 * keeps its id and asks `result` later instead of publishing again.
 */
export async function pollResult(
  check: () => Promise<AggregatorResult>,
  options: AggregatorClientOptions,
): Promise<AggregatorResult> {
  const attempts = Math.max(options.resultAttempts ?? 3, 0);
  const delayMs = options.resultDelayMs ?? 2000;
  const wait = options.sleep ?? sleep;
  for (let attempt = 0; attempt < attempts; attempt++) {
    await wait(delayMs);
    try {
      const result = await check();
      if (result.state !== 'pending') return result;
    } catch {
      return { state: 'pending' };
    }
  }
  return { state: 'pending' };
}

/** A failure reason as the aggregator gave it: a string, an object's `message`, or its JSON. */
export function describeFailure(error: unknown, fallback: string): string {
  if (typeof error === 'string' && error.trim() !== '') return error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message.trim() !== '') return message;
    const json = JSON.stringify(error);
    if (json !== '{}' && json !== '[]') return json.length > 500 ? `${json.slice(0, 500)}…` : json;
  }
  return fallback;
}
