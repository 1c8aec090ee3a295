/**
 * Herald's schema migrations: numbered SQL files in `migrations/`, applied in order, each once, each
 * in its own transaction, each recorded with a checksum. A recorded migration whose file changed
 * stops the start: migrations are never edited once landed.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeraldError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Pool, PoolClient } from './pool.js';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

/** Serialises migrations between processes starting at once. An arbitrary constant: "herald". */
const MIGRATION_LOCK = 0x6865_7261;

export interface MigrationFile {
  readonly id: number;
  readonly name: string;
  readonly checksum: string;
  readonly sql: string;
}

export interface MigrationStatus {
  readonly applied: readonly number[];
  readonly pending: readonly MigrationFile[];
  /** Recorded migrations whose file no longer matches its checksum. */
  readonly changed: readonly string[];
  /** Recorded migrations with no file here (applied by a newer Herald). */
  readonly unknown: readonly number[];
}

const FILE_PATTERN = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: MigrationFile[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match) {
      throw new HeraldError('migration-failed', `Migration file ${file} is not named NNN_name.sql.`, {
        hint: 'Name it NNN_name.sql with the next free number, e.g. 002_add_something.sql.',
      });
    }
    const sql = await readFile(join(dir, file), 'utf8');
    migrations.push({
      id: Number(match[1]),
      name: file,
      checksum: createHash('sha256').update(sql).digest('hex'),
      sql,
    });
  }
  migrations.sort((a, b) => a.id - b.id);
  migrations.forEach((migration, index) => {
    if (index > 0 && migrations[index - 1]?.id === migration.id) {
      throw new HeraldError('migration-failed', `Two migration files share the number ${migration.id}.`, {
        hint: 'Give each migration file its own number.',
      });
    }
  });
  return migrations;
}

async function ensureLedger(client: Pick<PoolClient, 'query'>): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS herald_migrations (
      id          integer PRIMARY KEY,
      name        text NOT NULL,
      checksum    text NOT NULL,
      applied_at  timestamptz NOT NULL DEFAULT now()
    )`);
}

async function compare(
  client: Pick<PoolClient, 'query'>,
  files: readonly MigrationFile[],
): Promise<MigrationStatus> {
  const exists = await client.query<{ found: string | null }>(
    `SELECT to_regclass('herald_migrations')::text AS found`,
  );
  const recorded = exists.rows[0]?.found
    ? (
        await client.query<{ id: number; name: string; checksum: string }>(
          'SELECT id, name, checksum FROM herald_migrations ORDER BY id',
        )
      ).rows
    : [];
  const byId = new Map(files.map((file) => [file.id, file]));
  const recordedIds = new Set(recorded.map((row) => row.id));
  return {
    applied: recorded.map((row) => row.id),
    pending: files.filter((file) => !recordedIds.has(file.id)),
    changed: recorded
      .filter((row) => byId.has(row.id) && byId.get(row.id)?.checksum !== row.checksum)
      .map((row) => row.name),
    unknown: recorded.filter((row) => !byId.has(row.id)).map((row) => row.id),
  };
}

/** Where the database stands against the migration files, without changing anything. */
export async function migrationStatus(pool: Pool, dir: string = MIGRATIONS_DIR): Promise<MigrationStatus> {
  return compare(pool, await readMigrations(dir));
}

function refuseDrift(status: MigrationStatus): void {
  if (status.changed.length > 0) {
    throw new HeraldError(
      'migration-checksum-mismatch',
      `Migration file(s) changed after they were applied: ${status.changed.join(', ')}.`,
      {
        hint: 'Restore the original file(s) from git and put the change in a new, higher-numbered migration.',
      },
    );
  }
  if (status.unknown.length > 0) {
    throw new HeraldError(
      'migration-unknown',
      `The database has migration(s) ${status.unknown.join(', ')} that this version of Herald does not know.`,
      {
        hint: 'Run the newer Herald version that migrated this database, or restore a backup made before it.',
      },
    );
  }
}

/** Apply every pending migration in order; returns the names applied. */
export async function migrate(pool: Pool, logger: Logger, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const files = await readMigrations(dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await ensureLedger(client);
    const status = await compare(client, files);
    refuseDrift(status);
    const applied: string[] = [];
    for (const migration of status.pending) {
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query('INSERT INTO herald_migrations (id, name, checksum) VALUES ($1, $2, $3)', [
          migration.id,
          migration.name,
          migration.checksum,
        ]);
        await client.query('COMMIT');
      } catch (cause) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new HeraldError(
          'migration-failed',
          `Migration ${migration.name} failed and was rolled back: ${(cause as Error).message}`,
          {
            cause,
            hint: 'Nothing of this migration was applied; fix the cause above and start again.',
          },
        );
      }
      logger.info({ migration: migration.name }, 'migration applied');
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
