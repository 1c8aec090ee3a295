/**
 * Linking an X account from chat through Herald's web server, against the X fake's OAuth endpoints:
 * the command's one-time link, the authorize redirect with PKCE, the callback, the stored account,
 * and every rejection. No token, code or state may reach a log line, a later URL or the database in
 * clear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRef } from '../../../bot/commands/context.js';
import { createCatalogue, runCommand } from '../../../bot/commands/index.js';
import { connectRoutes } from '../../../bot/http/connect-routes.js';
import { slackFollowUp } from '../../../core/chat-follow-up.js';
import { SECURITY_HEADERS } from '../../../bot/http/pages.js';
import { startHttpServer, type HttpServer } from '../../../bot/http/server.js';
import { createKeyring } from '../../../core/crypto.js';
import { createLink } from '../../../core/oauth-states.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../social/registry.js';
import { startXFake, X_FAKE_CLIENT, type XFake } from '../../fakes/x.js';
import { commandContext, createTenant } from '../../support/commands.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { freePort } from '../../support/herald-process.js';
import { captureLogs } from '../../support/log-capture.js';

const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
const catalogue = createCatalogue({ heartbeatSeconds: 15 });

describe('linking an X account through Herald’s web server', () => {
  let db: TestDatabase;
  let x: XFake;
  let registry: ProviderRegistry;
  let http: HttpServer;
  let publicUrl: string;
  let tenant: TenantRef;
  const logs = captureLogs();

  beforeAll(async () => {
    [db, x] = await Promise.all([createTestDatabase(), startXFake()]);
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const config = testConfig({
      HERALD_ALLOW_LOOPBACK_URLS: 'true',
      HERALD_PUBLIC_URL: publicUrl,
      HERALD_X_CLIENT_ID: X_FAKE_CLIENT.clientId,
      HERALD_X_CLIENT_SECRET: X_FAKE_CLIENT.clientSecret,
      HERALD_X_API_URL: x.url,
    });
    registry = createProviderRegistry(config, { x: { authUrl: x.url } });
    http = await startHttpServer({
      port,
      host: '127.0.0.1',
      logger: logs.logger,
      routes: connectRoutes({ pool: db.pool, keyring, registry, config, logger: logs.logger }),
    });
    tenant = await createTenant(db.pool, '7001', 'Acme');
  });
  afterAll(async () => {
    await http?.close();
    await registry?.close();
    await x?.close();
    await db?.drop();
  });

  const ctx = () => {
    const base = commandContext({ pool: db.pool, keyring, registry, config: testConfig() }, tenant);
    return {
      ...base,
      deps: { ...base.deps, linking: { publicUrl, oauthReady: () => true } },
      followUp: slackFollowUp(`${x.url}/confirmations`),
    };
  };

  /** The link the command answers with. */
  async function commandLink(): Promise<string> {
    const answer = await runCommand(catalogue, ctx(), ['social', 'connect'], { platform: 'x' });
    if (answer.kind !== 'reply') throw new Error('expected a reply');
    expect(answer.private).toBe(true);
    const link = answer.text.match(/https?:\/\/\S+/)?.[0];
    expect(link).toBeDefined();
    return link!;
  }
  const get = (url: string) => fetch(url, { redirect: 'manual' });

  it('GIVEN connect x THEN link, authorize with PKCE, callback, and the account is stored with its tokens encrypted', async () => {
    const user = x.addUser({ username: 'acmehq', name: 'Acme HQ' });
    x.consentAs(user.id);
    const link = await commandLink();
    expect(new URL(link).pathname).toBe('/connect/x/start');

    const start = await get(link);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${publicUrl}/connect/x/callback`);
    const state = authorize.searchParams.get('state')!;
    expect(state.length).toBeGreaterThanOrEqual(43);
    expect(link).not.toContain(state);

    const consent = await get(authorize.href);
    const callbackUrl = consent.headers.get('location')!;
    const code = new URL(callbackUrl).searchParams.get('code')!;
    const callback = await get(callbackUrl);
    expect(callback.status).toBe(303);
    const result = callback.headers.get('location')!;
    expect(result).not.toContain(code);
    expect(result).not.toContain(state);

    const page = await get(new URL(result, publicUrl).href);
    expect(page.status).toBe(200);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(page.headers.get(name)).toBe(value);
    expect(await page.text()).toContain('@acmehq on X is now linked to Acme&#39;s Discord');
    // The admin is also told privately in chat, where the command ran.
    expect(x.requestsTo('POST', '/confirmations').map((r) => r.json())).toEqual([
      expect.objectContaining({
        text: expect.stringContaining('@acmehq on X is linked'),
        response_type: 'ephemeral',
      }),
    ]);

    const { rows } = await db.pool.query<{
      handle: string;
      access_token_enc: string;
      refresh_token_enc: string | null;
    }>(`SELECT handle, access_token_enc, refresh_token_enc FROM social_accounts WHERE platform = 'x'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.handle).toBe('acmehq');
    const accessToken = keyring.decrypt(rows[0]!.access_token_enc);
    expect(x.state.accessTokens.has(accessToken)).toBe(true);
    // A dump of every table holds no token, code, state or link in clear.
    const dump = await db.pool.query<{ dump: string }>(
      `SELECT string_agg(t::text, E'\\n') AS dump FROM (
         SELECT row_to_json(a)::text AS t FROM social_accounts a UNION ALL
         SELECT row_to_json(o)::text FROM oauth_states o) rows`,
    );
    for (const secret of [accessToken, code, state, new URL(link).searchParams.get('link')!]) {
      expect(dump.rows[0]!.dump).not.toContain(secret);
      expect(logs.lines.join('\n')).not.toContain(secret);
    }

    // The link and the callback each work once.
    expect((await get(link)).status).toBe(410);
    const replay = await get(callbackUrl);
    const replayPage = await get(new URL(replay.headers.get('location')!, publicUrl).href);
    expect(replayPage.status).toBe(410);
    expect(await replayPage.text()).toContain('already used');
  });

  it('GIVEN the same account linked again THEN its tokens are updated, not duplicated', async () => {
    const link = await commandLink();
    const authorize = (await get(link)).headers.get('location')!;
    const callbackUrl = (await get(authorize)).headers.get('location')!;
    await get(callbackUrl);
    const { rows } = await db.pool.query(`SELECT 1 FROM social_accounts WHERE platform = 'x'`);
    expect(rows).toHaveLength(1);
  });

  it('GIVEN another server links the same X account THEN each tenant has its own account row', async () => {
    const other = await createTenant(db.pool, '7009', 'Other');
    const base = commandContext({ pool: db.pool, keyring, registry, config: testConfig() }, other);
    const answer = await runCommand(
      catalogue,
      { ...base, deps: { ...base.deps, linking: { publicUrl, oauthReady: () => true } } },
      ['social', 'connect'],
      { platform: 'x' },
    );
    const link = answer.kind === 'reply' ? answer.text.match(/https?:\/\/\S+/)![0] : '';
    const authorize = (await get(link)).headers.get('location')!;
    await get((await get(authorize)).headers.get('location')!);
    const { rows } = await db.pool.query<{ tenant_id: string }>(
      `SELECT tenant_id FROM social_accounts WHERE platform = 'x' ORDER BY created_at`,
    );
    expect(rows.map((r) => r.tenant_id)).toEqual([tenant.id, other.id]);
  });

  it('GIVEN X fails the code exchange THEN a clear error page and nothing is linked', async () => {
    const before = (await db.pool.query('SELECT count(*)::int AS n FROM social_accounts')).rows[0];
    const link = await commandLink();
    const authorize = (await get(link)).headers.get('location')!;
    const callbackUrl = (await get(authorize)).headers.get('location')!;
    x.serverError({ status: 503, path: '/2/oauth2/token', times: 1 });
    const callback = await get(callbackUrl);
    const page = await get(new URL(callback.headers.get('location')!, publicUrl).href);
    expect(page.status).toBe(502);
    expect(await page.text()).toContain('X refused the sign-in');
    expect((await db.pool.query('SELECT count(*)::int AS n FROM social_accounts')).rows[0]).toEqual(before);
  });

  it.each([
    ['an unknown link', async () => `${publicUrl}/connect/x/start?link=nonsense`, 400, 'not valid'],
    ['no link', async () => `${publicUrl}/connect/x/start`, 400, 'not valid'],
    [
      'an expired link',
      async () => {
        const eleven = new Date(Date.now() - 11 * 60_000);
        const link = await createLink(
          db.pool,
          keyring,
          { tenantId: tenant.id, userId: 'u', platform: 'x' },
          eleven,
        );
        return `${publicUrl}/connect/x/start?link=${link}`;
      },
      410,
      'expired',
    ],
    [
      'a link for another platform',
      async () => {
        const link = await createLink(db.pool, keyring, { tenantId: tenant.id, userId: 'u', platform: 'x' });
        return `${publicUrl}/connect/mastodon/start?link=${link}`;
      },
      400,
      'another platform',
    ],
  ])('GIVEN %s THEN a clear error page and nothing is linked', async (_name, url, status, words) => {
    const before = (await db.pool.query('SELECT count(*)::int AS n FROM social_accounts')).rows[0];
    const page = await get(await url());
    expect(page.status).toBe(status);
    expect(await page.text()).toContain(words);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM social_accounts')).rows[0]).toEqual(before);
  });

  it('GIVEN the admin declines on X THEN the page says so and nothing is linked', async () => {
    const link = await commandLink();
    const authorize = new URL((await get(link)).headers.get('location')!);
    const state = authorize.searchParams.get('state')!;
    const callback = await get(`${publicUrl}/connect/x/callback?error=access_denied&state=${state}`);
    const page = await get(new URL(callback.headers.get('location')!, publicUrl).href);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('did not grant access');
  });

  it('GIVEN a callback with a made-up state THEN it is refused', async () => {
    const callback = await get(`${publicUrl}/connect/x/callback?code=abc&state=made-up`);
    const page = await get(new URL(callback.headers.get('location')!, publicUrl).href);
    expect(page.status).toBe(400);
  });
});
