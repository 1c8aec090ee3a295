/**
 * A database of its own for one test file, cloned from the migrated template (global-setup.ts).
 * Usage: `const db = await createTestDatabase()` in beforeAll, `await db.drop()` in afterAll.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createPool, type Pool } from '../../core/db/pool.js';
import { createLogger } from '../../core/logger.js';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly pool: Pool;
  drop(): Promise<void>;
}

export const testLogger = createLogger({ level: 'silent', format: 'json' });

export function adminUrl(): string {
  return inject('pgAdminUrl');
}

export function databaseUrl(database: string): string {
  const parsed = new URL(adminUrl());
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new database: a clone of the migrated template, or an empty one with `{ empty: true }`. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const template = inject('pgTemplate');
  const name = `${template}_f${randomBytes(5).toString('hex')}`;
  await admin((client) =>
    client.query(options.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${template}`),
  );
  const url = databaseUrl(name);
  const pool = createPool(url, testLogger, { max: 5 });
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
