import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRssFake, type RssFake } from '../fakes/rss.js';
import { TEST_KEY } from '../support/config.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { runHerald } from '../support/herald-process.js';
import { rssFeed } from '../support/pipeline.js';

describe('the command catalogue on the command line', () => {
  let db: TestDatabase;
  let rss: RssFake;
  let cwd: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    [db, rss] = await Promise.all([createTestDatabase(), startRssFake()]);
    cwd = await mkdtemp(join(tmpdir(), 'herald-cli-catalogue-'));
    await chmod(cwd, 0o755);
    env = {
      DATABASE_URL: db.url,
      HERALD_ENCRYPTION_KEY: TEST_KEY,
      HERALD_DATA_DIR: join(cwd, 'data'),
      HERALD_ALLOW_LOOPBACK_URLS: 'true',
    };
    await db.pool.query(
      `INSERT INTO tenants (chat_platform, external_id, name) VALUES ('discord', '4242', 'Acme')`,
    );
  });
  afterAll(async () => {
    await Promise.all([db.drop(), rss.close()]);
    await rm(cwd, { recursive: true, force: true });
  });

  const herald = (...args: string[]) => runHerald(args, env, cwd);

  it('GIVEN a feed URL THEN accounts connect links it, feeds add maps it, and feeds list shows it', async () => {
    const url = rss.setFeed('/cli.xml', {
      body: rssFeed([{ id: 'c1', title: 'Hello', published: new Date() }]),
    });
    const linked = await herald('accounts', 'connect', '--tenant', '4242', '--platform', 'rss', '--url', url);
    expect(linked.stderr).toBe('');
    expect(linked.stdout).toContain('Account linked');
    const { rows } = await db.pool.query<{ id: string }>(
      'SELECT id FROM social_accounts WHERE instance_url = $1',
      [url],
    );
    const accountId = rows[0]!.id;

    const added = await herald(
      'feeds',
      'add',
      '--tenant',
      '4242',
      '--account',
      accountId,
      '--channel',
      '777',
      '--hashtags',
      'launch,release',
      '--no-replies',
      '--min-engagement',
      '5',
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Feed added');
    const stored = await db.pool.query('SELECT filters FROM feeds WHERE channel_id = $1', ['777']);
    expect(stored.rows[0]).toEqual({
      filters: { hashtags: ['launch', 'release'], excludeReplies: true, minEngagement: 5 },
    });

    const listed = await herald('feeds', 'list', '--tenant', '4242');
    expect(listed.stdout).toContain('#777');
    expect(listed.stdout).toContain('no replies');
  }, 60_000);

  it('GIVEN api-keys create THEN the key is printed once, list shows its prefix only, and revoke ends it', async () => {
    const created = await herald('api-keys', 'create', '--tenant', '4242', '--name', 'ci');
    expect(created.stderr).toBe('');
    const key = /(hk_[A-Za-z0-9_-]{43})/.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    const listed = await herald('api-keys', 'list', '--tenant', '4242');
    expect(listed.stdout).toContain(key!.slice(0, 11));
    expect(listed.stdout).not.toContain(key!);
    const revoked = await herald('api-keys', 'revoke', '--tenant', '4242', '--key', key!.slice(0, 11));
    expect(revoked.stdout).toContain('revoked');
    expect((await herald('api-keys', 'list', '--tenant', '4242')).stdout).toContain('No API keys');
  });

  it('GIVEN a bad option or an unknown tenant THEN one clear message, a non-zero exit, and nothing changes', async () => {
    const before = (await db.pool.query('SELECT count(*)::int AS n FROM feeds')).rows[0];
    const negative = await herald(
      'feeds',
      'add',
      '--tenant',
      '4242',
      '--account',
      '@nobody',
      '--channel',
      '1',
      '--min-engagement',
      '-5',
    );
    expect(negative.code).toBe(1);
    expect(negative.stderr).toContain('min-engagement: must be at least 1');
    expect(negative.stdout).toBe('');
    const unknown = await herald('feeds', 'list', '--tenant', '999');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No Discord server or Slack workspace with the id 999');
    expect((await db.pool.query('SELECT count(*)::int AS n FROM feeds')).rows[0]).toEqual(before);
  }, 60_000);
});
