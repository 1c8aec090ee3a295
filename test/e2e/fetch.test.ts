import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../core/crypto.js';
import { socialPostSchema } from '../../core/social-post.js';
import { startBlueskyFake, type BlueskyFake } from '../fakes/bluesky.js';
import { startRssFake, type RssFake } from '../fakes/rss.js';
import { startXFake, type XFake } from '../fakes/x.js';
import { TEST_KEY } from '../support/config.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { runHerald } from '../support/herald-process.js';

describe('herald fetch', () => {
  let db: TestDatabase;
  let cwd: string;
  let rss: RssFake;
  let x: XFake;
  let bluesky: BlueskyFake;
  let env: Record<string, string>;

  beforeAll(async () => {
    [db, rss, x, bluesky] = await Promise.all([
      createTestDatabase(),
      startRssFake(),
      startXFake(),
      startBlueskyFake(),
    ]);
    cwd = await mkdtemp(join(tmpdir(), 'herald-fetch-'));
    await chmod(cwd, 0o755);
    env = {
      DATABASE_URL: db.url,
      HERALD_ENCRYPTION_KEY: TEST_KEY,
      HERALD_DATA_DIR: join(cwd, 'data'),
      HERALD_ALLOW_LOOPBACK_URLS: 'true',
      HERALD_BLUESKY_API_URL: bluesky.url,
    };
  });
  afterAll(async () => {
    await Promise.all([db.drop(), rss.close(), x.close(), bluesky.close()]);
    await rm(cwd, { recursive: true, force: true });
  });

  it('GIVEN a YouTube channel feed THEN prints one normalized post per line with --json and the next cursor on stderr', async () => {
    const url = rss.setYoutubeChannel({
      id: 'UCfetch0000000000000000',
      title: 'Fetch Channel',
      videos: [
        { id: 'vidfetch001', title: 'First', published: '2026-11-01T10:00:00+00:00', views: 10 },
        { id: 'vidfetch002', title: 'Second', published: '2026-11-02T10:00:00+00:00' },
      ],
    });
    const run = await runHerald(['fetch', 'rss', url, '--json'], env, cwd);
    expect(run.stderr).toMatch(/^next cursor: \{/m);
    expect(run.code).toBe(0);
    const posts = run.stdout
      .trim()
      .split('\n')
      .map((line) => socialPostSchema.parse(JSON.parse(line)));
    expect(posts.map((p) => [p.platform, p.text.split('\n')[0]])).toEqual([
      ['youtube', 'First'],
      ['youtube', 'Second'],
    ]);
    expect(posts[0]?.metrics.views).toBe(10);
    expect(posts[1]?.metrics.views).toBeUndefined();

    const cursor = /^next cursor: (.*)$/m.exec(run.stderr)?.[1] ?? 'null';
    const again = await runHerald(['fetch', 'rss', url, '--since', cursor], env, cwd);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^(Not modified since the cursor|0 post\(s\))/);
  });

  it('GIVEN an X user and a token THEN reads that timeline through --api-url', async () => {
    const user = x.addUser({ username: 'fetchbot', name: 'Fetch Bot' });
    x.addTweets(user.id, 3, 'hello from fetch');
    const { accessToken } = x.issueTokens(user.id);
    const run = await runHerald(
      ['fetch', 'x', user.id, '--token', accessToken, '--api-url', x.url],
      env,
      cwd,
    );
    expect(run.stderr).not.toMatch(/herald:/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^3 post\(s\):/);
    expect(run.stdout.match(/hello from fetch/g)).toHaveLength(3);
  });

  it('GIVEN an expired token THEN says what kind of failure it is and exits non-zero', async () => {
    const user = x.addUser({ username: 'expiredbot', name: 'Expired' });
    const { accessToken } = x.issueTokens(user.id);
    x.expireToken(accessToken);
    const run = await runHerald(
      ['fetch', 'x', user.id, '--token', accessToken, '--api-url', x.url],
      env,
      cwd,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^herald: x: GET \/2\/users\/:id\/tweets: .*\(the access token expired: refresh it or reconnect the account\)/,
    );
    expect(run.stderr).not.toContain(accessToken);
  });

  it('GIVEN a linked Bluesky account THEN fetches with its stored, encrypted credentials', async () => {
    const ref = bluesky.signedIn({ handle: 'linked.test' });
    bluesky.addPost(ref.accountId, { text: 'Posted from a linked account' });
    const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
    const tenant = await db.pool.query<{ id: string }>(
      `INSERT INTO tenants (chat_platform, external_id) VALUES ('discord', 'G-fetch') RETURNING id`,
    );
    await db.pool.query(
      `INSERT INTO social_accounts (tenant_id, platform, platform_account_id, handle, instance_url, access_token_enc, refresh_token_enc)
       VALUES ($1, 'bluesky', $2, 'linked.test', $3, $4, $5)`,
      [
        tenant.rows[0]!.id,
        ref.accountId,
        ref.instanceUrl,
        keyring.encrypt(ref.credentials!.accessToken),
        keyring.encrypt(ref.credentials!.refreshToken ?? 'none'),
      ],
    );
    const run = await runHerald(['fetch', 'bluesky', '@linked.test'], env, cwd);
    expect(run.stderr).not.toMatch(/herald:/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Posted from a linked account');
  });

  it.each([
    [['fetch', 'myspace', 'someone'], /"myspace" is not a platform Herald knows/],
    [
      ['fetch', 'instagram', 'someone'],
      /cannot read instagram yet.*Supported today: x, bluesky, mastodon, rss/,
    ],
    [['fetch', 'rss', 'https://example.com/feed', '--since', 'yesterday'], /--since must be a cursor/],
    [['fetch', 'bluesky', 'nobody.test'], /No linked bluesky account matches "nobody.test"/],
  ])('GIVEN %j THEN one clear line and a non-zero exit', async (args, message) => {
    const run = await runHerald(args, env, cwd);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
  });
});
