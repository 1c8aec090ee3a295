/**
 * A loopback Mastodon server: app registration, OAuth (authorization codes with PKCE S256, tokens,
 * revocation), account statuses with since_id/min_id/max_id paging and Link headers, the 4.3+ batch
 * lookup, statuses with Idempotency-Key, media uploads (202 + 206 polling for video), and the instance
 * configuration. Every answer carries X-RateLimit-* headers (reset as an ISO 8601 timestamp), errors use
 * Mastodon's `{ "error": … }` bodies, and every request is recorded.
 * @see https://docs.joinmastodon.org/methods/
 */
import { createHash } from 'node:crypto';
import { startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from './fake-server.js';
import {
  accountJson,
  instanceJson,
  mastodonLength,
  mediaJson,
  statusJson,
  type FakeAccountInput,
  type FakeInstanceLimits,
  type FakeStatusInput,
  type Json,
} from './mastodon-entities.js';
import {
  readParams as params,
  registerOAuthRoutes,
  type AuthorizationCode,
  type Token,
} from './mastodon-oauth.js';

export type {
  FakeAccountInput,
  FakeInstanceLimits,
  FakeMediaInput,
  FakeStatusInput,
} from './mastodon-entities.js';

const RATE_LIMIT = 300;
const INVALID_TOKEN = 'The access token is invalid';

interface Upload {
  readonly json: Json;
  pollsLeft: number;
}
type FaultOptions = { readonly path?: string | RegExp; readonly times?: number };

export interface MastodonFake extends FakeServer {
  /** The public domain in handles and permalinks (the API itself answers on `url`). */
  readonly domain: string;
  readonly apps: Json[];
  readonly statuses: Json[];
  addAccount(input: FakeAccountInput): Json;
  addStatus(account: Json, input?: FakeStatusInput): Json;
  /** A token for `account`, as /oauth/token would issue it. */
  issueToken(account: Json, scopes?: readonly string[]): string;
  /** What /oauth/authorize hands the redirect URI once the user approves. */
  addAuthorizationCode(code: Omit<AuthorizationCode, 'scope'> & { scope?: string }): string;
  isTokenValid(token: string): boolean;
  setLimits(limits: FakeInstanceLimits): void;
  /** Behave like an older server: no batch status lookup (< 4.3), no v2 instance (< 4.0). */
  setServerAge(age: { batchStatuses?: boolean; instanceV2?: boolean; instanceV1?: boolean }): void;
  /** Video, gifv and audio uploads answer 202 and then 206 to this many polls before 200. */
  setMediaProcessingPolls(polls: number): void;
  /** Revoke tokens (all by default): Mastodon's 401 `{"error":"The access token is invalid"}` follows. */
  expireToken(token?: string): void;
  rateLimit(resetInSeconds: number, options?: FaultOptions): void;
  serverError(options?: FaultOptions): void;
  slow(ms: number, options?: FaultOptions): void;
  malformed(body?: string, options?: FaultOptions): void;
}

export async function startMastodonFake(options: { domain?: string } = {}): Promise<MastodonFake> {
  const server = await startFakeServer({ notFound: { status: 404, json: { error: 'Record not found' } } });
  const domain = options.domain ?? 'mastodon.example';
  const accounts = new Map<string, Json>();
  const statuses: Json[] = [];
  const tokens = new Map<string, Token>();
  const apps: Json[] = [];
  const codes = new Map<string, AuthorizationCode>();
  const uploads = new Map<string, Upload>();
  const idempotency = new Map<string, Json>();
  const age = { batchStatuses: true, instanceV2: true, instanceV1: true };
  let limits: FakeInstanceLimits = {};
  let processingPolls = 1;
  let sequence = 0n;
  let clock = Date.parse('2025-01-01T00:00:00.000Z');
  let used = 0;
  let windowEnd = 0;

  const nextId = () => String(113_000_000_000_000_000n + ++sequence * 65_536n);
  const nextDate = () => new Date((clock += 60_000)).toISOString();

  function rateLimitHeaders(remaining: number, resetAt: Date): Record<string, string> {
    return {
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, remaining)),
      'x-ratelimit-reset': resetAt.toISOString(),
    };
  }

  /** Mastodon's default budget: 300 calls per 5-minute window, reported on every answer. */
  function reply(status: number, json: unknown, headers: Record<string, string> = {}): FakeReply {
    const now = Date.now();
    if (now >= windowEnd) {
      windowEnd = Math.ceil((now + 1) / 300_000) * 300_000;
      used = 0;
    }
    used += 1;
    return {
      status,
      json,
      headers: { ...rateLimitHeaders(RATE_LIMIT - used, new Date(windowEnd)), ...headers },
    };
  }

  const error = (status: number, message: string, extra: Json = {}) =>
    reply(status, { error: message, ...extra });

  function authenticate(request: RecordedRequest, required: boolean): Token | FakeReply | undefined {
    const header = request.headers.authorization;
    if (!header) return required ? unauthorized() : undefined;
    const token = tokens.get(header.replace(/^Bearer\s+/i, ''));
    return token ?? unauthorized();
  }

  function unauthorized(): FakeReply {
    return reply(
      401,
      { error: INVALID_TOKEN },
      {
        'www-authenticate': `Bearer realm="Doorkeeper", error="invalid_token", error_description="${INVALID_TOKEN}"`,
      },
    );
  }

  const isReply = (value: unknown): value is FakeReply =>
    typeof value === 'object' && value !== null && 'status' in value && !('accountId' in value);

  const fake: MastodonFake = {
    ...server,
    domain,
    apps,
    statuses,
    addAccount(input) {
      const account = accountJson(nextId(), input, domain);
      accounts.set(String(account.id), account);
      return account;
    },
    addStatus(account, input = {}) {
      const media = (input.media ?? []).map((item) => mediaJson(nextId(), item, domain));
      const status = statusJson(nextId(), account, { createdAt: nextDate(), ...input }, domain, media);
      statuses.push(status);
      return status;
    },
    issueToken(account, scopes = ['read', 'write']) {
      const token = `token-${createHash('sha256').update(`${account.id}:${++sequence}`).digest('hex').slice(0, 32)}`;
      tokens.set(token, { accountId: String(account.id), scopes });
      return token;
    },
    addAuthorizationCode(code) {
      const value = `code-${++sequence}`;
      codes.set(value, { scope: 'read', ...code });
      return value;
    },
    isTokenValid: (token) => tokens.has(token),
    setLimits(next) {
      limits = next;
    },
    setServerAge(next) {
      Object.assign(age, next);
    },
    setMediaProcessingPolls(polls) {
      processingPolls = polls;
    },
    expireToken(token) {
      if (token === undefined) tokens.clear();
      else tokens.delete(token);
    },
    rateLimit(resetInSeconds, faultOptions) {
      const reset = new Date(Date.now() + resetInSeconds * 1000);
      const headers = rateLimitHeaders(0, reset);
      server.injectFault(
        { kind: 'reply', reply: { status: 429, headers, json: { error: 'Too many requests' } } },
        faultOptions,
      );
    },
    serverError(faultOptions) {
      const headers = rateLimitHeaders(RATE_LIMIT, new Date(Date.now() + 300_000));
      const text =
        '<!DOCTYPE html><html><head><title>Mastodon</title></head><body>We are sorry, but something went wrong on our end.</body></html>';
      server.injectFault(
        {
          kind: 'reply',
          reply: { status: 500, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' }, text },
        },
        faultOptions,
      );
    },
    slow(ms, faultOptions) {
      server.injectFault({ kind: 'slow', delayMs: ms }, faultOptions);
    },
    malformed(body = '[{"id":{"not":"a string"},"created_at":"2025-01-01T00:00:00Z"}]', faultOptions) {
      server.injectFault({ kind: 'malformed', body }, faultOptions);
    },
  };

  registerOAuthRoutes(
    server,
    { apps, codes, tokens, accounts },
    { reply, error, authenticate, isReply, nextId, issueToken: fake.issueToken },
  );
  registerReadRoutes();
  registerWriteRoutes();
  return fake;

  function registerReadRoutes(): void {
    server.on('GET', '/api/v1/accounts/:id/statuses', (request, { id }) => {
      const token = authenticate(request, false);
      if (isReply(token)) return token;
      if (!accounts.has(id ?? '')) return error(404, 'Record not found');
      return accountStatuses(request, id ?? '');
    });

    server.on('GET', '/api/v1/statuses', (request) => {
      if (!age.batchStatuses) return error(404, 'Record not found');
      const token = authenticate(request, false);
      if (isReply(token)) return token;
      const ids = request.query.getAll('id[]');
      return reply(
        200,
        statuses.filter((status) => ids.includes(String(status.id))),
      );
    });

    server.on('GET', '/api/v1/statuses/:id', (request, { id }) => {
      const token = authenticate(request, false);
      if (isReply(token)) return token;
      const status = statuses.find((candidate) => candidate.id === id);
      return status ? reply(200, status) : error(404, 'Record not found');
    });

    server.on('GET', '/api/v2/instance', () =>
      age.instanceV2 ? reply(200, instanceJson(domain, limits)) : error(404, 'Record not found'),
    );
    server.on('GET', '/api/v1/instance', () => {
      if (!age.instanceV1) return error(404, 'Record not found');
      const { configuration, ...rest } = instanceJson(domain, limits);
      return reply(200, { uri: domain, ...rest, configuration });
    });
  }

  function accountStatuses(request: RecordedRequest, accountId: string): FakeReply {
    const query = request.query;
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 20) || 20, 1), 40);
    const compare = (a: string, b: string) =>
      a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
    const maxId = query.get('max_id');
    const sinceId = query.get('since_id');
    const minId = query.get('min_id');
    let list = statuses
      .filter((status) => (status.account as Json).id === accountId)
      .filter((status) => query.get('exclude_reblogs') !== 'true' || status.reblog === null)
      .filter((status) => query.get('exclude_replies') !== 'true' || status.in_reply_to_id === null)
      .filter((status) => !maxId || compare(String(status.id), maxId) < 0)
      .filter((status) => !sinceId || compare(String(status.id), sinceId) > 0)
      .filter((status) => !minId || compare(String(status.id), minId) > 0)
      .sort((a, b) => compare(String(b.id), String(a.id)));
    // min_id pages forward: the statuses immediately newer than it, still answered newest first.
    list = minId ? list.slice(-limit) : list.slice(0, limit);
    const base = `${server.url}${request.path}`;
    const keep = ['limit', 'exclude_reblogs', 'exclude_replies', 'only_media']
      .filter((name) => query.has(name))
      .map((name) => `${name}=${encodeURIComponent(query.get(name) ?? '')}`);
    const link = (param: string) => `<${base}?${[...keep, param].join('&')}>`;
    const links: string[] = [];
    const oldest = list.at(-1);
    const newest = list[0];
    if (oldest && list.length === limit) links.push(`${link(`max_id=${String(oldest.id)}`)}; rel="next"`);
    if (newest) links.push(`${link(`min_id=${String(newest.id)}`)}; rel="prev"`);
    return reply(200, list, links.length > 0 ? { link: links.join(', ') } : {});
  }

  function registerWriteRoutes(): void {
    server.on('POST', '/api/v2/media', async (request) => {
      const token = authenticate(request, true);
      if (isReply(token) || !token) return token ?? unauthorized();
      const body = await params(request);
      const file = body.get('file');
      if (!(file instanceof Blob))
        return error(422, 'Validation failed: File content type is invalid, File is invalid');
      const type = file.type.startsWith('image/')
        ? 'image'
        : file.type.startsWith('video/')
          ? 'video'
          : 'audio';
      const description = body.get('description');
      const id = nextId();
      const synchronous = type === 'image' || processingPolls < 0;
      const json = mediaJson(
        id,
        { type, description: typeof description === 'string' ? description : null },
        domain,
        synchronous,
      );
      uploads.set(id, { json, pollsLeft: synchronous ? 0 : processingPolls });
      return reply(synchronous ? 200 : 202, json);
    });

    server.on('GET', '/api/v1/media/:id', (request, { id }) => {
      const token = authenticate(request, true);
      if (isReply(token)) return token;
      const upload = uploads.get(id ?? '');
      if (!upload) return error(404, 'Record not found');
      if (upload.pollsLeft > 0) {
        upload.pollsLeft -= 1;
        return reply(206, upload.json);
      }
      const done = mediaJson(
        String(upload.json.id),
        { type: upload.json.type as 'video', description: upload.json.description as string },
        domain,
      );
      upload.json.url = done.url;
      return reply(200, upload.json);
    });

    server.on('POST', '/api/v1/statuses', async (request) => {
      const token = authenticate(request, true);
      if (isReply(token) || !token) return token ?? unauthorized();
      const key = request.headers['idempotency-key'];
      const seen = typeof key === 'string' ? idempotency.get(`${token.accountId}:${key}`) : undefined;
      if (seen) return reply(200, seen);
      const body = await params(request);
      const text = String(body.get('status') ?? '');
      const mediaIds = ((body.get('media_ids') as unknown[]) ?? []).map(String);
      const problem = validateStatus(text, mediaIds);
      if (problem) return problem;
      const inReplyToId = body.get('in_reply_to_id');
      const parent = inReplyToId ? statuses.find((status) => status.id === String(inReplyToId)) : undefined;
      if (inReplyToId && !parent) return error(404, 'Record not found');
      const account = accounts.get(token.accountId) ?? {};
      const media = mediaIds.map((id) => uploads.get(id)?.json ?? {});
      const status = fake.addStatus(account, { text, inReplyTo: parent });
      status.media_attachments = media;
      status.created_at = new Date().toISOString();
      if (typeof key === 'string') idempotency.set(`${token.accountId}:${key}`, status);
      return reply(200, status);
    });
  }

  function validateStatus(text: string, mediaIds: readonly string[]): FakeReply | undefined {
    if (text.trim() === '' && mediaIds.length === 0)
      return error(422, "Validation failed: Text can't be blank");
    const max = limits.maxCharacters ?? 500;
    if (mastodonLength(text, limits.charactersReservedPerUrl ?? 23) > max) {
      return error(422, `Validation failed: Text character limit of ${max} exceeded`);
    }
    if (mediaIds.length > (limits.maxMediaAttachments ?? 4))
      return error(422, 'Validation failed: Too many attachments');
    for (const id of mediaIds) {
      const upload = uploads.get(id);
      if (!upload) return error(422, 'Validation failed: Media attachments are invalid');
      if (upload.pollsLeft > 0 || upload.json.url === null) {
        return error(422, 'Cannot attach files that have not finished processing. Try again in a moment!');
      }
    }
    return undefined;
  }
}
