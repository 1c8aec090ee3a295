import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKeyring, keyIdOf, storedKeyId, type Keyring } from '../../core/crypto.js';
import { HeraldError } from '../../core/errors.js';
import { columnName, rotateSecrets } from '../../core/key-rotation.js';
import { createLogger } from '../../core/logger.js';
import { SECRET_COLUMNS } from '../../core/secret-columns.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../support/database.js';

const keyA = Buffer.alloc(32, 0x0a);
const keyB = Buffer.alloc(32, 0x0b);
const keyC = Buffer.alloc(32, 0x0c);

/** Every plaintext seeded, by `table.column`, in row order. */
const PLAINTEXTS: Record<string, string[]> = {
  'tenants.bot_token_enc': ['xoxb-tenant-one'],
  'social_accounts.access_token_enc': ['access-one', 'access-two'],
  'social_accounts.refresh_token_enc': ['refresh-one'],
  'oauth_states.pkce_verifier_enc': ['pkce-verifier-ünïcode'],
  'oauth_states.follow_up_enc': ['slack:https://hooks.slack.com/commands/T1/2/3'],
  'outbound_posts.follow_up_enc': ['discord:1:interaction-token'],
  'aggregator_credentials.api_key_enc': ['postforme-api-key'],
  'mastodon_apps.client_secret_enc': ['mastodon-client-secret'],
};

/** A stored value with one bit of its ciphertext flipped, still well-formed. */
function flipCiphertextBit(stored: string): string {
  const parts = stored.split('.');
  const ciphertext = Buffer.from(parts[4] ?? '', 'base64url');
  ciphertext[0] = (ciphertext[0] ?? 0) ^ 0x01;
  parts[4] = ciphertext.toString('base64url');
  return parts.join('.');
}

interface StoredValue {
  readonly column: string;
  readonly row: string;
  readonly value: string;
}

