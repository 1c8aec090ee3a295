/**
 * One error hierarchy for Herald. Callers branch on `code` (a string union), never on message text.
 * Unknown throwables are normalised where they enter with `toHeraldError`.
 */

export type HeraldErrorCode =
  | 'config-invalid'
  | 'database-url-invalid'
  | 'database-unreachable'
  | 'database-auth-failed'
  | 'database-missing'
  | 'embedded-postgres-failed'
  | 'embedded-postgres-unavailable'
  | 'data-dir-not-writable'
  | 'port-in-use'
  | 'key-file-corrupt'
  | 'key-missing'
  | 'secret-undecryptable'
  | 'secret-unknown-key'
  | 'migration-checksum-mismatch'
  | 'migration-failed'
  | 'migration-unknown'
  | 'provider-failed'
  | 'provider-unsupported'
  | 'url-forbidden'
  | 'input-invalid'
  | 'internal';

export class HeraldError extends Error {
  override name = 'HeraldError';
  readonly code: HeraldErrorCode;
  /** What the person running Herald should do about it, in one sentence. */
  readonly hint: string | undefined;

  constructor(code: HeraldErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/** A configuration problem found before anything started; `problems` lists every one of them. */
export class ConfigError extends HeraldError {
  override name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      'config-invalid',
      `Herald's configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      {
        hint: 'Fix the variables above in your environment or .env file (see .env.example), then start again.',
      },
    );
    this.problems = problems;
  }
}

/** A stored secret that cannot be decrypted: tampered, truncated, or sealed with a key Herald does not hold. */
export class CryptoError extends HeraldError {
  override name = 'CryptoError';
}

/**
 * How a caller should react to a failed call to a social platform:
 * - `refresh-token`: the access token expired; refresh it and retry once.
 * - `retry-later`: rate limited, timed out, or the platform is down; retry after `retryAfterMs`.
 * - `bad-request`: this request (or the platform's answer) is wrong; retrying the same thing will not help.
 * - `revoked`: the user or platform withdrew access; the account must be reconnected.
 */
export type ProviderFailureKind = 'refresh-token' | 'retry-later' | 'bad-request' | 'revoked';

/** A failed call to a social platform, classified so the caller can act without reading text. */
export class ProviderError extends HeraldError {
  override name = 'ProviderError';
  readonly kind: ProviderFailureKind;
  readonly platform: string;
  /** The endpoint called, without query string or host (`GET /2/users/:id/tweets`). */
  readonly endpoint: string;
  /** HTTP status when the platform answered; undefined for timeouts and network errors. */
  readonly status: number | undefined;
  /** When to try again, from Retry-After or the platform's rate-limit headers. */
  readonly retryAfterMs: number | undefined;
  /** Whose budget a rate limit spent: the account's own (the default), or the whole app's. */
  readonly limitScope: 'account' | 'app';

  constructor(
    kind: ProviderFailureKind,
    message: string,
    details: {
      platform: string;
      endpoint: string;
      status?: number | undefined;
      retryAfterMs?: number | undefined;
      limitScope?: 'account' | 'app' | undefined;
      cause?: unknown;
      hint?: string;
    },
  ) {
    super('provider-failed', message, {
      cause: details.cause,
      ...(details.hint ? { hint: details.hint } : {}),
    });
    this.kind = kind;
    this.platform = details.platform;
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.limitScope = details.limitScope ?? 'account';
  }
}

/**
 * A thread that failed part-way: `published` lists the items the platform already holds, in order,
 * so the caller records them and never posts them twice; `kind` and `retryAfterMs` are the failure's.
 */
export class PartialPublishError extends ProviderError {
  override name = 'PartialPublishError';
  readonly published: ReadonlyArray<{ readonly platformId: string; readonly url: string }>;

  constructor(
    failure: ProviderError,
    published: ReadonlyArray<{ readonly platformId: string; readonly url: string }>,
  ) {
    super(
      failure.kind,
      `${failure.message} (after ${published.length} of the thread's posts were published)`,
      {
        platform: failure.platform,
        endpoint: failure.endpoint,
        status: failure.status,
        retryAfterMs: failure.retryAfterMs,
        limitScope: failure.limitScope,
        cause: failure,
        ...(failure.hint ? { hint: failure.hint } : {}),
      },
    );
    this.published = published;
  }
}

export function isHeraldError(err: unknown): err is HeraldError {
  return err instanceof HeraldError;
}

/** Normalise anything thrown into a HeraldError, keeping the original as `cause`. */
export function toHeraldError(err: unknown): HeraldError {
  if (err instanceof HeraldError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new HeraldError('internal', message, { cause: err });
}

/** One line for a terminal: the message, then what to do. */
export function formatForOperator(err: HeraldError): string {
  return err.hint ? `${err.message}\n  → ${err.hint}` : err.message;
}
