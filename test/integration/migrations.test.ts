import { cp, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrate, migrationStatus } from '../../core/db/migrate.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../support/database.js';

describe('migrations', () => {
  let db: TestDatabase;
  let dir: string;

  beforeEach(async () => {
    db = await createTestDatabase({ empty: true });
    dir = await mkdtemp(join(tmpdir(), 'herald-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
  });
  afterEach(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('GIVEN an empty database THEN applies every file in order and records each with its checksum', async () => {
    const applied = await migrate(db.pool, testLogger, dir);
    expect(applied).toContain('001_data_model.sql');
    const { rows } = await db.pool.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM herald_migrations ORDER BY id',
    );
    expect(rows.map((r) => r.name)).toEqual(applied);
    expect(rows[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
    const tables = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'tenants',
        'social_accounts',
        'feeds',
        'social_posts',
        'deliveries',
        'import_logs',
        'outbound_posts',
        'outbound_targets',
        'oauth_states',
        'aggregator_credentials',
        'worker_heartbeats',
      ]),
    );
  });

  it('GIVEN a migrated database WHEN migrating again THEN applies nothing and reports nothing pending', async () => {
    await migrate(db.pool, testLogger, dir);
    expect(await migrate(db.pool, testLogger, dir)).toEqual([]);
    const status = await migrationStatus(db.pool, dir);
    expect(status.pending).toEqual([]);
    expect(status.changed).toEqual([]);
  });

  it('GIVEN an applied migration whose file changed THEN refuses to run and names the file', async () => {
    await migrate(db.pool, testLogger, dir);
    await appendFile(join(dir, '001_data_model.sql'), '\n-- edited after landing\n');
    await expect(migrate(db.pool, testLogger, dir)).rejects.toMatchObject({
      code: 'migration-checksum-mismatch',
      message: expect.stringContaining('001_data_model.sql'),
    });
    expect((await migrationStatus(db.pool, dir)).changed).toEqual(['001_data_model.sql']);
  });

  it('GIVEN a migration that fails halfway THEN rolls all of it back and records nothing', async () => {
    await migrate(db.pool, testLogger, dir);
    await writeFile(
      join(dir, '900_broken.sql'),
      'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n',
    );
    await expect(migrate(db.pool, testLogger, dir)).rejects.toMatchObject({ code: 'migration-failed' });
    const table = await db.pool.query(`SELECT to_regclass('half_done') AS t`);
    expect(table.rows[0].t).toBeNull();
    const ledger = await db.pool.query('SELECT 1 FROM herald_migrations WHERE id = 900');
    expect(ledger.rowCount).toBe(0);
  });

  it('GIVEN a database migrated by a newer Herald THEN refuses to run', async () => {
    await migrate(db.pool, testLogger, dir);
    await db.pool.query(
      `INSERT INTO herald_migrations (id, name, checksum) VALUES (999, '999_future.sql', 'x')`,
    );
    await expect(migrate(db.pool, testLogger, dir)).rejects.toMatchObject({ code: 'migration-unknown' });
  });

  it('GIVEN two processes migrating at once THEN each migration is applied exactly once', async () => {
    const results = await Promise.all([migrate(db.pool, testLogger, dir), migrate(db.pool, testLogger, dir)]);
    expect(results.flat().filter((name) => name === '001_data_model.sql')).toHaveLength(1);
  });

  it('GIVEN a badly named file THEN says how to name it', async () => {
    await writeFile(join(dir, 'add-things.sql'), 'SELECT 1;');
    await expect(migrate(db.pool, testLogger, dir)).rejects.toMatchObject({
      code: 'migration-failed',
      hint: expect.stringContaining('NNN'),
    });
  });
});

describe('data model rules', () => {
  let db: TestDatabase;
  afterAll(async () => db?.drop());

  async function fixture() {
    db ??= await createTestDatabase();
    const tenant = await db.pool.query<{ id: string }>(
      `INSERT INTO tenants (chat_platform, external_id) VALUES ('discord', $1) RETURNING id`,
      [String(Math.random())],
    );
    const tenantId = tenant.rows[0]!.id;
    const account = await db.pool.query<{ id: string }>(
      `INSERT INTO social_accounts (tenant_id, platform, platform_account_id) VALUES ($1, 'bluesky', 'did:plc:abc') RETURNING id`,
      [tenantId],
    );
    return { tenantId, accountId: account.rows[0]!.id };
  }

  it('GIVEN a post already stored for an account THEN the same platform id cannot be stored twice', async () => {
    const { accountId } = await fixture();
    const insert = () =>
      db.pool.query(
        `INSERT INTO social_posts (account_id, platform_post_id, kind, permalink, published_at, post) VALUES ($1, 'p1', 'post', 'https://x', now(), '{}')`,
        [accountId],
      );
    await insert();
    await expect(insert()).rejects.toMatchObject({ code: '23505' });
  });

  it('GIVEN a delivery of a post to a feed THEN a second delivery of it to that feed is refused', async () => {
    const { tenantId, accountId } = await fixture();
    const feed = await db.pool.query<{ id: string }>(
      `INSERT INTO feeds (tenant_id, account_id, channel_id) VALUES ($1, $2, 'c1') RETURNING id`,
      [tenantId, accountId],
    );
    const post = await db.pool.query<{ id: string }>(
      `INSERT INTO social_posts (account_id, platform_post_id, kind, permalink, published_at, post) VALUES ($1, 'p2', 'post', 'https://x', now(), '{}') RETURNING id`,
      [accountId],
    );
    const deliver = () =>
      db.pool.query(
        `INSERT INTO deliveries (feed_id, post_id, nonce, published_at) VALUES ($1, $2, 'n', now())`,
        [feed.rows[0]!.id, post.rows[0]!.id],
      );
    await deliver();
    await expect(deliver()).rejects.toMatchObject({ code: '23505' });
  });

  it('GIVEN an account of another tenant THEN a feed cannot map it', async () => {
    const mine = await fixture();
    const theirs = await fixture();
    await expect(
      db.pool.query(`INSERT INTO feeds (tenant_id, account_id, channel_id) VALUES ($1, $2, 'c1')`, [
        mine.tenantId,
        theirs.accountId,
      ]),
    ).rejects.toMatchObject({ code: '23503' });
  });

  it('GIVEN an unknown status THEN the database refuses it', async () => {
    const { accountId } = await fixture();
    await expect(
      db.pool.query(`UPDATE social_accounts SET status = 'weird' WHERE id = $1`, [accountId]),
    ).rejects.toMatchObject({
      code: '23514',
    });
  });

  it('GIVEN an account is unlinked THEN its feeds, posts and deliveries go with it but published history stays', async () => {
    const { tenantId, accountId } = await fixture();
    await db.pool.query(`INSERT INTO feeds (tenant_id, account_id, channel_id) VALUES ($1, $2, 'c9')`, [
      tenantId,
      accountId,
    ]);
    const outbound = await db.pool.query<{ id: string }>(
      `INSERT INTO outbound_posts (tenant_id, created_by, content) VALUES ($1, 'u1', '[{"text":"hi"}]') RETURNING id`,
      [tenantId],
    );
    await db.pool.query(
      `INSERT INTO outbound_targets (outbound_post_id, account_id, platform, status, published_at) VALUES ($1, $2, 'bluesky', 'published', now())`,
      [outbound.rows[0]!.id, accountId],
    );
    await db.pool.query('DELETE FROM social_accounts WHERE id = $1', [accountId]);
    expect((await db.pool.query('SELECT 1 FROM feeds WHERE account_id = $1', [accountId])).rowCount).toBe(0);
    const history = await db.pool.query<{ account_id: string | null }>(
      'SELECT account_id FROM outbound_targets WHERE outbound_post_id = $1',
      [outbound.rows[0]!.id],
    );
    expect(history.rows).toEqual([{ account_id: null }]);
  });
});