describe('core/key-rotation rotateSecrets', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  /** Seed one of everything holding a secret, all encrypted with `keyring`; a second tenant has no token. */
  async function seed(keyring: Keyring): Promise<void> {
    const enc = (value: string) => keyring.encrypt(value);
    await db.pool.query('TRUNCATE tenants, mastodon_apps CASCADE');
    const tenant = await db.pool.query<{ id: string }>(
      `INSERT INTO tenants (chat_platform, external_id, bot_token_enc) VALUES ('slack', 'T001', $1) RETURNING id`,
      [enc('xoxb-tenant-one')],
    );
    const tenantId = tenant.rows[0]?.id;
    await db.pool.query(
      `INSERT INTO tenants (chat_platform, external_id) VALUES ('discord', '123456789012345678')`,
    );
    await db.pool.query(
      `INSERT INTO social_accounts (id, tenant_id, platform, platform_account_id, access_token_enc, refresh_token_enc)
       VALUES ('00000000-0000-0000-0000-000000000001', $1, 'mastodon', 'acct-1', $2, $3),
              ('00000000-0000-0000-0000-000000000002', $1, 'bluesky', 'acct-2', $4, NULL),
              ('00000000-0000-0000-0000-000000000003', $1, 'rss', 'feed-1', NULL, NULL)`,
      [tenantId, enc('access-one'), enc('refresh-one'), enc('access-two')],
    );
    await db.pool.query(
      `INSERT INTO oauth_states (state_hash, tenant_id, user_id, platform, pkce_verifier_enc, follow_up_enc, expires_at)
       VALUES ($1, $2, 'U1', 'x', $3, $4, now() + interval '10 minutes')`,
      [
        createHash('sha256').update('state-1').digest(),
        tenantId,
        enc('pkce-verifier-ünïcode'),
        enc('slack:https://hooks.slack.com/commands/T1/2/3'),
      ],
    );
    await db.pool.query(
      `INSERT INTO aggregator_credentials (tenant_id, aggregator, api_key_enc) VALUES ($1, 'postforme', $2)`,
      [tenantId, enc('postforme-api-key')],
    );
    await db.pool.query(
      `INSERT INTO outbound_posts (tenant_id, created_by, content, follow_up_enc) VALUES ($1, 'U1', '[{"text":"hi"}]', $2)`,
      [tenantId, enc('discord:1:interaction-token')],
    );
    await db.pool.query(
      `INSERT INTO mastodon_apps (instance_url, client_id, client_secret_enc, redirect_uri)
       VALUES ('https://mastodon.example', 'client-1', $1, 'https://herald.example/connect/mastodon/callback')`,
      [enc('mastodon-client-secret')],
    );
  }

  /** Every non-null secret value in the database, ordered like PLAINTEXTS. */
  async function storedValues(): Promise<StoredValue[]> {
    const values: StoredValue[] = [];
    for (const column of SECRET_COLUMNS) {
      const keys = column.key.join(', ');
      const { rows } = await db.pool.query<Record<string, unknown>>(
        `SELECT ${keys}, ${column.column} AS value FROM ${column.table} WHERE ${column.column} IS NOT NULL ORDER BY ${keys}`,
      );
      for (const row of rows) {
        const rowKey = column.key.map((k) =>
          Buffer.isBuffer(row[k]) ? row[k].toString('hex') : String(row[k]),
        );
        values.push({ column: columnName(column), row: rowKey.join(','), value: String(row.value) });
      }
    }
    return values;
  }

  function plaintexts(values: readonly StoredValue[], keyring: Keyring): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const { column, value } of values) (out[column] ??= []).push(keyring.decrypt(value));
    return out;
  }

  async function tamper(table: string, column: string, change: (stored: string) => string): Promise<void> {
    const { rows } = await db.pool.query<{ value: string }>(
      `SELECT ${column} AS value FROM ${table} LIMIT 1`,
    );
    const stored = rows[0]?.value ?? '';
    await db.pool.query(`UPDATE ${table} SET ${column} = $1 WHERE ${column} = $2`, [change(stored), stored]);
  }

  beforeEach(async () => {
    await seed(createKeyring(keyA));
  });

  it('GIVEN secrets under key A WHEN rotating to key B THEN every value is re-encrypted under B and decrypts with B alone', async () => {
    const before = await storedValues();
    expect(before.every((v) => storedKeyId(v.value) === keyIdOf(keyA))).toBe(true);

    const report = await rotateSecrets(db.pool, createKeyring(keyB, [keyA]), testLogger);

    expect(report).toEqual(
      Object.fromEntries(
        Object.entries(PLAINTEXTS).map(([column, values]) => [
          column,
          { reencrypted: values.length, alreadyCurrent: 0 },
        ]),
      ),
    );
    const after = await storedValues();
    expect(after.map((v) => [v.column, v.row])).toEqual(before.map((v) => [v.column, v.row]));
    expect(after.every((v) => storedKeyId(v.value) === keyIdOf(keyB))).toBe(true);
    expect(plaintexts(after, createKeyring(keyB))).toEqual(PLAINTEXTS);
    // Rows without a secret stay without one.
    const { rows } = await db.pool.query(
      `SELECT 1 FROM tenants WHERE bot_token_enc IS NULL UNION ALL SELECT 1 FROM social_accounts WHERE refresh_token_enc IS NULL`,
    );
    expect(rows).toHaveLength(3);
  });

  it('GIVEN a completed rotation WHEN rotating again THEN re-encrypts nothing and changes no value', async () => {
    const keyring = createKeyring(keyB, [keyA]);
    await rotateSecrets(db.pool, keyring, testLogger);
    const once = await storedValues();

    const report = await rotateSecrets(db.pool, keyring, testLogger);

    for (const [column, values] of Object.entries(PLAINTEXTS)) {
      expect(report[column]).toEqual({ reencrypted: 0, alreadyCurrent: values.length });
    }
    expect(await storedValues()).toEqual(once);
  });

  it('GIVEN some values already under B THEN counts them as current and re-encrypts only the rest', async () => {
    const keyring = createKeyring(keyB, [keyA]);
    await db.pool.query(`UPDATE aggregator_credentials SET api_key_enc = $1`, [
      keyring.encrypt('postforme-api-key'),
    ]);

    const report = await rotateSecrets(db.pool, keyring, testLogger);

    expect(report['aggregator_credentials.api_key_enc']).toEqual({ reencrypted: 0, alreadyCurrent: 1 });
    expect(report['social_accounts.access_token_enc']).toEqual({ reencrypted: 2, alreadyCurrent: 0 });
    expect(plaintexts(await storedValues(), createKeyring(keyB))).toEqual(PLAINTEXTS);
  });

  it('GIVEN one tampered value THEN throws naming the column and count, and no row changes', async () => {
    await tamper('aggregator_credentials', 'api_key_enc', flipCiphertextBit);
    const before = await storedValues();
    const lines: string[] = [];
    const logger = createLogger(
      { level: 'warn', format: 'json' },
      { write: (line: string) => void lines.push(line) },
    );

    const err: unknown = await rotateSecrets(db.pool, createKeyring(keyB, [keyA]), logger).catch(
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(HeraldError);
    expect(err).toMatchObject({ code: 'secret-undecryptable' });
    const message = (err as HeraldError).message;
    expect(message).toContain('aggregator_credentials.api_key_enc');
    expect(message).toMatch(/\b1 stored secret\b/);
    for (const values of Object.values(PLAINTEXTS))
      for (const value of values) expect(message).not.toContain(value);
    expect(await storedValues()).toEqual(before);
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'warn', column: 'aggregator_credentials.api_key_enc' }),
    ]);
  });

  it('GIVEN a value sealed with a key the keyring lacks THEN throws secret-unknown-key naming that key id, and no row changes', async () => {
    const foreign = createKeyring(keyC);
    await db.pool.query(
      `UPDATE social_accounts SET refresh_token_enc = $1 WHERE refresh_token_enc IS NOT NULL`,
      [foreign.encrypt('refresh-one')],
    );
    const before = await storedValues();

    const err: unknown = await rotateSecrets(db.pool, createKeyring(keyB, [keyA]), testLogger).catch(
      (e: unknown) => e,
    );

    expect(err).toMatchObject({ code: 'secret-unknown-key' });
    expect((err as HeraldError).message).toContain('social_accounts.refresh_token_enc');
    expect((err as HeraldError).message).toContain(keyIdOf(keyC));
    expect((err as HeraldError).hint).toContain('HERALD_ENCRYPTION_PREVIOUS_KEYS');
    expect(await storedValues()).toEqual(before);
  });

  it('GIVEN a tampered value already under the current key THEN the rotation still refuses', async () => {
    const keyring = createKeyring(keyB, [keyA]);
    const current = keyring.encrypt('xoxb-tenant-one');
    await db.pool.query(`UPDATE tenants SET bot_token_enc = $1 WHERE bot_token_enc IS NOT NULL`, [
      flipCiphertextBit(current),
    ]);
    const before = await storedValues();

    await expect(rotateSecrets(db.pool, keyring, testLogger)).rejects.toMatchObject({
      code: 'secret-undecryptable',
      message: expect.stringContaining('tenants.bot_token_enc'),
    });
    expect(await storedValues()).toEqual(before);
  });
});

