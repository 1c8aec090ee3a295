import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import type { HttpClient } from '../../../social/http.js';
import {
  createMastodonProvider,
  type MastodonProvider,
  type RegisteredApp,
} from '../../../social/mastodon/provider.js';
import { startMastodonFake, type MastodonFake } from '../../fakes/mastodon.js';
import { rejectionOf } from '../../support/failures.js';
import { testHttpClient } from '../../support/http-client.js';

const REDIRECT = 'https://herald.example/oauth/mastodon/callback';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const NOW = new Date('2026-03-01T12:00:00.000Z');

let fake: MastodonFake;
let http: HttpClient;
let provider: MastodonProvider;

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

beforeEach(async () => {
  fake = await startMastodonFake();
  http = testHttpClient('mastodon', { timeoutMs: 5000 });
  provider = createMastodonProvider(
    { http, apiUrl: undefined, now: () => NOW },
    { website: 'https://herald.example' },
  );
});

afterEach(async () => {
  await http.close();
  await fake.close();
});

async function linkAlice(app: RegisteredApp) {
  const alice = fake.addAccount({ username: 'alice', displayName: 'Alice 🌷' });
  const code = fake.addAuthorizationCode({
    clientId: app.clientId,
    redirectUri: REDIRECT,
    accountId: String(alice.id),
    codeChallenge: CHALLENGE,
  });
  return { alice, code };
}

