/**
 * The OAuth side of the Mastodon fake: app registration (POST /api/v1/apps), the token endpoint with
 * authorization codes checked against their PKCE S256 challenge, revocation, and verify_credentials,
 * with Doorkeeper's error bodies.
 * @see https://docs.joinmastodon.org/methods/oauth/
 */
import { createHash } from 'node:crypto';
import type { FakeReply, FakeServer, RecordedRequest } from './fake-server.js';
import type { Json } from './mastodon-entities.js';

export interface Token {
  readonly accountId: string;
  readonly scopes: readonly string[];
}
export interface AuthorizationCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly accountId: string;
  readonly scope: string;
  readonly codeChallenge?: string;
}
export interface OAuthState {
  readonly apps: Json[];
  readonly codes: Map<string, AuthorizationCode>;
  readonly tokens: Map<string, Token>;
  readonly accounts: Map<string, Json>;
}

/** The fake's shared ways of answering, so every route carries the same rate-limit headers. */
export interface Wire {
  reply(status: number, json: unknown, headers?: Record<string, string>): FakeReply;
  error(status: number, message: string, extra?: Json): FakeReply;
  authenticate(request: RecordedRequest, required: boolean): Token | FakeReply | undefined;
  isReply(value: unknown): value is FakeReply;
  nextId(): string;
  issueToken(account: Json, scopes?: readonly string[]): string;
}

/** JSON, urlencoded or multipart bodies, as Rails accepts them; `a[]` keys become arrays. */
export async function readParams(request: RecordedRequest): Promise<Map<string, unknown>> {
  const type = String(request.headers['content-type'] ?? '');
  if (type.includes('application/json')) return new Map(Object.entries(request.json() as Json));
  const entries: Array<[string, unknown]> = type.includes('multipart/form-data')
    ? [...(await new Response(request.body, { headers: { 'content-type': type } }).formData()).entries()]
    : [...request.form().entries()];
  const result = new Map<string, unknown>();
  for (const [key, value] of entries) {
    if (!key.endsWith('[]')) result.set(key, value);
    else result.set(key.slice(0, -2), [...((result.get(key.slice(0, -2)) as unknown[]) ?? []), value]);
  }
  return result;
}

export function registerOAuthRoutes(server: FakeServer, state: OAuthState, wire: Wire): void {
  const { apps, codes, tokens, accounts } = state;
  const { reply, error, authenticate, isReply, nextId } = wire;
  server.on('POST', '/api/v1/apps', async (request) => {
    const body = await readParams(request);
    const redirects = body.get('redirect_uris');
    const list = (Array.isArray(redirects) ? redirects : String(redirects ?? '').split('\n')).map(String);
    if (list.length === 0 || list.some((uri) => uri !== 'urn:ietf:wg:oauth:2.0:oob' && !URL.canParse(uri))) {
      return error(422, 'Validation failed: Redirect URI must be an absolute URI.');
    }
    const id = nextId();
    const app = {
      id,
      name: String(body.get('client_name') ?? ''),
      website: body.get('website') ?? null,
      scopes: String(body.get('scopes') ?? 'read').split(' '),
      redirect_uri: list.join('\n'),
      redirect_uris: list,
      client_id: `client-${id}`,
      client_secret: `secret-${id}`,
      client_secret_expires_at: 0,
    };
    apps.push(app);
    return reply(200, app);
  });

  server.on('POST', '/oauth/token', async (request) => {
    const body = await readParams(request);
    const app = apps.find((candidate) => candidate.client_id === body.get('client_id'));
    if (!app || app.client_secret !== body.get('client_secret')) {
      return error(401, 'invalid_client', {
        error_description:
          'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
      });
    }
    const code = codes.get(String(body.get('code')));
    const verifier = String(body.get('code_verifier') ?? '');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const valid =
      code !== undefined &&
      code.clientId === app.client_id &&
      code.redirectUri === body.get('redirect_uri') &&
      (code.codeChallenge === undefined || code.codeChallenge === challenge);
    if (!valid) {
      return error(400, 'invalid_grant', {
        error_description:
          'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
      });
    }
    codes.delete(String(body.get('code')));
    const account = accounts.get(code.accountId) ?? {};
    const scope = String(body.get('scope') ?? code.scope);
    const token = wire.issueToken(account, scope.split(' '));
    return reply(200, {
      access_token: token,
      token_type: 'Bearer',
      scope,
      created_at: Math.floor(Date.now() / 1000),
    });
  });

  server.on('POST', '/oauth/revoke', async (request) => {
    const body = await readParams(request);
    const app = apps.find((candidate) => candidate.client_id === body.get('client_id'));
    if (!app || app.client_secret !== body.get('client_secret')) {
      return error(403, 'unauthorized_client', {
        error_description: 'You are not authorized to revoke this token',
      });
    }
    tokens.delete(String(body.get('token')));
    return reply(200, {});
  });

  server.on('GET', '/api/v1/accounts/verify_credentials', (request) => {
    const token = authenticate(request, true);
    if (isReply(token)) return token;
    const account = accounts.get(token?.accountId ?? '');
    if (!account) return error(422, 'This method requires an authenticated user');
    return reply(200, {
      ...account,
      source: { privacy: 'public', sensitive: false, language: '', note: '', fields: [] },
    });
  });
}
