import { mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../core/db/embedded-postgres.js';
import { testLogger } from '../support/database.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function canConnect(url: string): Promise<boolean> {
  return query(url, 'SELECT 1').then(
    () => true,
    () => false,
  );
}

describe('embedded PostgreSQL', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'herald-embedded-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  async function start(dataDir: string, port?: number): Promise<EmbeddedPostgres> {
    const server = await startEmbeddedPostgres({ dataDir, port, logger: testLogger, durability: 'fast' });
    cleanups.push(() => server.stop());
    return server;
  }

  it('GIVEN an empty data folder THEN creates a cluster, serves the herald database, and stops on request', async () => {
    const dataDir = await tempDir();
    const server = await start(dataDir);
    expect(server.owned).toBe(true);
    const [row] = await query<{ db: string }>(server.url, 'SELECT current_database() AS db');
    expect(row?.db).toBe('herald');
    await server.stop();
    expect(await canConnect(server.url)).toBe(false);
  });

  it('GIVEN a stopped cluster WHEN started again on the same data THEN the data is still there', async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);
    await query(first.url, `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`);
    await first.stop();
    const second = await start(dataDir);
    expect(await query<{ v: string }>(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
  });

  it('GIVEN the server already runs for this data folder THEN a second start attaches instead of failing', async () => {
    const dataDir = await tempDir();
    const owner = await start(dataDir);
    const attached = await start(dataDir);
    expect(attached.owned).toBe(false);
    expect(attached.port).toBe(owner.port);
    await attached.stop();
    expect(await canConnect(owner.url)).toBe(true);
  });

  it('GIVEN a port that is taken THEN fails with port-in-use and how to fix it', async () => {
    const dataDir = await tempDir();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;
    await expect(startEmbeddedPostgres({ dataDir, port, logger: testLogger })).rejects.toMatchObject({
      code: 'port-in-use',
      hint: expect.stringContaining('HERALD_EMBEDDED_POSTGRES_PORT'),
    });
  });

  it('GIVEN a data folder that cannot be created THEN fails with data-dir-not-writable', async () => {
    const parent = await tempDir();
    await writeFile(join(parent, 'a-file'), 'x');
    await expect(
      startEmbeddedPostgres({ dataDir: join(parent, 'a-file', 'herald'), logger: testLogger }),
    ).rejects.toMatchObject({
      code: 'data-dir-not-writable',
      hint: expect.stringContaining('HERALD_DATA_DIR'),
    });
  });

  it.runIf(userInfo().uid === 0)(
    'GIVEN Herald runs as root and the data folder is closed to other users THEN says so',
    async () => {
      const parent = await tempDir();
      const closed = join(parent, 'closed');
      await mkdir(closed, { mode: 0o700 });
      await chmod(closed, 0o700);
      await expect(
        startEmbeddedPostgres({ dataDir: join(closed, 'herald'), logger: testLogger }),
      ).rejects.toMatchObject({
        code: 'data-dir-not-writable',
        message: expect.stringContaining('runs as root'),
      });
    },
  );

  it('GIVEN a cluster whose credentials file is damaged THEN refuses with a clear message', async () => {
    const dataDir = await tempDir();
    const server = await start(dataDir);
    await server.stop();
    await writeFile(join(dataDir, 'postgres-credentials.json'), '{not json');
    await expect(startEmbeddedPostgres({ dataDir, logger: testLogger })).rejects.toMatchObject({
      code: 'embedded-postgres-failed',
      message: expect.stringContaining('credentials'),
    });
  });
});
