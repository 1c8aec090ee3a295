/**
 * graphile-worker's raw throughput on no-op jobs, on the database the pipeline bench used: the
 * ceiling Herald's deliveries are compared with (the ratio). Two more drains put the jobs in
 * named queues, one per job and a few shared ones, to show what named queues cost: the reason
 * `deliver_feed` keeps a feed's order with a lock of its own instead of one queue per feed.
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Task, TaskList } from 'graphile-worker';
import type { Config } from '../core/config.js';
import type { Pool } from '../core/db/pool.js';
import type { Logger } from '../core/logger.js';
import { createQueue } from '../core/queue.js';
import { startWorker } from '../worker/runtime.js';
import {
  formatRate,
  nodeCpu,
  perSecond,
  percentiles,
  postgresCpu,
  round,
  type QueryCounter,
  type Report,
} from './measure.js';

export interface RawQueueFigures {
  readonly enqueuedPerS: number;
  /** The median of three drains. */
  readonly jobsPerS: number;
  /** No-op jobs that each queue their successor with add_job (as every pipeline job is queued). */
  readonly chainedJobsPerS: number;
  /** One named queue per job (what one queue per feed would be). */
  readonly namedQueueJobsPerS: number;
  /** The same jobs over 4 x concurrency named queues. */
  readonly sharedQueuesJobsPerS: number;
  readonly queriesPerJob: number;
  /** CPU milliseconds per no-op job, this process and PostgreSQL together (when measurable). */
  readonly cpuMsPerJob: number | undefined;
  readonly startLatencyMs: { readonly p50: number; readonly p95: number };
}

const JOBS = 5_000;
const DRAINS = 3;

/**
 * A clean jobs table with fresh planner statistics before a drain. Left to autovacuum, the statistics may
 * date from when the table was nearly empty (after a small pipeline run, say), and get_job's plan then
 * costs about twice the CPU: the raw figure, the ratio's denominator, would depend on that timing.
 */
async function analyzeJobs(pool: Pool): Promise<void> {
  // VACUUM too: each drain leaves 5,000 dead rows, and without it every drain ran slower than the
  // one before (3,163, 2,533 then 2,121 jobs/s).
  await pool.query('VACUUM (ANALYZE) graphile_worker._private_jobs');
}

/** Milliseconds from starting a worker on `taskList` until `finished` resolves; the worker is stopped. */
async function timedDrain(
  deps: { pool: Pool; logger: Logger; settings: Config['worker'] },
  taskList: TaskList,
  finished: Promise<void>,
): Promise<number> {
  const started = performance.now();
  const worker = await startWorker({ ...deps, crontab: '', taskList, pollIntervalMs: 500 });
  await finished;
  const ms = performance.now() - started;
  await worker.stop();
  return ms;
}

