/**
 * The X fake's OAuth 2.0 side: the authorize page (answered for the user set with `consentAs`), the
 * token endpoint (authorization_code with S256 PKCE, single-use rotating refresh tokens) and revoke.
 * Error bodies are X's: `{"error":"invalid_request","error_description":"Value passed for the token was invalid."}`.
 * @see https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
 */
import { createHash } from 'node:crypto';
import type { FakeReply, FakeServer, RecordedRequest } from './fake-server.js';
import { limited, secret, type XFakeState } from './x-state.js';

export const ACCESS_TOKEN_SECONDS = 7200;

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken?: string | undefined;
}

export function issueTokens(state: XFakeState, userId: string, scopes: readonly string[]): IssuedTokens {
  const accessToken = secret(state, 'at');
  state.accessTokens.set(accessToken, {
    userId,
    scopes,
    expiresAt: Date.now() + ACCESS_TOKEN_SECONDS * 1000,
  });
  if (!scopes.includes('offline.access')) return { accessToken };
  const refreshToken = secret(state, 'rt');
  state.refreshTokens.set(refreshToken, { userId, scopes, used: false });
  return { accessToken, refreshToken };
}

const oauthError = (status: number, error: string, description: string): FakeReply => ({
  status,
  json: { error, error_description: description },
});

/** A confidential client must send Basic auth; a public one names itself with `client_id`. */
function clientError(
  state: XFakeState,
  request: RecordedRequest,
  form: URLSearchParams,
): FakeReply | undefined {
  const { clientId, clientSecret } = state.client;
  if (clientSecret === undefined) {
    return form.get('client_id') === clientId
      ? undefined
      : oauthError(400, 'invalid_request', 'Missing required parameter [client_id].');
  }
  const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
  return request.headers.authorization === expected
    ? undefined
    : oauthError(401, 'unauthorized_client', 'Missing valid authorization header');
}

function tokenReply(state: XFakeState, userId: string, scopes: readonly string[]): FakeReply {
  const tokens = issueTokens(state, userId, scopes);
  return {
    json: {
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_SECONDS,
      access_token: tokens.accessToken,
      scope: scopes.join(' '),
      ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
    },
  };
}

function exchange(state: XFakeState, form: URLSearchParams): FakeReply {
  const code = state.codes.get(form.get('code') ?? '');
  const verifier = form.get('code_verifier') ?? '';
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  if (!code || code.used || code.redirectUri !== form.get('redirect_uri') || code.challenge !== challenge) {
    return oauthError(400, 'invalid_request', 'Value passed for the authorization code was invalid.');
  }
  code.used = true;
  return tokenReply(state, code.userId, code.scopes);
}

function rotate(state: XFakeState, form: URLSearchParams): FakeReply {
  const token = state.refreshTokens.get(form.get('refresh_token') ?? '');
  if (!token || token.used)
    return oauthError(400, 'invalid_request', 'Value passed for the token was invalid.');
  // Single use: the old refresh token dies with this answer, whatever happens to it.
  token.used = true;
  return tokenReply(state, token.userId, token.scopes);
}

export function registerOAuthRoutes(server: FakeServer, state: XFakeState): void {
  server.on('GET', '/i/oauth2/authorize', (request) => {
    const q = request.query;
    const redirect = q.get('redirect_uri');
    if (
      q.get('response_type') !== 'code' ||
      q.get('client_id') !== state.client.clientId ||
      q.get('code_challenge_method') !== 'S256' ||
      !q.get('code_challenge') ||
      !redirect ||
      state.consentUserId === undefined
    ) {
      return { status: 400, text: 'Something went wrong: You weren’t able to give access to the App.' };
    }
    const code = secret(state, 'code');
    state.codes.set(code, {
      userId: state.consentUserId,
      clientId: state.client.clientId,
      redirectUri: redirect,
      challenge: q.get('code_challenge') ?? '',
      scopes: (q.get('scope') ?? '').split(' ').filter((scope) => scope !== ''),
      used: false,
    });
    const target = new URL(redirect);
    target.searchParams.set('state', q.get('state') ?? '');
    target.searchParams.set('code', code);
    return { status: 302, headers: { location: target.toString() } };
  });

  server.on(
    'POST',
    '/2/oauth2/token',
    limited(state, 'POST /2/oauth2/token', 10_000, (request) => {
      const form = request.form();
      const rejected = clientError(state, request, form);
      if (rejected) return rejected;
      switch (form.get('grant_type')) {
        case 'authorization_code':
          return exchange(state, form);
        case 'refresh_token':
          return rotate(state, form);
        default:
          return oauthError(400, 'invalid_request', 'Missing required parameter [grant_type].');
      }
    }),
  );

  server.on(
    'POST',
    '/2/oauth2/revoke',
    limited(state, 'POST /2/oauth2/revoke', 10_000, (request) => {
      const form = request.form();
      const rejected = clientError(state, request, form);
      if (rejected) return rejected;
      const token = form.get('token') ?? '';
      const refresh = state.refreshTokens.get(token);
      if (refresh) refresh.used = true;
      state.accessTokens.delete(token);
      return { json: { revoked: true } };
    }),
  );
}
