import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCrontab, type Task } from 'graphile-worker';
import { createQueue } from '../../core/queue.js';
import { latestHeartbeat } from '../../core/worker-heartbeats.js';
import { startWorker } from '../../worker/runtime.js';
import { CRONTAB, createTaskList, type TaskDependencies } from '../../worker/tasks/index.js';
import { cleanupTask } from '../../worker/tasks/cleanup.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../support/database.js';
import { testConfig } from '../support/config.js';

const settings = testConfig().worker;

describe('worker', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  /** Start a worker, add one job, and return the first event of `kind` for it. */
  async function runOneJob(
    payload: object,
    kind: 'job:complete' | 'job:error',
  ): Promise<Record<string, unknown>> {
    const worker = await startWorker({
      pool: db.pool,
      logger: testLogger,
      settings,
      crontab: '',
      pollIntervalMs: 100,
      taskList: { cleanup: cleanupTask(db.pool) as Task },
    });
    try {
      const queue = await createQueue(db.pool, testLogger);
      const seen = once(worker.runner.events, kind);
      await queue.addJob('cleanup', payload as never);
      await queue.release();
      const [event] = (await seen) as [Record<string, unknown>];
      return event;
    } finally {
      await worker.stop();
    }
  }

  it('GIVEN the crontab THEN every line parses and names a task of the task list', () => {
    const items = parseCrontab(CRONTAB);
    const tasks = Object.keys(createTaskList({ pool: db.pool } as unknown as TaskDependencies));
    expect(items.map((item) => item.task)).toEqual(['schedule_polls', 'cleanup']);
    expect(items.every((item) => tasks.includes(item.task))).toBe(true);
    expect(items[1]?.options.maxAttempts).toBe(3);
  });

  it('GIVEN a cleanup job WHEN the worker runs it THEN expired connect links go and live ones stay', async () => {
    const tenant = await db.pool.query<{ id: string }>(
      `INSERT INTO tenants (chat_platform, external_id) VALUES ('slack', 'T1') RETURNING id`,
    );
    const tenantId = tenant.rows[0]!.id;
    await db.pool.query(
      `INSERT INTO oauth_states (state_hash, tenant_id, user_id, platform, created_at, expires_at)
       VALUES (decode(repeat('aa', 32), 'hex'), $1, 'U1', 'x', now() - interval '3 hours', now() - interval '2 hours'),
              (decode(repeat('bb', 32), 'hex'), $1, 'U1', 'x', now(), now() + interval '10 minutes')`,
      [tenantId],
    );
    const event = await runOneJob({}, 'job:complete');
    expect((event.job as { task_identifier: string }).task_identifier).toBe('cleanup');
    expect(event.error).toBeFalsy();
    const left = await db.pool.query<{ hex: string }>(
      `SELECT encode(state_hash, 'hex') AS hex FROM oauth_states`,
    );
    expect(left.rows.map((r) => r.hex)).toEqual(['bb'.repeat(32)]);
  });

  it('GIVEN a malformed cleanup payload THEN the job fails with a clear error and is retried later', async () => {
    const event = await runOneJob({ importLogRetentionDays: 'forever' }, 'job:error');
    expect(String(event.error)).toMatch(/importLogRetentionDays/);
    const job = await db.pool.query<{ attempts: number; last_error: string }>(
      `SELECT attempts, last_error FROM graphile_worker.jobs WHERE task_identifier = 'cleanup'`,
    );
    expect(job.rows[0]?.attempts).toBe(1);
    await db.pool.query(
      `SELECT graphile_worker.permanently_fail_jobs(array(SELECT id FROM graphile_worker.jobs), 'test')`,
    );
    await db.pool.query(`DELETE FROM graphile_worker._private_jobs`);
  });

  it('GIVEN a running worker THEN it beats, and WHEN stopped THEN its heartbeat is gone', async () => {
    const worker = await startWorker({
      pool: db.pool,
      logger: testLogger,
      settings,
      crontab: '',
      taskList: {},
    });
    const beat = await latestHeartbeat(db.pool, 60);
    expect(beat?.workerId).toBe(worker.workerId);
    expect(beat?.liveWorkers).toBe(1);
    await worker.stop();
    expect(await latestHeartbeat(db.pool, 60)).toBeUndefined();
  });

  it('GIVEN a job in flight WHEN the worker is stopped THEN stop waits for the job to finish', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let finished = false;
    const slow: Task = async () => {
      await gate;
      finished = true;
    };
    const worker = await startWorker({
      pool: db.pool,
      logger: testLogger,
      settings,
      crontab: '',
      taskList: { slow },
      pollIntervalMs: 100,
    });
    const started = once(worker.runner.events, 'job:start');
    await worker.runner.addJob('slow', {});
    await started;
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    const left = await db.pool.query(`SELECT 1 FROM graphile_worker.jobs WHERE task_identifier = 'slow'`);
    expect(left.rowCount).toBe(0);
  });
});
