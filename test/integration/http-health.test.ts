import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { healthRoutes } from '../../bot/http/health-routes.js';
import { startHttpServer, type HttpServer } from '../../bot/http/server.js';
import { checkHealth } from '../../core/health.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../support/database.js';

const HEARTBEAT_SECONDS = 10;

describe('/healthz and /metrics', () => {
  let db: TestDatabase;
  let http: HttpServer;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    http = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      logger: testLogger,
      routes: healthRoutes(db.pool, testLogger, { heartbeatSeconds: HEARTBEAT_SECONDS }),
    });
    base = `http://127.0.0.1:${http.port}`;
  });
  afterAll(async () => {
    await http.close();
    await db.drop();
  });
  beforeEach(async () => {
    await db.pool.query('DELETE FROM worker_heartbeats');
  });

  async function beat(secondsAgo: number) {
    await db.pool.query(
      `INSERT INTO worker_heartbeats (worker_id, hostname, pid, started_at, beat_at)
       VALUES ('w1', 'host', 1, now() - interval '1 hour', now() - make_interval(secs => $1))`,
      [secondsAgo],
    );
  }

  it('GIVEN a worker that beat just now THEN healthz is 200 with every check ok', async () => {
    await beat(1);
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe('ok');
    expect(Object.values(body.checks).every((check) => check.ok)).toBe(true);
  });

  it('GIVEN the only worker stopped beating THEN healthz is 503 and says the worker is dead', async () => {
    await beat(HEARTBEAT_SECONDS * 3 + 5);
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as {
      status: string;
      checks: { worker: { ok: boolean; detail: string }; database: { ok: boolean } };
    };
    expect(body.status).toBe('unhealthy');
    expect(body.checks.database.ok).toBe(true);
    expect(body.checks.worker).toMatchObject({ ok: false, detail: expect.stringContaining('dead') });
  });

  it('GIVEN no worker ever ran THEN healthz is 503 and says how to start one', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: { worker: { detail: string } } };
    expect(body.checks.worker.detail).toContain('--role worker');
  });

  it('GIVEN a scrape THEN /metrics answers Prometheus text with the heartbeat age', async () => {
    await beat(4);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const age = Number(/^herald_worker_heartbeat_age_seconds (\S+)$/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(4);
    expect(age).toBeLessThan(60);
    expect(text).toContain('herald_process_');
  });

  it('GIVEN an unknown path or method THEN answers 404 or 405 as JSON', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('GIVEN the port is taken THEN a second server fails with port-in-use and a hint', async () => {
    await expect(
      startHttpServer({ port: http.port, host: '127.0.0.1', logger: testLogger, routes: [] }),
    ).rejects.toMatchObject({
      code: 'port-in-use',
      hint: expect.stringContaining('PORT'),
    });
  });

  it('GIVEN a migration file not yet applied THEN health is not ok and names the pending count', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-health-'));
    await writeFile(join(dir, '001_data_model.sql'), '');
    await writeFile(join(dir, '002_next.sql'), 'SELECT 1;');
    await beat(1);
    try {
      const report = await checkHealth(db.pool, { heartbeatSeconds: HEARTBEAT_SECONDS, migrationsDir: dir });
      expect(report.ok).toBe(false);
      // 001 differs from what was applied, so the changed-file rule wins over "pending".
      expect(report.checks.migrations.detail).toMatch(/changed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
