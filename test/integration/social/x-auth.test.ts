import { createHash, randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import type { HttpClient } from '../../../social/http.js';
import type { AccountRef, OAuthClient, SocialProvider } from '../../../social/provider.js';
import { createXProvider } from '../../../social/x/provider.js';
import { startXFake, X_FAKE_CLIENT, type XFake } from '../../fakes/x.js';
import { rejectionOf } from '../../support/failures.js';
import { testHttpClient } from '../../support/http-client.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const REDIRECT = 'https://herald.example/oauth/x/callback';

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('X provider: OAuth 2.0 with PKCE', () => {
  let fake: XFake;
  let http: HttpClient;
  let x: SocialProvider;
  let userId: string;
  let oauthClient: OAuthClient;

  const start = async (client: OAuthClient, fakeSecret?: string | null) => {
    oauthClient = client;
    fake = await startXFake({ clientSecret: fakeSecret });
    http = testHttpClient('x', { timeoutMs: 2_000 });
    x = createXProvider({ http, apiUrl: fake.url, client, now: () => NOW }, { authUrl: fake.url });
    userId = fake.addUser({
      username: 'heraldbot',
      name: 'Herald Bot',
      profile_image_url: 'https://pbs.twimg.com/profile_images/1/bot_normal.jpg',
    }).id;
    fake.consentAs(userId);
  };

  /** What the browser does: open the authorize URL, follow X's redirect back, read the code. */
  async function approve(url: string): Promise<URL> {
    const answer = await request(url);
    await answer.body.dump();
    expect(answer.statusCode).toBe(302);
    return new URL(String(answer.headers.location));
  }

  async function link() {
    const { verifier, challenge } = pkce();
    const url = await x.authUrl!({
      client: oauthClient,
      redirectUri: REDIRECT,
      state: 'st-1',
      codeChallenge: challenge,
    });
    const code = (await approve(url)).searchParams.get('code') ?? '';
    return x.exchangeCode!({ client: oauthClient, redirectUri: REDIRECT, code, codeVerifier: verifier });
  }

  const accountOf = (credentials: AccountRef['credentials']): AccountRef => ({
    platform: 'x',
    accountId: userId,
    handle: 'heraldbot',
    credentials,
  });

  afterEach(async () => {
    await http.close();
    await fake.close();
  });

  describe('as a confidential client', () => {
    beforeEach(() => start(X_FAKE_CLIENT));

    it('GIVEN an auth request THEN the authorize URL asks for S256, offline.access and every needed scope', async () => {
      const url = new URL(
        await x.authUrl!({
          client: X_FAKE_CLIENT,
          redirectUri: REDIRECT,
          state: 'abc',
          codeChallenge: 'challenge',
        }),
      );
      expect(`${url.origin}${url.pathname}`).toBe(`${fake.url}/i/oauth2/authorize`);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        response_type: 'code',
        client_id: X_FAKE_CLIENT.clientId,
        redirect_uri: REDIRECT,
        scope: 'tweet.read tweet.write users.read media.write offline.access',
        state: 'abc',
        code_challenge: 'challenge',
        code_challenge_method: 'S256',
      });
      expect(url.search).toContain('scope=tweet.read%20tweet.write');
    });

    it('GIVEN the user approves THEN the code becomes a token pair and the profile, with Basic client auth', async () => {
      const linked = await link();
      expect(linked.profile).toEqual({
        accountId: userId,
        handle: 'heraldbot',
        displayName: 'Herald Bot',
        avatarUrl: 'https://pbs.twimg.com/profile_images/1/bot_normal.jpg',
        profileUrl: 'https://x.com/heraldbot',
      });
      expect(linked.credentials.refreshToken).toBeDefined();
      expect(linked.credentials.expiresAt).toEqual(new Date(NOW.getTime() + 7_200_000));
      expect(linked.credentials.scopes).toContain('offline.access');
      const [token] = fake.requestsTo('POST', '/2/oauth2/token');
      expect(token?.headers.authorization).toBe(
        `Basic ${Buffer.from(`${X_FAKE_CLIENT.clientId}:${X_FAKE_CLIENT.clientSecret}`).toString('base64')}`,
      );
      expect(token?.form().get('client_id')).toBeNull();
      expect(token?.form().get('grant_type')).toBe('authorization_code');
    });

    it('GIVEN a code verifier that does not match the challenge THEN bad-request telling to link again', async () => {
      const { challenge } = pkce();
      const url = await x.authUrl!({
        client: X_FAKE_CLIENT,
        redirectUri: REDIRECT,
        state: 's',
        codeChallenge: challenge,
      });
      const code = (await approve(url)).searchParams.get('code') ?? '';
      const err = await failure(
        x.exchangeCode!({ client: X_FAKE_CLIENT, redirectUri: REDIRECT, code, codeVerifier: 'wrong' }),
      );
      expect(err).toMatchObject({ kind: 'bad-request', status: 400 });
      expect(err.hint).toMatch(/start linking again/);
    });

    it('GIVEN a refresh THEN a new pair comes back and the old refresh token is dead afterwards', async () => {
      const linked = await link();
      const account = accountOf(linked.credentials);
      const renewed = await x.refresh!(account);
      expect(renewed.accessToken).not.toBe(linked.credentials.accessToken);
      expect(renewed.refreshToken).toBeDefined();
      expect(renewed.refreshToken).not.toBe(linked.credentials.refreshToken);
      const reused = await failure(x.refresh!(account));
      expect(reused.kind).toBe('revoked');
      expect(reused.message).toContain('Value passed for the token was invalid.');
      expect((await x.fetchPosts(accountOf(renewed), null)).posts).toEqual([]);
    });

    it('GIVEN two refreshes of one account at once THEN one token request is made and both get the same pair', async () => {
      const linked = await link();
      const account = accountOf(linked.credentials);
      const [a, b] = await Promise.all([x.refresh!(account), x.refresh!(account)]);
      expect(a).toEqual(b);
      expect(
        fake
          .requestsTo('POST', '/2/oauth2/token')
          .filter((r) => r.form().get('grant_type') === 'refresh_token'),
      ).toHaveLength(1);
    });

    it('GIVEN an expired access token THEN the caller refreshes and the read succeeds with the new token', async () => {
      const linked = await link();
      fake.addTweet({ authorId: userId, text: 'hello' });
      fake.expireToken(linked.credentials.accessToken);
      const account = accountOf(linked.credentials);
      expect((await failure(x.fetchPosts(account, null))).kind).toBe('refresh-token');
      const renewed = await x.refresh!(account);
      expect((await x.fetchPosts(accountOf(renewed), null)).posts.map((p) => p.text)).toEqual(['hello']);
    });

    it('GIVEN an account without a refresh token THEN revoked, without calling X', async () => {
      const err = await failure(x.refresh!(accountOf({ accessToken: 'at' })));
      expect(err.kind).toBe('revoked');
      expect(fake.requests).toHaveLength(0);
    });

    it('GIVEN a wrong client secret THEN bad-request about the client, never refresh-token', async () => {
      const linked = await link();
      const err = await failure(
        x.refresh!(accountOf(linked.credentials), { clientId: X_FAKE_CLIENT.clientId, clientSecret: 'nope' }),
      );
      expect(err).toMatchObject({ kind: 'bad-request', status: 401 });
      expect(err.hint).toMatch(/HERALD_X_CLIENT_SECRET/);
    });

    it('GIVEN revoke THEN both tokens stop working', async () => {
      const linked = await link();
      const account = accountOf(linked.credentials);
      await x.revoke!(account);
      const revokes = fake.requestsTo('POST', '/2/oauth2/revoke').map((r) => r.form().get('token_type_hint'));
      expect(revokes).toEqual(['access_token', 'refresh_token']);
      expect((await failure(x.fetchPosts(account, null))).kind).toBe('refresh-token');
      expect((await failure(x.refresh!(account))).kind).toBe('revoked');
    });
  });

  describe('revoking with a dead access token', () => {
    beforeEach(() => start(X_FAKE_CLIENT));

    it('GIVEN the access-token revoke fails THEN the refresh token is still revoked and the failure reported', async () => {
      const linked = await link();
      const account = accountOf(linked.credentials);
      fake.serverError({ path: '/2/oauth2/revoke' });
      const err = await failure(x.revoke!(account));
      expect(err.kind).toBe('retry-later');
      expect(fake.requestsTo('POST', '/2/oauth2/revoke')).toHaveLength(2);
      expect((await failure(x.refresh!(account))).kind).toBe('revoked');
    });
  });

  describe('as a public client', () => {
    beforeEach(() => start({ clientId: X_FAKE_CLIENT.clientId }, null));

    it('GIVEN no client secret THEN client_id goes in the form and no Authorization header is sent', async () => {
      const linked = await link();
      await x.refresh!(accountOf(linked.credentials));
      const tokens = fake.requestsTo('POST', '/2/oauth2/token');
      expect(tokens).toHaveLength(2);
      for (const token of tokens) {
        expect(token.headers.authorization).toBeUndefined();
        expect(token.form().get('client_id')).toBe(X_FAKE_CLIENT.clientId);
      }
    });
  });

  describe('without a configured client', () => {
    it('GIVEN no OAuth client THEN refresh is a bad-request with a hint to configure one, without calling X', async () => {
      await start(X_FAKE_CLIENT);
      const bare = createXProvider({ http, apiUrl: fake.url }, { authUrl: fake.url });
      const err = await failure(bare.refresh!(accountOf({ accessToken: 'a', refreshToken: 'r' })));
      expect(err.kind).toBe('bad-request');
      expect(err.hint).toMatch(/HERALD_X_CLIENT_ID/);
      expect(fake.requests).toHaveLength(0);
    });
  });
});
