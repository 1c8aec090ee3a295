/**
 * The public HTTP API under `/public/v1/`: the key from the Authorization header (as is, or after
 * "Bearer "), checked and counted against its rate limit, then the endpoint. Every answer is built
 * with the schemas the OpenAPI document is generated from; every refusal is `{ msg }` with a status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { findAnswer, keepAnswer } from '../../../core/api-idempotency.js';
import { checkApiKey, type RateLimit } from '../../../core/api-keys.js';
import type { Keyring } from '../../../core/crypto.js';
import type { Pool } from '../../../core/db/pool.js';
import type { Logger } from '../../../core/logger.js';
import type { MediaDownloader } from '../../../social/media-download.js';
import type { ProviderRegistry } from '../../../social/registry.js';
import { sendJson, type Route } from '../server.js';
import { createPosts, requestHash } from './create-posts.js';
import { ApiError, describeIssues, readJson, sendError } from './http-io.js';
import { tenantIntegrations } from './integrations.js';
import { openApiDocument } from './openapi.js';
import { cancelPost, getPost, listPosts } from './read-posts.js';
import {
  CancelledPost,
  CreatedPosts,
  CreatePostBody,
  IntegrationList,
  ListPostsQuery,
  PostList,
} from './schemas.js';

export interface PublicApiDeps {
  readonly pool: Pool;
  readonly keyring: Keyring;
  readonly registry: ProviderRegistry;
  readonly media: MediaDownloader;
  readonly rateLimit: RateLimit;
  readonly publicUrl: string;
  readonly logger: Logger;
  readonly now?: () => Date;
}

const BASE = '/public/v1';
const MAX_BODY_BYTES = 1_048_576;

interface Caller {
  readonly tenantId: string;
  readonly keyId: string;
}

async function authenticate(deps: PublicApiDeps, req: IncomingMessage): Promise<Caller> {
  const header = req.headers.authorization?.trim();
  // The wording of the API Herald follows, so its clients recognise it.
  if (!header) throw new ApiError(401, 'No API Key found');
  const key = header.replace(/^Bearer\s+/i, '');
  const check = await checkApiKey(deps.pool, key, deps.rateLimit);
  if (check.ok) return { tenantId: check.tenantId, keyId: check.keyId };
  if (check.reason === 'unknown') throw new ApiError(401, 'Invalid API key');
  throw new ApiError(
    429,
    `Too many requests: this key may make ${deps.rateLimit.requests} every ${deps.rateLimit.windowSeconds} s. Try again in ${check.retryAfterSeconds} s.`,
    { headers: { 'retry-after': String(check.retryAfterSeconds) } },
  );
}

async function createPostsAnswer(
  deps: PublicApiDeps,
  caller: Caller,
  req: IncomingMessage,
): Promise<{ status: number; body: unknown }> {
  const { value, raw } = await readJson(req, MAX_BODY_BYTES);
  const header = req.headers['idempotency-key'];
  const key = typeof header === 'string' && header.trim() !== '' ? header.trim().slice(0, 200) : undefined;
  const hash = requestHash(raw);
  if (key) {
    const earlier = await findAnswer(deps.pool, caller.tenantId, key);
    if (earlier && !earlier.requestHash.equals(hash))
      throw new ApiError(422, 'This Idempotency-Key was used for a different request; use a new key.');
    if (earlier) return { status: earlier.status, body: earlier.response };
  }
  const parsed = CreatePostBody.safeParse(value);
  if (!parsed.success) throw new ApiError(400, describeIssues(parsed.error.issues));
  const created = CreatedPosts.parse(await createPosts(deps, caller, parsed.data, key));
  if (!key) return { status: 201, body: created };
  const kept = await keepAnswer(deps.pool, caller.tenantId, key, {
    requestHash: hash,
    status: 201,
    response: created,
  });
  if (!kept.requestHash.equals(hash))
    throw new ApiError(422, 'This Idempotency-Key was used for a different request; use a new key.');
  return { status: kept.status, body: kept.response };
}

async function route(
  deps: PublicApiDeps,
  req: IncomingMessage,
  path: string,
  query: URLSearchParams,
): Promise<{ status: number; body: unknown }> {
  const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
  if (method === 'GET' && path === '/openapi.json')
    return { status: 200, body: openApiDocument(deps.publicUrl) };
  const caller = await authenticate(deps, req);
  const postId = /^\/posts\/([^/]+)$/.exec(path)?.[1];
  if (method === 'GET' && path === '/integrations') {
    const integrations = await tenantIntegrations(deps, caller.tenantId);
    return { status: 200, body: IntegrationList.parse(integrations.map((integration) => integration.view)) };
  }
  if (method === 'GET' && path === '/posts') {
    const parsed = ListPostsQuery.safeParse(Object.fromEntries(query));
    if (!parsed.success) throw new ApiError(400, describeIssues(parsed.error.issues));
    return {
      status: 200,
      body: PostList.parse({ posts: await listPosts(deps.pool, caller.tenantId, parsed.data) }),
    };
  }
  if (method === 'POST' && path === '/posts') return createPostsAnswer(deps, caller, req);
  if (method === 'GET' && postId) {
    return {
      status: 200,
      body: PostList.parse({ posts: await getPost(deps.pool, caller.tenantId, postId) }),
    };
  }
  if (method === 'DELETE' && postId) {
    await cancelPost(deps.pool, caller.tenantId, postId);
    return { status: 200, body: CancelledPost.parse({ id: postId, state: 'CANCELLED' }) };
  }
  throw new ApiError(
    404,
    `No ${method} ${BASE}${path}. The document at ${BASE}/openapi.json lists every endpoint.`,
  );
}

export function publicApiRoutes(deps: PublicApiDeps): Route[] {
  const log = deps.logger.child({ subsystem: 'public-api' });
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://herald.invalid');
    const path = url.pathname.slice(BASE.length) || '/';
    try {
      const { status, body } = await route(deps, req, path, url.searchParams);
      sendJson(res, status, body);
      log.info({ method: req.method, path: url.pathname, status }, 'api request');
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      sendError(res, err);
      log.info(
        { method: req.method, path: url.pathname, status: err.status, reason: err.message },
        'api request refused',
      );
    }
  };
  return (['GET', 'POST', 'DELETE'] as const).map((method) => ({ method, path: `${BASE}/*`, handler }));
}