describe('core/secret-columns', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('GIVEN the migrated schema THEN every *_enc column is listed in SECRET_COLUMNS', async () => {
    const { rows } = await db.pool.query<{ name: string }>(
      `SELECT table_name || '.' || column_name AS name FROM information_schema.columns
       WHERE table_schema = 'public' AND column_name LIKE '%\\_enc' ORDER BY 1`,
    );
    const listed = SECRET_COLUMNS.map(columnName);
    expect(rows.length).toBeGreaterThan(0);
    for (const { name } of rows)
      expect(listed, `${name} holds a secret: add it to core/secret-columns.ts`).toContain(name);
  });

  it('GIVEN SECRET_COLUMNS THEN each entry names an existing text column and its table primary key', async () => {
    for (const column of SECRET_COLUMNS) {
      const type = await db.pool.query<{ data_type: string }>(
        `SELECT data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2`,
        [column.table, column.column],
      );
      expect(
        type.rows.map((r) => r.data_type),
        columnName(column),
      ).toEqual(['text']);
      const primaryKey = await db.pool.query<{ column_name: string }>(
        `SELECT k.column_name FROM information_schema.table_constraints c
         JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name, table_name)
         WHERE c.table_schema = 'public' AND c.table_name = $1 AND c.constraint_type = 'PRIMARY KEY'
         ORDER BY k.ordinal_position`,
        [column.table],
      );
      expect(
        primaryKey.rows.map((r) => r.column_name),
        columnName(column),
      ).toEqual([...column.key]);
    }
  });
});
