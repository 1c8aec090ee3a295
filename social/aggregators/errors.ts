/**
 * How aggregator failures are classified, for PostForMe and LATE alike. The shared HTTP client already
 * reads the status and Retry-After; this refines by status only, never by message text:
 * - 401: the API key was refused (wrong, rotated or deleted) → revoked: nothing works until someone
 *   fixes the key, and there is no token to refresh;
 * - 408, 429, 5xx and timeouts → retry-later (the client's reading, with `retryAfterMs`);
 * - other 4xx → bad-request, carrying the API's own message: PostForMe answers NestJS bodies
 *   `{ statusCode, message: string | string[], error? }`, LATE answers `{ error, details?, code? }`;
 * - a 2xx whose body is not the documented shape → bad-request naming the field.
 * The API key never appears in a message: text that contains it is redacted, and a response body
 * that contains it is not kept as the cause.
 */
import { ZodError } from 'zod';
import { ProviderError, type ProviderFailureKind } from '../../core/errors.js';
import { toProviderError } from '../classify.js';
import { HttpStatusError } from '../http.js';
import type { AggregatorId } from './aggregator.js';

const DISPLAY_NAMES: Readonly<Record<AggregatorId, string>> = { postforme: 'PostForMe', late: 'LATE' };
const KEY_VARIABLES: Readonly<Record<AggregatorId, string>> = {
  postforme: 'HERALD_POSTFORME_API_KEY',
  late: 'HERALD_LATE_API_KEY',
};
const REDACTED = '[redacted]';

/** The API's own words for a failure: PostForMe's `message` (joined when a list), else LATE's `error`. */
function apiMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { message, error } = body as { message?: unknown; error?: unknown };
  if (typeof message === 'string' && message.trim() !== '') return message;
  if (Array.isArray(message)) {
    const parts = message.filter((part): part is string => typeof part === 'string' && part !== '');
    if (parts.length > 0) return parts.join('; ');
  }
  return typeof error === 'string' && error.trim() !== '' ? error : undefined;
}

function containsKey(value: unknown, apiKey: string): boolean {
  if (apiKey === '') return false;
  if (typeof value === 'string') return value.includes(apiKey);
  try {
    return JSON.stringify(value)?.includes(apiKey) ?? false;
  } catch {
    return true;
  }
}

function redact(text: string, apiKey: string): string {
  return apiKey === '' ? text : text.split(apiKey).join(REDACTED);
}

function keyHint(aggregator: AggregatorId): string {
  return `${DISPLAY_NAMES[aggregator]} refused the API key: check ${KEY_VARIABLES[aggregator]} (or the key added for this server) in ${DISPLAY_NAMES[aggregator]}'s dashboard.`;
}

export interface AggregatorErrors {
  /** Anything thrown, as a classified ProviderError without the API key in it. */
  classify(err: unknown, endpoint?: string): ProviderError;
  /** Run one operation so that it fails only with a classified ProviderError. */
  guard<T>(endpoint: string, work: () => Promise<T>): Promise<T>;
  /** A request Herald refuses to send, or an answer it cannot use: retrying would fail the same way. */
  badRequest(endpoint: string, message: string, hint?: string): ProviderError;
}

export function createAggregatorErrors(aggregator: AggregatorId, apiKey: string): AggregatorErrors {
  const name = DISPLAY_NAMES[aggregator];

  function rebuild(
    base: ProviderError,
    kind: ProviderFailureKind,
    message: string,
    extra: { hint?: string | undefined; keepCause: boolean },
  ): ProviderError {
    const hint = extra.hint ?? base.hint;
    return new ProviderError(kind, redact(message, apiKey), {
      platform: base.platform,
      endpoint: base.endpoint,
      status: base.status,
      retryAfterMs: base.retryAfterMs,
      limitScope: base.limitScope,
      ...(extra.keepCause ? { cause: base } : {}),
      ...(hint ? { hint: redact(hint, apiKey) } : {}),
    });
  }

  function fromStatus(base: HttpStatusError): ProviderError {
    const said = apiMessage(base.body);
    const message = said ? `${base.message}: ${said}` : base.message;
    const keepCause = !containsKey(base.body, apiKey) && !containsKey(base.message, apiKey);
    if (base.status === 401)
      return rebuild(base, 'revoked', message, { hint: keyHint(aggregator), keepCause });
    // kindForStatus reads only 401 as refresh-token, so the shared kind is right for every other status.
    return rebuild(base, base.kind, message, { keepCause });
  }

  function classify(err: unknown, endpoint?: string): ProviderError {
    const base = toProviderError(err, aggregator, endpoint);
    if (base instanceof HttpStatusError) return fromStatus(base);
    if (base.status !== undefined && base.status < 300 && !(base.cause instanceof ProviderError)) {
      // A success Herald cannot read (not JSON, or not the documented shape): the API changed, or a
      // proxy answered. Retrying the same call would read the same answer.
      const what =
        base.cause instanceof ZodError ? 'in a shape Herald does not know' : 'with a body Herald cannot read';
      return rebuild(base, 'bad-request', `${base.message} (${name} answered ${what})`, {
        hint: `${name}'s API may have changed; check for a Herald update.`,
        keepCause: true,
      });
    }
    if (containsKey(base.message, apiKey) || containsKey(base.hint, apiKey)) {
      return rebuild(base, base.kind, base.message, { keepCause: false });
    }
    return base;
  }

  return {
    classify,
    async guard<T>(endpoint: string, work: () => Promise<T>): Promise<T> {
      try {
        return await work();
      } catch (err) {
        throw classify(err, endpoint);
      }
    },
    badRequest(endpoint, message, hint) {
      return new ProviderError('bad-request', `${aggregator}: ${endpoint}: ${message}`, {
        platform: aggregator,
        endpoint,
        ...(hint ? { hint } : {}),
      });
    },
  };
}
