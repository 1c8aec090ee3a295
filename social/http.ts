/**
 * The one HTTP client every provider uses: timeouts, a User-Agent, body size limits, zod parsing of
 * every JSON body, the platform's rate-limit headers turned into `retryAfterMs`, and the SSRF guard for
 * URLs that came from a user or a payload. Every failure leaves here as a ProviderError.
 */
import { Agent, request, type Dispatcher, type FormData } from 'undici';
import type { z } from 'zod';
import { ProviderError, type ProviderFailureKind } from '../core/errors.js';
import { readRateLimit, retryAfterMs, type RateLimitState, type RateLimitStyle } from './rate-limit.js';
import { assertFetchableUrl, ForbiddenUrlError, guardedLookup } from './ssrf.js';

export interface HttpClientOptions {
  /** Platform name used in errors and logs (`x`, `bluesky`, ...). */
  readonly platform: string;
  readonly userAgent: string;
  readonly rateLimitStyle: RateLimitStyle;
  readonly timeoutMs?: number;
  readonly maxBodyBytes?: number;
  /** Let user-supplied URLs reach loopback addresses (tests and local fakes only). */
  readonly allowLoopback?: boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions<T> {
  readonly method?: HttpMethod;
  readonly url: string | URL;
  /** How errors name the call, without host or ids: `GET /2/users/:id/tweets`. */
  readonly endpoint: string;
  /** Array values repeat the parameter (`id[]=1&id[]=2`). */
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly bearer?: string;
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  readonly multipart?: FormData;
  readonly bytes?: { readonly data: Uint8Array; readonly contentType: string };
  /** Parses the JSON body; without it the body is returned as `unknown`. */
  readonly schema?: z.ZodType<T>;
  /** The URL came from a user or a payload: apply the SSRF guard and follow redirects safely. */
  readonly untrusted?: boolean;
  /** Statuses besides 2xx that are answers, not failures (304 for a conditional GET). */
  readonly acceptStatus?: readonly number[];
  readonly responseType?: 'json' | 'text' | 'bytes';
  readonly maxBodyBytes?: number;
  readonly timeoutMs?: number;
}

export interface HttpResponse<T> {
  readonly status: number;
  readonly header: (name: string) => string | undefined;
  readonly data: T;
  readonly rateLimit: RateLimitState;
  /** The URL finally answered, after redirects. */
  readonly url: string;
}

export interface HttpClient {
  readonly platform: string;
  request<T = unknown>(options: RequestOptions<T>): Promise<HttpResponse<T>>;
  close(): Promise<void>;
}

/** A non-success HTTP answer, with its body kept so a provider can refine the classification. */
export class HttpStatusError extends ProviderError {
  override name = 'HttpStatusError';
  /** The parsed JSON body, or its text (first 2 KB) when it is not JSON. */
  readonly body: unknown;
  readonly header: (name: string) => string | undefined;

