/**
 * Linking beyond X: Mastodon (an app registered per instance, then OAuth with PKCE), Bluesky (app
 * password through the private form, checked before anything is stored), RSS (a URL that is not a
 * feed is refused); and reconnect and disconnect with revocation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRef } from '../../../bot/commands/context.js';
import { createCatalogue, runAction, runCommand } from '../../../bot/commands/index.js';
import type { CommandResult, Reply } from '../../../bot/commands/reply.js';
import { connectRoutes } from '../../../bot/http/connect-routes.js';
import { startHttpServer, type HttpServer } from '../../../bot/http/server.js';
import { createKeyring } from '../../../core/crypto.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../social/registry.js';
import { startBlueskyFake, type BlueskyFake } from '../../fakes/bluesky.js';
import { startMastodonFake, type MastodonFake } from '../../fakes/mastodon.js';
import { startRssFake, type RssFake } from '../../fakes/rss.js';
import { startXFake, X_FAKE_CLIENT, type XFake } from '../../fakes/x.js';
import { commandContext, createTenant } from '../../support/commands.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../../support/database.js';
import { freePort } from '../../support/herald-process.js';

const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
const catalogue = createCatalogue({ heartbeatSeconds: 15 });
const asReply = (result: CommandResult): Reply => {
  if (result.kind !== 'reply') throw new Error(`expected a reply, got a ${result.kind}`);
  return result;
};
const get = (url: string) => fetch(url, { redirect: 'manual' });

describe('linking Mastodon, Bluesky and RSS; reconnect and disconnect', () => {
  let db: TestDatabase;
  let mastodon: MastodonFake;
  let bluesky: BlueskyFake;
  let rss: RssFake;
  let x: XFake;
  let registry: ProviderRegistry;
  let http: HttpServer;
  let publicUrl: string;
  let tenant: TenantRef;

  beforeAll(async () => {
    [db, mastodon, bluesky, rss, x] = await Promise.all([
      createTestDatabase(),
      startMastodonFake(),
      startBlueskyFake(),
      startRssFake(),
      startXFake(),
    ]);
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const config = testConfig({
      HERALD_ALLOW_LOOPBACK_URLS: 'true',
      HERALD_PUBLIC_URL: publicUrl,
      HERALD_BLUESKY_API_URL: bluesky.url,
      HERALD_X_CLIENT_ID: X_FAKE_CLIENT.clientId,
      HERALD_X_CLIENT_SECRET: X_FAKE_CLIENT.clientSecret,
      HERALD_X_API_URL: x.url,
    });
    registry = createProviderRegistry(config, {
      bluesky: { plcDirectoryUrl: bluesky.plcDirectoryUrl },
      x: { authUrl: x.url },
    });
    http = await startHttpServer({
      port,
      host: '127.0.0.1',
      logger: testLogger,
      routes: connectRoutes({ pool: db.pool, keyring, registry, config, logger: testLogger }),
    });
    tenant = await createTenant(db.pool, '7002', 'Acme');
  });
  afterAll(async () => {
    await http?.close();
    await registry?.close();
    await Promise.all([mastodon?.close(), bluesky?.close(), rss?.close(), x?.close()]);
    await db?.drop();
  });

  const ctx = () => {
    const base = commandContext({ pool: db.pool, keyring, registry, config: testConfig() }, tenant);
    return { ...base, deps: { ...base.deps, linking: { publicUrl, oauthReady: () => true } } };
  };
  const run = (path: string, raw: Record<string, string>) =>
    runCommand(catalogue, ctx(), path.split(' '), raw);
  const linkOf = (answer: Reply) => answer.text.match(/https?:\/\/\S+/)![0];

  /** Follows a Herald link through the platform's (faked) consent to the result page. */
  async function throughMastodon(link: string, accountId: string): Promise<Response> {
    const authorize = new URL((await get(link)).headers.get('location')!);
    const redirectUri = authorize.searchParams.get('redirect_uri')!;
    const code = mastodon.addAuthorizationCode({
      clientId: authorize.searchParams.get('client_id')!,
      redirectUri,
      accountId,
      codeChallenge: authorize.searchParams.get('code_challenge')!,
    });
    const callback = await get(`${redirectUri}?code=${code}&state=${authorize.searchParams.get('state')}`);
    return get(new URL(callback.headers.get('location')!, publicUrl).href);
  }

  it('GIVEN Mastodon THEN the instance gets one app, the account links, and a second link reuses the app', async () => {
    const account = mastodon.addAccount({ username: 'acme', displayName: 'Acme' });
    const first = asReply(await run('social connect', { platform: 'mastodon', instance: mastodon.url }));
    const page = await throughMastodon(linkOf(first), String(account.id));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('on Mastodon is now linked');
    const second = asReply(await run('social connect', { platform: 'mastodon', instance: mastodon.url }));
    expect((await throughMastodon(linkOf(second), String(account.id))).status).toBe(200);
    expect(mastodon.apps).toHaveLength(1);
    const { rows } = await db.pool.query(
      `SELECT instance_url FROM social_accounts WHERE platform = 'mastodon'`,
    );
    expect(rows).toHaveLength(1);
  });

  it('GIVEN a Mastodon server name that is not one THEN connect says which server to give', async () => {
    const answer = asReply(await run('social connect', { platform: 'mastodon', instance: 'not a server' }));
    expect(answer.tone).toBe('error');
    expect(answer.text).toContain('Which Mastodon server?');
  });

  it('GIVEN a Bluesky handle and app password THEN the session is verified and stored, never the password', async () => {
    bluesky.addAccount({ handle: 'acme.test', password: 'abcd-efgh-ijkl-mnop', displayName: 'Acme' });
    const wrong = asReply(
      await runAction(catalogue, ctx(), 'connect-bluesky', {
        handle: 'acme.test',
        password: 'nope-nope-nope-nope',
      }),
    );
    expect(wrong.tone).toBe('error');
    expect((await db.pool.query(`SELECT 1 FROM social_accounts WHERE platform = 'bluesky'`)).rowCount).toBe(
      0,
    );

    const right = asReply(
      await runAction(catalogue, ctx(), 'connect-bluesky', {
        handle: '@acme.test',
        password: 'abcd-efgh-ijkl-mnop',
      }),
    );
    expect(right.title).toBe('Account linked');
    const dump = await db.pool.query<{ t: string }>(
      `SELECT row_to_json(a)::text AS t FROM social_accounts a WHERE platform = 'bluesky'`,
    );
    expect(dump.rows[0]!.t).not.toContain('abcd-efgh-ijkl-mnop');
  });

  it('GIVEN a URL that is not a feed THEN connect says so and links nothing', async () => {
    const url = rss.setPage('/page.html', '<html><body>Just a page</body></html>');
    const answer = asReply(await run('social connect', { platform: 'rss', url }));
    expect(answer.tone).toBe('error');
    expect((await db.pool.query(`SELECT 1 FROM social_accounts WHERE platform = 'rss'`)).rowCount).toBe(0);
  });

  it('GIVEN an X account that needs reconnecting THEN reconnect signs in again and it is active; disconnect revokes the token', async () => {
    const user = x.addUser({ username: 'acmex', name: 'Acme X' });
    x.consentAs(user.id);
    const follow = async (link: string) => {
      const authorize = (await get(link)).headers.get('location')!;
      const callback = (await get(authorize)).headers.get('location')!;
      await get(callback);
    };
    await follow(linkOf(asReply(await run('social connect', { platform: 'x' }))));
    const { rows } = await db.pool.query<{ id: string }>(
      `SELECT id FROM social_accounts WHERE platform = 'x'`,
    );
    const accountId = rows[0]!.id;
    await db.pool.query(
      `UPDATE social_accounts SET status = 'needs_reconnect', status_reason = 'revoked' WHERE id = $1`,
      [accountId],
    );

    await follow(linkOf(asReply(await run('social reconnect', { account: accountId }))));
    const after = await db.pool.query<{ status: string; access_token_enc: string }>(
      'SELECT status, access_token_enc FROM social_accounts WHERE id = $1',
      [accountId],
    );
    expect(after.rows[0]!.status).toBe('active');
    const token = keyring.decrypt(after.rows[0]!.access_token_enc);
    expect(x.state.accessTokens.has(token)).toBe(true);

    const ask = asReply(await run('social disconnect', { account: accountId }));
    const done = asReply(await runAction(catalogue, ctx(), ask.buttons![0]!.actionId));
    expect(done.text).toContain('Its access at X was revoked.');
    expect(x.state.accessTokens.has(token)).toBe(false);
    expect((await db.pool.query('SELECT 1 FROM social_accounts WHERE id = $1', [accountId])).rowCount).toBe(
      0,
    );
  });
});