export async function rawQueue(
  pool: Pool,
  logger: Logger,
  settings: Config['worker'],
  counter: QueryCounter,
  report: Report,
  serverPids?: () => Promise<number[]>,
): Promise<RawQueueFigures> {
  let done = 0;
  let target = JOBS;
  let allDone: () => void = () => undefined;
  const noop: Task = async () => {
    if (++done === target) allDone();
  };
  const drained = () => new Promise<void>((resolve) => (allDone = resolve));
  const utils = await createQueue(pool, logger);
  // Named queues left by earlier drains would be locked by the ones below too.
  await utils.cleanup({ tasks: ['GC_JOB_QUEUES'] });
  const specs = Array.from({ length: JOBS }, (_, i) => ({ identifier: 'noop', payload: { i } }));

  const t = performance.now();
  await utils.addJobs(specs);
  const enqueuedPerS = perSecond(JOBS, performance.now() - t);
  await analyzeJobs(pool);
  report.record(
    `queue: enqueue ${JOBS.toLocaleString('en')} jobs in one addJobs`,
    formatRate(enqueuedPerS, 'jobs'),
  );

  // Three drains, the median kept: on a shared machine one drain's rate moved by a third from one
  // minute to the next, and it is the ratio's denominator.
  const pgCpu = serverPids ? await postgresCpu(serverPids) : undefined;
  const cpu = nodeCpu();
  counter.start();
  const rates: number[] = [];
  for (let drain = 0; drain < DRAINS; drain++) {
    if (drain > 0) {
      await utils.addJobs(specs);
      await analyzeJobs(pool);
    }
    done = 0;
    rates.push(perSecond(JOBS, await timedDrain({ pool, logger, settings }, { noop }, drained())));
  }
  const queries = counter.stop();
  const { cpuSeconds } = cpu.stop();
  const pgSeconds = await pgCpu?.stop();
  const jobsPerS = [...rates].sort((a, b) => a - b)[Math.floor(DRAINS / 2)] ?? 0;
  const cpuMsPerJob =
    pgSeconds === undefined ? undefined : round(((cpuSeconds + pgSeconds) * 1000) / (DRAINS * JOBS), 3);
  report.record(
    `queue: drain with concurrency ${settings.concurrency}`,
    `${formatRate(jobsPerS, 'jobs')} (median of ${rates.map((rate) => Math.round(rate).toLocaleString('en')).join(', ')})`,
  );
  const queriesPerJob = queries.total / (DRAINS * JOBS);
  report.record('queue: database round trips per no-op job', queriesPerJob.toFixed(2));
  if (cpuMsPerJob !== undefined)
    report.record('queue: cpu per no-op job (node + postgres)', `${cpuMsPerJob} ms`);

  /**
   * No-op jobs that each queue their successor with add_job before finishing, as a poll queues the
   * next poll and its feeds' sending: the drains above take their jobs from one batched addJobs
   * whose cost they do not count, while every job of the pipeline is queued by an add_job of its own.
   */
  let chained = 0;
  let allChained: () => void = () => undefined;
  const chainDone = new Promise<void>((resolve) => (allChained = resolve));
  const seeds = 2 * settings.concurrency;
  const chain: Task = async (_payload, helpers) => {
    chained += 1;
    if (chained === JOBS) allChained();
    else if (chained <= JOBS - seeds) await helpers.addJob('chain', {});
  };
  await utils.addJobs(Array.from({ length: seeds }, () => ({ identifier: 'chain', payload: {} })));
  const chainedJobsPerS = perSecond(JOBS, await timedDrain({ pool, logger, settings }, { chain }, chainDone));
  report.record('queue: drain, each job queueing its successor', formatRate(chainedJobsPerS, 'jobs'));

  /**
   * The same 5,000 jobs spread over named queues, enqueued while no worker runs, then drained by a
   * worker with Herald's own poll interval (worker/runtime.ts: 2 s): a get_job that finds nothing
   * leaves its slot idle until a new job is announced or the interval passes.
   */
  const drainNamed = async (queues: number) => {
    done = 0;
    const drainedAll = drained();
    await utils.addJobs(specs.map((spec) => ({ ...spec, queueName: `bench:${spec.payload.i % queues}` })));
    await analyzeJobs(pool);
    const started = performance.now();
    const named = await startWorker({ pool, logger, settings, crontab: '', taskList: { noop } });
    let empty = 0;
    named.runner.events.on('worker:getJob:empty', () => (empty += 1));
    await drainedAll;
    const perS = perSecond(JOBS, performance.now() - started);
    await named.stop();
    report.record(
      `queue: drain over ${queues.toLocaleString('en')} named queues`,
      `${formatRate(perS, 'jobs')} (${empty} empty get_job)`,
    );
    return perS;
  };
  const namedQueueJobsPerS = await drainNamed(JOBS);
  const sharedQueuesJobsPerS = await drainNamed(4 * settings.concurrency);

  const latencies: number[] = [];
  target = Number.POSITIVE_INFINITY;
  const probe = await startWorker({
    pool,
    logger,
    settings,
    crontab: '',
    taskList: { noop },
    pollIntervalMs: 500,
  });
  for (let i = 0; i < 200; i++) {
    const started = once(probe.runner.events, 'job:start');
    const t0 = performance.now();
    await utils.addJob('noop', {});
    await started;
    latencies.push(performance.now() - t0);
  }
  const latency = percentiles(latencies);
  report.record('queue: add_job -> task start latency (p50 / p95)', `${latency.p50} ms / ${latency.p95} ms`);
  await probe.stop();
  // Empty queues stay in graphile-worker's table until garbage-collected; leave none behind.
  await utils.cleanup({ tasks: ['GC_JOB_QUEUES'] });
  await utils.release();
  return {
    enqueuedPerS,
    jobsPerS,
    chainedJobsPerS,
    namedQueueJobsPerS,
    sharedQueuesJobsPerS,
    queriesPerJob,
    cpuMsPerJob,
    startLatencyMs: { p50: latency.p50, p95: latency.p95 },
  };
}
