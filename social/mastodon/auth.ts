/**
 * OAuth on a Mastodon instance: Herald registers itself as an app on each instance (the caller caches
 * the result per instance), sends the user to the instance's /oauth/authorize with PKCE (S256, honoured
 * since 4.3 and ignored before), trades the code at /oauth/token and reads who the user is from
 * verify_credentials. Tokens never expire; there is nothing to refresh, only to revoke.
 * @see https://docs.joinmastodon.org/methods/apps/#create
 * @see https://docs.joinmastodon.org/methods/oauth/
 */
import type { HttpClient } from '../http.js';
import type { AccountRef, AuthRequest, CodeExchange, LinkedAccount, OAuthClient } from '../provider.js';
import { badRequest } from './errors.js';
import { fullAcct } from './html.js';
import { instanceOrigin } from './instance.js';
import { accountSchema, credentialApplicationSchema, tokenSchema } from './schemas.js';

/** Granular scopes: read statuses and the own profile, publish statuses and media. */
export const MASTODON_SCOPES = ['read:statuses', 'read:accounts', 'write:statuses', 'write:media'] as const;

/** An app registered on one instance, for the caller to store (encrypted) per instance. */
export interface RegisteredApp extends OAuthClient {
  readonly clientSecret: string;
  readonly instanceUrl: string;
  readonly redirectUris: readonly string[];
  readonly scopes: readonly string[];
  readonly registeredAt: Date;
}

export interface AuthDeps {
  readonly http: HttpClient;
  readonly now: () => Date;
  readonly clientName: string;
  readonly website: string | undefined;
  readonly scopes: readonly string[];
}

export const APPS = 'POST /api/v1/apps';
export const TOKEN = 'POST /oauth/token';
export const VERIFY = 'GET /api/v1/accounts/verify_credentials';
export const REVOKE = 'POST /oauth/revoke';

function scopesOf(value: readonly string[] | string | undefined, fallback: readonly string[]): string[] {
  if (value === undefined) return [...fallback];
  return (typeof value === 'string' ? value.split(/\s+/) : [...value]).filter((scope) => scope !== '');
}

export async function registerApp(
  deps: AuthDeps,
  instanceUrl: string,
  redirectUri: string,
): Promise<RegisteredApp> {
  const origin = instanceOrigin(instanceUrl, APPS);
  const response = await deps.http.request({
    method: 'POST',
    url: `${origin}/api/v1/apps`,
    endpoint: APPS,
    json: {
      client_name: deps.clientName,
      redirect_uris: [redirectUri],
      scopes: deps.scopes.join(' '),
      ...(deps.website ? { website: deps.website } : {}),
    },
    schema: credentialApplicationSchema,
    untrusted: true,
  });
  const app = response.data;
  return {
    clientId: app.client_id,
    clientSecret: app.client_secret,
    instanceUrl: origin,
    redirectUris: app.redirect_uris ?? [redirectUri],
    scopes: scopesOf(app.scopes, deps.scopes),
    registeredAt: deps.now(),
  };
}

export function authorizeUrl(deps: AuthDeps, request: AuthRequest): string {
  const origin = instanceOrigin(request.instanceUrl, 'GET /oauth/authorize');
  const url = new URL('/oauth/authorize', origin);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: request.client.clientId,
    redirect_uri: request.redirectUri,
    scope: deps.scopes.join(' '),
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

export async function exchangeCode(deps: AuthDeps, exchange: CodeExchange): Promise<LinkedAccount> {
  const origin = instanceOrigin(exchange.instanceUrl, TOKEN);
  const secret = exchange.client.clientSecret;
  if (!secret) throw badRequest(TOKEN, 'the app registered on this instance has no client secret');
  const token = await deps.http.request({
    method: 'POST',
    url: `${origin}/oauth/token`,
    endpoint: TOKEN,
    form: {
      grant_type: 'authorization_code',
      code: exchange.code,
      client_id: exchange.client.clientId,
      client_secret: secret,
      redirect_uri: exchange.redirectUri,
      code_verifier: exchange.codeVerifier,
      scope: deps.scopes.join(' '),
    },
    schema: tokenSchema,
    untrusted: true,
  });
  const accessToken = token.data.access_token;
  const me = await deps.http.request({
    url: `${origin}/api/v1/accounts/verify_credentials`,
    endpoint: VERIFY,
    bearer: accessToken,
    schema: accountSchema,
    untrusted: true,
  });
  const account = me.data;
  return {
    profile: {
      accountId: account.id,
      // A local acct has no domain: its profile's web domain is the instance's public name.
      handle: fullAcct(
        account.acct,
        account.url && URL.canParse(account.url) ? new URL(account.url).host : new URL(origin).host,
      ),
      displayName: account.display_name?.trim() || account.username,
      avatarUrl: account.avatar_static ?? account.avatar ?? undefined,
      profileUrl: account.url ?? undefined,
      instanceUrl: origin,
    },
    credentials: { accessToken, scopes: scopesOf(token.data.scope, deps.scopes) },
  };
}

/** Revoking is idempotent on Mastodon: an unknown or already revoked token answers 200 too. */
export async function revokeToken(
  deps: AuthDeps,
  account: AccountRef,
  client: OAuthClient | undefined,
  fallback?: string,
) {
  const origin = instanceOrigin(account.instanceUrl ?? fallback, REVOKE);
  const token = account.credentials?.accessToken;
  if (!token) return;
  if (!client?.clientSecret)
    throw badRequest(REVOKE, 'revoking needs the client id and secret registered on the instance');
  await deps.http.request({
    method: 'POST',
    url: `${origin}/oauth/revoke`,
    endpoint: REVOKE,
    form: { client_id: client.clientId, client_secret: client.clientSecret, token },
    untrusted: true,
  });
}