  constructor(
    kind: ProviderFailureKind,
    message: string,
    details: ConstructorParameters<typeof ProviderError>[2] & {
      body: unknown;
      header: (name: string) => string | undefined;
    },
  ) {
    super(kind, message, details);
    this.body = details.body;
    this.header = details.header;
  }
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The default reading of an HTTP status; providers refine it in their `classifyError`. */
export function kindForStatus(status: number): ProviderFailureKind {
  if (status === 401) return 'refresh-token';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry-later';
  return 'bad-request';
}

function headerReader(
  headers: Record<string, string | string[] | undefined>,
): (name: string) => string | undefined {
  return (name) => {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
}

function buildUrl(url: string | URL, query: RequestOptions<unknown>['query']): URL {
  const built = new URL(url);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (Array.isArray(value)) for (const item of value) built.searchParams.append(name, String(item));
    else if (value !== undefined) built.searchParams.set(name, String(value));
  }
  return built;
}

function encodeBody(options: RequestOptions<unknown>): {
  body?: string | Uint8Array | FormData;
  contentType?: string;
} {
  if (options.json !== undefined)
    return { body: JSON.stringify(options.json), contentType: 'application/json' };
  if (options.form)
    return {
      body: new URLSearchParams(options.form).toString(),
      contentType: 'application/x-www-form-urlencoded',
    };
  if (options.multipart) return { body: options.multipart };
  if (options.bytes) return { body: options.bytes.data, contentType: options.bytes.contentType };
  return {};
}

async function readBody(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function describeBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 2048);
  }
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { platform } = options;
  const allowLoopback = options.allowLoopback ?? false;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const trusted = new Agent({
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs },
  });
  const untrusted = new Agent({
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs, lookup: guardedLookup({ allowLoopback }) },
  });

  const fail = (
    kind: ProviderFailureKind,
    endpoint: string,
    message: string,
    extra: { status?: number; retryAfterMs?: number | undefined; cause?: unknown } = {},
  ) => new ProviderError(kind, `${platform}: ${endpoint}: ${message}`, { platform, endpoint, ...extra });

  async function send(req: RequestOptions<unknown>, url: URL, signal: AbortSignal) {
    const { body, contentType } = encodeBody(req);
    const headers: Record<string, string> = {
      'user-agent': options.userAgent,
      accept: (req.responseType ?? 'json') === 'json' ? 'application/json' : '*/*',
      ...(contentType ? { 'content-type': contentType } : {}),
      ...(req.bearer ? { authorization: `Bearer ${req.bearer}` } : {}),
      ...req.headers,
    };
    return request(url, {
      method: req.method ?? 'GET',
      headers,
      body: body as string | Uint8Array | undefined,
      dispatcher: req.untrusted ? untrusted : trusted,
      signal,
      // A request may be given longer than the client's default (a large upload).
      ...(req.timeoutMs !== undefined ? { headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs } : {}),
    });
  }

  async function requestOnce<T>(req: RequestOptions<T>): Promise<HttpResponse<T>> {
    const endpoint = req.endpoint;
    const url = buildUrl(req.url, req.query);
    // A timer we clear ourselves: a signal that fires after the body was read makes undici raise an
    // error nobody listens to.
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException('request timed out', 'TimeoutError')),
      req.timeoutMs ?? timeoutMs,
    );
    try {
      return await exchange(req, endpoint, url, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  async function exchange<T>(
    initial: RequestOptions<T>,
    endpoint: string,
    startUrl: URL,
    signal: AbortSignal,
  ): Promise<HttpResponse<T>> {
    let req = initial;
    let url = startUrl;
    let response: Dispatcher.ResponseData;
    for (let redirects = 0; ; redirects++) {
      if (req.untrusted) assertFetchableUrl(url, { allowLoopback });
      response = await send(req, url, signal);
      const location = headerReader(response.headers)('location');
      const method = req.method ?? 'GET';
      if (!(req.untrusted && method === 'GET' && REDIRECTS.has(response.statusCode) && location)) break;
      await response.body.dump();
      if (redirects >= MAX_REDIRECTS)
        throw fail('bad-request', endpoint, `more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, url);
      // Credentials are for the origin they were given for: a redirect elsewhere goes without them.
      if (next.origin !== url.origin && (req.bearer !== undefined || req.headers !== undefined)) {
        req = { ...req, bearer: undefined, headers: undefined };
      }
      url = next;
    }

    // Reads report their own failures; a body we abandon (too large) must not raise a stray error.
    response.body.on('error', () => undefined);
    const header = headerReader(response.headers);
    const now = Date.now();
    const limit = req.maxBodyBytes ?? options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const declared = Number(header('content-length'));
    const raw = declared > limit ? undefined : await readBody(response.body, limit);
    if (raw === undefined) {
      response.body.destroy();
      throw fail('bad-request', endpoint, `the response is larger than ${limit} bytes`, {
        status: response.statusCode,
      });
    }

    const status = response.statusCode;
    const ok = (status >= 200 && status < 300) || (req.acceptStatus ?? []).includes(status);
    if (!ok) {
      const kind = kindForStatus(status);
      const wait = retryAfterMs(options.rateLimitStyle, header, status === 429, now);
      throw new HttpStatusError(kind, `${platform}: ${endpoint}: HTTP ${status}`, {
        platform,
        endpoint,
        status,
        retryAfterMs: kind === 'retry-later' ? wait : undefined,
        body: describeBody(raw),
        header,
      });
    }

    const rateLimit = readRateLimit(options.rateLimitStyle, header, now);
    const data = parseData(req, raw, status, endpoint);
    return { status, header, data: data as T, rateLimit, url: url.toString() };
  }

  function parseData<T>(req: RequestOptions<T>, raw: Buffer, status: number, endpoint: string): unknown {
    const type = req.responseType ?? 'json';
    if (type === 'bytes') return raw;
    if (type === 'text') return raw.toString('utf8');
    if (raw.length === 0 && (status === 204 || status === 304 || !req.schema)) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch (cause) {
      throw fail('bad-request', endpoint, 'the response is not valid JSON', { status, cause });
    }
    if (!req.schema) return json;
    const parsed = req.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw fail('bad-request', endpoint, `unexpected response at ${path}: ${issue?.message ?? 'invalid'}`, {
      status,
      cause: parsed.error,
    });
  }

  return {
    platform,
    async request<T>(req: RequestOptions<T>): Promise<HttpResponse<T>> {
      try {
        return await requestOnce(req);
      } catch (err) {
        throw normalise(err, req.endpoint, req.timeoutMs ?? timeoutMs);
      }
    },
    async close() {
      await Promise.all([trusted.close(), untrusted.close()]);
    },
  };

  function normalise(err: unknown, endpoint: string, timeout: number): ProviderError {
    if (err instanceof ProviderError) return err;
    if (err instanceof ForbiddenUrlError)
      return fail('bad-request', endpoint, `refused to fetch: ${err.message}`, { cause: err });
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof ForbiddenUrlError)
      return fail('bad-request', endpoint, `refused to fetch: ${cause.message}`, { cause });
    const name = (err as Error).name;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (name === 'TimeoutError' || name === 'AbortError' || /TIMEOUT/.test(code)) {
      return fail('retry-later', endpoint, `no answer within ${Math.round(timeout / 1000)} s`, {
        cause: err,
      });
    }
    if (code === 'ERR_HERALD_FORBIDDEN_ADDRESS') {
      return fail('bad-request', endpoint, `refused to fetch: ${(err as Error).message}`, { cause: err });
    }
    if (err instanceof TypeError && /Invalid URL/i.test(err.message)) {
      return fail('bad-request', endpoint, 'the URL is not valid', { cause: err });
    }
    return fail('retry-later', endpoint, `network error (${code || (err as Error).message})`, { cause: err });
  }
}
