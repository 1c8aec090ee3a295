/**
 * The worker role: graphile-worker running Herald's task list and crontab, plus a heartbeat that
 * /healthz reads. Signals are the app's business (noHandleSignals): `stop()` drains running jobs.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { parseCrontab, run, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import type { Config } from '../core/config.js';
import type { Pool } from '../core/db/pool.js';
import type { Logger } from '../core/logger.js';
import { graphileLogger } from '../core/queue.js';
import { recordHeartbeat, removeHeartbeat } from '../core/worker-heartbeats.js';
import { CRONTAB, createTaskList, type TaskDependencies } from './tasks/index.js';

function requireTasks(tasks: TaskDependencies | undefined): TaskDependencies {
  if (!tasks) throw new Error('startWorker needs either `tasks` (its dependencies) or a `taskList`');
  return tasks;
}

export interface WorkerRuntime {
  readonly workerId: string;
  readonly runner: Runner;
  /** Settles when the worker stops; rejects if graphile-worker hit a fatal error. */
  readonly done: Promise<void>;
  /** Stop taking jobs, wait for running ones, then stop beating. */
  stop(): Promise<void>;
}

export interface WorkerOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly settings: Config['worker'];
  /** Herald's tasks are built from these; `taskList` replaces them (tests, benchmarks). */
  readonly tasks?: TaskDependencies;
  readonly taskList?: TaskList;
  /** Replaces the crontab; '' disables cron (tests). */
  readonly crontab?: string;
  readonly pollIntervalMs?: number;
}

export async function startWorker(options: WorkerOptions): Promise<WorkerRuntime> {
  const { pool, settings } = options;
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const logger = options.logger.child({ subsystem: 'worker', workerId });
  const crontab = options.crontab ?? CRONTAB;
  // graphile-worker names its pool at random; the heartbeat carries that name so that, should this
  // process die without stopping, another can release the jobs it held (recoverDeadWorkers).
  const events: WorkerEvents = new EventEmitter();
  let queueWorkerId: string | undefined;
  events.on('pool:create', ({ workerPool }) => (queueWorkerId = workerPool.id));
  const runner = await run({
    events,
    pgPool: pool,
    taskList: options.taskList ?? createTaskList(requireTasks(options.tasks)),
    parsedCronItems: parseCrontab(crontab),
    concurrency: settings.concurrency,
    pollInterval: options.pollIntervalMs ?? 2_000,
    noHandleSignals: true,
    logger: graphileLogger(options.logger),
    // Without a batcher graphile-worker fires the "job done" query without awaiting it, so stop() could
    // resolve (and the process exit) before it lands, leaving the job locked for four hours. A batcher
    // with no delay is awaited on shutdown, and it merges completions that finish in the same tick.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  });

  const beat = {
    workerId,
    hostname: hostname(),
    pid: process.pid,
    startedAt: new Date(),
    beatSeconds: settings.heartbeatSeconds,
  };
  const heartbeat = async () => {
    try {
      await recordHeartbeat(pool, { ...beat, queueWorkerId });
    } catch (err) {
      logger.warn({ err }, 'worker heartbeat failed');
    }
  };
  await heartbeat();
  const timer = setInterval(() => void heartbeat(), settings.heartbeatSeconds * 1000);
  timer.unref();

  // A pool that died must stop looking alive: stop beating as soon as the runner ends, however it ends.
  const done = runner.promise.finally(() => clearInterval(timer));
  done.catch((err: unknown) => logger.error({ err }, 'worker stopped on a fatal error'));
  logger.info({ concurrency: settings.concurrency }, 'worker started');

  let stopping: Promise<void> | undefined;
  return {
    workerId,
    runner,
    done,
    stop: () =>
      (stopping ??= (async () => {
        logger.info('worker draining');
        await runner.stop();
        clearInterval(timer);
        await removeHeartbeat(pool, workerId).catch((err: unknown) =>
          logger.warn({ err }, 'removing heartbeat failed'),
        );
        logger.info('worker stopped');
      })()),
  };
}