describe('Mastodon app registration and OAuth', () => {
  it('GIVEN an instance THEN Herald registers itself with its redirect URI and granular scopes', async () => {
    const app = await provider.registerApp(fake.url, REDIRECT);
    expect(app).toMatchObject({
      instanceUrl: fake.url,
      redirectUris: [REDIRECT],
      scopes: ['read:statuses', 'read:accounts', 'write:statuses', 'write:media'],
      registeredAt: NOW,
    });
    expect(app.clientId).toBe(fake.apps[0]?.client_id);
    expect(app.clientSecret).toBe(fake.apps[0]?.client_secret);
    const [request] = fake.requestsTo('POST', '/api/v1/apps');
    expect(request?.json()).toEqual({
      client_name: 'Herald',
      redirect_uris: [REDIRECT],
      scopes: 'read:statuses read:accounts write:statuses write:media',
      website: 'https://herald.example',
    });
  });

  it("GIVEN a redirect URI the instance rejects THEN registration is bad-request with Mastodon's reason", async () => {
    const err = await failure(provider.registerApp(fake.url, 'not a uri'));
    expect(err).toMatchObject({ kind: 'bad-request', status: 422, endpoint: 'POST /api/v1/apps' });
    expect(err.message).toContain('Redirect URI must be an absolute URI');
  });

  it('GIVEN a registered app THEN the authorize URL is on the instance with PKCE S256 and the state', async () => {
    const url = new URL(
      await provider.authUrl!({
        client: { clientId: 'client-1', clientSecret: 'secret' },
        redirectUri: REDIRECT,
        state: 'state-123',
        codeChallenge: CHALLENGE,
        instanceUrl: 'https://mastodon.social/',
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://mastodon.social/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: REDIRECT,
      scope: 'read:statuses read:accounts write:statuses write:media',
      state: 'state-123',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
    });
  });

  it('GIVEN the code and the PKCE verifier THEN the token and the profile come back; the token never expires', async () => {
    const app = await provider.registerApp(fake.url, REDIRECT);
    const { alice, code } = await linkAlice(app);
    const linked = await provider.exchangeCode!({
      client: app,
      redirectUri: REDIRECT,
      code,
      codeVerifier: VERIFIER,
      instanceUrl: fake.url,
    });
    expect(linked.profile).toEqual({
      accountId: String(alice.id),
      handle: 'alice@mastodon.example',
      displayName: 'Alice 🌷',
      avatarUrl: alice.avatar_static,
      profileUrl: 'https://mastodon.example/@alice',
      instanceUrl: fake.url,
    });
    expect(linked.credentials.refreshToken).toBeUndefined();
    expect(linked.credentials.expiresAt).toBeUndefined();
    expect(linked.credentials.scopes).toEqual([
      'read:statuses',
      'read:accounts',
      'write:statuses',
      'write:media',
    ]);
    expect(fake.isTokenValid(linked.credentials.accessToken)).toBe(true);
    const form = fake.requestsTo('POST', '/oauth/token')[0]?.form();
    expect(form?.get('grant_type')).toBe('authorization_code');
    expect(form?.get('code_verifier')).toBe(VERIFIER);
    expect(form?.get('client_secret')).toBe(app.clientSecret);
    const verify = fake.requestsTo('GET', '/api/v1/accounts/verify_credentials')[0];
    expect(verify?.headers.authorization).toBe(`Bearer ${linked.credentials.accessToken}`);
  });

  it('GIVEN a wrong PKCE verifier THEN the exchange is bad-request (invalid_grant) and no profile is read', async () => {
    const app = await provider.registerApp(fake.url, REDIRECT);
    const { code } = await linkAlice(app);
    const err = await failure(
      provider.exchangeCode!({
        client: app,
        redirectUri: REDIRECT,
        code,
        codeVerifier: 'wrong',
        instanceUrl: fake.url,
      }),
    );
    expect(err).toMatchObject({ kind: 'bad-request', status: 400, endpoint: 'POST /oauth/token' });
    expect(err.message).toContain('The provided authorization grant is invalid');
    expect(fake.requestsTo('GET', '/api/v1/accounts/verify_credentials')).toHaveLength(0);
  });

  it('GIVEN an app the instance no longer knows THEN the exchange is revoked: register and connect again', async () => {
    const app = await provider.registerApp(fake.url, REDIRECT);
    const { code } = await linkAlice(app);
    const err = await failure(
      provider.exchangeCode!({
        client: { ...app, clientSecret: 'forgotten' },
        redirectUri: REDIRECT,
        code,
        codeVerifier: VERIFIER,
        instanceUrl: fake.url,
      }),
    );
    expect(err).toMatchObject({ kind: 'revoked', status: 401 });
    expect(err.message).toContain('Client authentication failed');
  });

  it('GIVEN a linked account THEN revoke invalidates its token at the instance and later reads are revoked', async () => {
    const app = await provider.registerApp(fake.url, REDIRECT);
    const { code } = await linkAlice(app);
    const linked = await provider.exchangeCode!({
      client: app,
      redirectUri: REDIRECT,
      code,
      codeVerifier: VERIFIER,
      instanceUrl: fake.url,
    });
    const account = {
      platform: 'mastodon' as const,
      accountId: linked.profile.accountId,
      handle: linked.profile.handle,
      instanceUrl: fake.url,
      credentials: linked.credentials,
    };
    await provider.revoke!(account, app);
    expect(fake.isTokenValid(linked.credentials.accessToken)).toBe(false);
    expect(fake.requestsTo('POST', '/oauth/revoke')[0]?.form().get('token')).toBe(
      linked.credentials.accessToken,
    );
    expect(await failure(provider.fetchPosts(account, null))).toMatchObject({ kind: 'revoked', status: 401 });
  });

  it('GIVEN Mastodon THEN there is no refresh: the provider offers none', () => {
    expect(provider.refresh).toBeUndefined();
    expect(provider.auth).toBe('oauth2-pkce');
  });

  it('GIVEN no instance at all THEN every flow is refused as bad-request without a request', async () => {
    const err = await failure(
      provider.authUrl!({
        client: { clientId: 'c' },
        redirectUri: REDIRECT,
        state: 's',
        codeChallenge: CHALLENGE,
      }),
    );
    expect(err.kind).toBe('bad-request');
    expect(err.hint).toMatch(/mastodon\.social/);
    expect(fake.requests).toHaveLength(0);
  });
});
