/**
 * OAuth 2.0 Authorization Code with PKCE (S256) for X, as a confidential client (Basic auth) when the
 * app has a secret and a public one (`client_id` in the form) when it does not.
 * @see https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
 */
import { ProviderError } from '../../core/errors.js';
import type {
  AccountRef,
  AuthRequest,
  CodeExchange,
  Credentials,
  LinkedAccount,
  OAuthClient,
} from '../provider.js';
import { accessTokenOf, endpointUrl, type XContext } from './context.js';
import { PLATFORM, REFRESH_ENDPOINT, REVOKE_ENDPOINT, TOKEN_ENDPOINT, runX } from './errors.js';
import { meResponseSchema, revokeResponseSchema, tokenResponseSchema } from './schemas.js';

/** Read and publish (with media), plus `offline.access` for a refresh token. */
export const X_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'] as const;

const MAX_STATE_LENGTH = 500;

/** A confidential client (with a secret) authenticates with Basic; a public one names itself in the form. */
function withClient(
  client: OAuthClient,
  form: Record<string, string>,
): { form: Record<string, string>; headers?: Record<string, string> } {
  if (client.clientSecret === undefined || client.clientSecret === '') {
    return { form: { ...form, client_id: client.clientId } };
  }
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
  return { form, headers: { authorization: `Basic ${basic}` } };
}

export interface XAuth {
  authUrl(request: AuthRequest): Promise<string>;
  exchangeCode(exchange: CodeExchange): Promise<LinkedAccount>;
  refresh(account: AccountRef, client?: OAuthClient): Promise<Credentials>;
  revoke(account: AccountRef, client?: OAuthClient): Promise<void>;
}

const AUTHORIZE_ENDPOINT = 'GET /i/oauth2/authorize';

function clientOf(context: XContext, client: OAuthClient | undefined, endpoint: string): OAuthClient {
  const chosen = client ?? context.client;
  if (chosen?.clientId) return chosen;
  throw new ProviderError('bad-request', `${PLATFORM}: ${endpoint}: no X OAuth client is configured`, {
    platform: PLATFORM,
    endpoint,
    hint: 'Set HERALD_X_CLIENT_ID (and HERALD_X_CLIENT_SECRET for a confidential client).',
  });
}

async function requestToken(
  context: XContext,
  endpoint: string,
  client: OAuthClient,
  form: Record<string, string>,
): Promise<Credentials> {
  const response = await context.http.request({
    method: 'POST',
    url: endpointUrl(context, '/2/oauth2/token'),
    endpoint,
    ...withClient(client, form),
    schema: tokenResponseSchema,
  });
  const data = response.data;
  return {
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    expiresAt:
      data.expires_in === undefined ? undefined : new Date(context.now().getTime() + data.expires_in * 1000),
    scopes: data.scope?.split(/\s+/).filter((scope) => scope !== ''),
  };
}

function buildAuthUrl(context: XContext, request: AuthRequest): string {
  const client = clientOf(context, request.client, AUTHORIZE_ENDPOINT);
  if (request.state.length > MAX_STATE_LENGTH) {
    throw new ProviderError(
      'bad-request',
      `${PLATFORM}: state is longer than ${MAX_STATE_LENGTH} characters`,
      {
        platform: PLATFORM,
        endpoint: AUTHORIZE_ENDPOINT,
      },
    );
  }
  const params: Array<[string, string]> = [
    ['response_type', 'code'],
    ['client_id', client.clientId],
    ['redirect_uri', request.redirectUri],
    ['scope', X_SCOPES.join(' ')],
    ['state', request.state],
    ['code_challenge', request.codeChallenge],
    ['code_challenge_method', 'S256'],
  ];
  // %20 rather than '+' between scopes, as X's own examples write them.
  const query = params.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return `${context.authUrl}/i/oauth2/authorize?${query}`;
}

async function exchangeCode(context: XContext, exchange: CodeExchange): Promise<LinkedAccount> {
  const client = clientOf(context, exchange.client, TOKEN_ENDPOINT);
  const credentials = await requestToken(context, TOKEN_ENDPOINT, client, {
    grant_type: 'authorization_code',
    code: exchange.code,
    redirect_uri: exchange.redirectUri,
    code_verifier: exchange.codeVerifier,
  });
  const me = await context.http.request({
    url: endpointUrl(context, '/2/users/me'),
    endpoint: 'GET /2/users/me',
    query: { 'user.fields': 'name,username,profile_image_url' },
    bearer: credentials.accessToken,
    schema: meResponseSchema,
  });
  const user = me.data.data;
  return {
    credentials,
    profile: {
      accountId: user.id,
      handle: user.username,
      displayName: user.name,
      avatarUrl: user.profile_image_url,
      profileUrl: `https://x.com/${user.username}`,
    },
  };
}

async function refreshOnce(
  context: XContext,
  account: AccountRef,
  client?: OAuthClient,
): Promise<Credentials> {
  const refreshToken = account.credentials?.refreshToken;
  if (!refreshToken) {
    throw new ProviderError('revoked', `${PLATFORM}: ${REFRESH_ENDPOINT}: the account has no refresh token`, {
      platform: PLATFORM,
      endpoint: REFRESH_ENDPOINT,
      hint: 'Reconnect the X account with /herald connect x (offline.access was not granted).',
    });
  }
  const chosen = clientOf(context, client, REFRESH_ENDPOINT);
  return requestToken(context, REFRESH_ENDPOINT, chosen, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
}

/**
 * Revoke the access token, then the refresh token (which ends the grant). Both are tried even when
 * the first fails (an expired access token), so the grant does not outlive a failed first call.
 */
async function revokeTokens(context: XContext, account: AccountRef, client?: OAuthClient): Promise<void> {
  const chosen = clientOf(context, client, REVOKE_ENDPOINT);
  const tokens: Array<[string, string]> = [['access_token', accessTokenOf(account, REVOKE_ENDPOINT)]];
  if (account.credentials?.refreshToken) tokens.push(['refresh_token', account.credentials.refreshToken]);
  const failures: unknown[] = [];
  for (const [hint, value] of tokens) {
    try {
      await context.http.request({
        method: 'POST',
        url: endpointUrl(context, '/2/oauth2/revoke'),
        endpoint: REVOKE_ENDPOINT,
        ...withClient(chosen, { token: value, token_type_hint: hint }),
        schema: revokeResponseSchema,
      });
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length > 0) throw failures[0];
}

export function createXAuth(context: XContext): XAuth {
  // X refresh tokens are single-use: two refreshes of one account in this process share one call.
  // @NOTE Across processes the caller must still serialise refreshes (see social/provider.ts).
  const refreshing = new Map<string, Promise<Credentials>>();
  return {
    authUrl: (request) => runX(AUTHORIZE_ENDPOINT, async () => buildAuthUrl(context, request)),
    exchangeCode: (exchange) => runX(TOKEN_ENDPOINT, () => exchangeCode(context, exchange)),
    refresh(account, client) {
      const pending = refreshing.get(account.accountId);
      if (pending) return pending;
      const work = runX(REFRESH_ENDPOINT, () => refreshOnce(context, account, client)).finally(() =>
        refreshing.delete(account.accountId),
      );
      refreshing.set(account.accountId, work);
      return work;
    },
    revoke: (account, client) => runX(REVOKE_ENDPOINT, () => revokeTokens(context, account, client)),
  };
}
