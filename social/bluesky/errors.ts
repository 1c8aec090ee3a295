/**
 * Classifying Bluesky failures by the XRPC error body (`{ "error": "<Name>", "message": "<text>" }`),
 * after the PDS's auth verifier (bluesky-social/atproto `packages/pds/src/auth-verifier.ts`): an
 * expired access JWT is a 400 `ExpiredToken`, a bad one a 400 `InvalidToken`, no token a 401
 * `AuthMissing`, a suspended account a 401 `AccountTakedown` or `AccountDeactivated`.
 */
import { ProviderError, type ProviderFailureKind } from '../../core/errors.js';
import { toProviderError } from '../classify.js';
import { HttpStatusError } from '../http.js';
import { xrpcErrorSchema } from './schemas.js';

export const PLATFORM = 'bluesky';

/**
 * Where the failure happened changes what it means: an expired token on a read asks for a refresh,
 * the same answer to `refreshSession` means the session is over and the account must sign in again.
 */
export type CallSite = 'call' | 'refresh' | 'login';

const RECONNECT_HINT =
  'Sign in to Bluesky again with the handle and an app password: /herald connect bluesky';

// The account itself is gone or suspended: no token will help.
const ACCOUNT_GONE = new Set(['AccountTakedown', 'AccountDeactivated', 'AccountNotFound']);
const TOKEN_REJECTED = new Set(['ExpiredToken', 'InvalidToken', 'AuthMissing', 'AuthenticationRequired']);

interface Refined {
  readonly kind: ProviderFailureKind;
  readonly hint?: string;
  readonly explanation?: string;
}

function refine(
  name: string | undefined,
  status: number,
  site: CallSite,
  fallback: ProviderFailureKind,
): Refined {
  if (name !== undefined && ACCOUNT_GONE.has(name)) return { kind: 'revoked', hint: RECONNECT_HINT };
  if (site === 'login') {
    if (name === 'AuthenticationRequired' || status === 401) {
      return {
        kind: 'bad-request',
        explanation: 'the handle or the app password is wrong',
        hint: 'Check the handle, and create an app password at bsky.app → Settings → Privacy and security → App passwords.',
      };
    }
    if (name === 'AuthFactorTokenRequired') {
      return {
        kind: 'bad-request',
        explanation: 'the account asks for an email code',
        hint: 'Sign in with an app password, which needs no email code.',
      };
    }
  }
  const rejected = (name !== undefined && TOKEN_REJECTED.has(name)) || status === 401;
  if (rejected)
    return site === 'refresh' ? { kind: 'revoked', hint: RECONNECT_HINT } : { kind: 'refresh-token' };
  if (name === 'RateLimitExceeded') return { kind: 'retry-later' };
  return { kind: fallback };
}

// Errors already read in their call site keep their kind when the caller classifies them again.
const classifiedErrors = new WeakSet<ProviderError>();

/** Anything a Bluesky call threw, as a ProviderError whose kind says what the caller should do. */
export function classifyBlueskyError(
  err: unknown,
  site: CallSite = 'call',
  endpoint?: string,
): ProviderError {
  const base = toProviderError(err, PLATFORM, endpoint);
  if (classifiedErrors.has(base) || !(base instanceof HttpStatusError) || base.status === undefined)
    return base;
  const body = xrpcErrorSchema.safeParse(base.body);
  const name = body.success ? body.data.error : undefined;
  const refined = refine(name, base.status, site, base.kind);
  const detail = body.success
    ? `${body.data.error}${body.data.message ? `: ${body.data.message.slice(0, 200)}` : ''}`
    : '';
  const explanation = refined.explanation ? ` (${refined.explanation})` : '';
  const error = new HttpStatusError(
    refined.kind,
    `${base.message}${detail ? ` ${detail}` : ''}${explanation}`,
    {
      platform: base.platform,
      endpoint: base.endpoint,
      status: base.status,
      retryAfterMs: refined.kind === 'retry-later' ? base.retryAfterMs : undefined,
      cause: base,
      body: base.body,
      header: base.header,
      ...(refined.hint ? { hint: refined.hint } : {}),
    },
  );
  classifiedErrors.add(error);
  return error;
}

/** Run one operation so that it can only fail with a classified ProviderError. */
export async function classified<T>(site: CallSite, endpoint: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw classifyBlueskyError(err, site, endpoint);
  }
}

/** A failure Herald itself detects (no session, a broken DID document), with the endpoint it concerns. */
export function blueskyError(
  kind: ProviderFailureKind,
  endpoint: string,
  message: string,
  hint?: string,
): ProviderError {
  return new ProviderError(kind, `${PLATFORM}: ${endpoint}: ${message}`, {
    platform: PLATFORM,
    endpoint,
    ...(hint ? { hint } : {}),
  });
}
