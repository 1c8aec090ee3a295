/**
 * The import pipeline end to end through the real worker: RSS fake -> poll_account -> deliveries ->
 * deliver_feed -> Discord / Slack fakes. Three poll cycles over the same N accounts:
 *   1. first poll of every (still empty) feed: sets each account's cursor, as after linking;
 *   2. an idle cycle: every feed answers 304 Not Modified, the steady state with nothing new;
 *   3. the burst: at t0 every feed publishes M new posts, every account is due at once, and the run
 *      lasts until the chat fakes hold every deliverable post.
 * The burst feeds the throughput figures; the first two are printed for context, and a last idle
 * cycle follows. Then the steady phase (steady.ts), each account on its own interval, gives the
 * latency the target is about.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchArgs } from './args.js';
import type { Pool } from '../core/db/pool.js';
import { pollJobSql } from '../core/jobs.js';
import type { Logger } from '../core/logger.js';
import { createTaskList } from '../worker/tasks/index.js';
import { startWorker } from '../worker/runtime.js';
import { currentTask, JobTracker, OUTSIDE_TASKS, scopedTaskList, until } from './jobs.js';
import {
  describePercentiles,
  formatRate,
  nodeCpu,
  percentiles,
  perSecond,
  postgresCpu,
  round,
  sampleRss,
  type Percentiles,
  type QueryCounter,
  type Report,
  type RssSampler,
} from './measure.js';
import { liveHeapMb, startProfiler } from './profile.js';
import { steadyState, type SteadyFigures } from './steady.js';
import { createBenchWorld, type BenchWorld } from './world.js';

export interface PipelineFigures {
  readonly accounts: number;
  readonly postsPerAccount: number;
  readonly posts: number;
  readonly deliverable: number;
  readonly delivered: number;
  readonly held: number;
  readonly filtered: number;
  readonly importedPerS: number;
  readonly deliveredPerS: number;
  readonly lastPollMs: number;
  readonly lastMessageMs: number;
  readonly latencyMs: Percentiles;
  /** p50 / p95 of each step of a message's way, in ms. */
  readonly latencyStepsMs: Readonly<Record<string, Percentiles>>;
  readonly queriesPerDelivery: number;
  readonly queriesPerScope: Readonly<Record<string, number>>;
  readonly firstPollsPerS: number;
  readonly idlePollsPerS: number;
  readonly idleQueriesPerPoll: number;
  readonly idleAfterPollsPerS: number;
  /** get_job calls that came back empty during the burst (each idles a worker slot). */
  readonly emptyFetches: number;
  readonly busySlots: number;
  readonly nodeCpuS: number;
  readonly eventLoopUtilization: number;
  readonly postgresCpuS: number | undefined;
  readonly peakRssMb: number;
  readonly startRssMb: number;
  readonly liveHeapMb: number;
  readonly pollIntervalS: number;
  readonly steady: SteadyFigures;
}

export interface PipelineOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly args: BenchArgs;
  readonly counter: QueryCounter;
  readonly report: Report;
  /** The server's process ids, when the bench owns the server (embedded): its CPU is then measured. */
  readonly serverPids?: () => Promise<number[]>;
}

export async function pipeline(options: PipelineOptions): Promise<PipelineFigures> {
  const { pool, logger, args, counter, report } = options;
  const rss = sampleRss();
  const startRssMb = rss.peakMb();
  const t = Date.now();
  const world = await createBenchWorld(pool, args);
  report.record(
    `pipeline: seed ${args.accounts.toLocaleString('en')} accounts + feeds`,
    `${Date.now() - t} ms (${world.feeds.filter((f) => f.chat === 'slack').length} feeds on Slack)`,
  );
  const taskDeps = {
    pool,
    keyring: world.keyring,
    providers: world.registry,
    senders: world.senders,
    settings: world.config.worker,
    logger,
  };
  if (args.byTask) counter.scopeOf = currentTask;
  const worker = await startWorker({
    pool,
    logger,
    settings: world.config.worker,
    crontab: '',
    taskList: args.byTask ? scopedTaskList(taskDeps) : createTaskList(taskDeps),
  });
  const tracker = new JobTracker(worker.runner);
  try {
    return await measure({ ...options, world, tracker, rss, startRssMb });
  } finally {
    counter.scopeOf = () => 'all';
    await worker.stop();
    await world.close();
    rss.stop();
  }
}

interface Context extends PipelineOptions {
  readonly world: BenchWorld;
  readonly tracker: JobTracker;
  readonly rss: RssSampler;
  readonly startRssMb: number;
}

const sql = async <T extends Record<string, unknown>>(ctx: Context, text: string): Promise<T[]> =>
  ctx.counter.uncounted(async () => (await ctx.pool.query<T>(text)).rows);

/**
 * Make every account due now, moving the poll each one has queued for its next time (a poll queues
 * its successor), as after a restart that found every account overdue.
 */
async function queuePolls(ctx: Context): Promise<number> {
  ctx.tracker.reset();
  const rows = await sql(
    ctx,
    `WITH due AS (UPDATE social_accounts SET next_poll_at = now() RETURNING id)
     SELECT ${pollJobSql('due.id::text', 'now()', 'replace')} FROM due`,
  );
  return rows.length;
}

async function pollCycle(ctx: Context, timeoutMs: number): Promise<{ polls: number; ms: number }> {
  const started = Date.now();
  const queued = await queuePolls(ctx);
  await until(
    () => ctx.tracker.completed('poll_account') >= queued,
    timeoutMs,
    () =>
      `${ctx.tracker.completed('poll_account')} of ${queued} polls done; ${ctx.tracker.errors.join('; ')}`,
  );
  return { polls: queued, ms: Date.now() - started };
}

async function measure(ctx: Context): Promise<PipelineFigures> {
  const { args, report, world, tracker, counter } = ctx;
  const timeoutMs = 60_000 + 30 * args.accounts * args.posts;

  const first = await pollCycle(ctx, timeoutMs);
  const firstPollsPerS = perSecond(first.polls, first.ms);
  report.record(`pipeline: first poll of ${first.polls} empty feeds`, formatRate(firstPollsPerS, 'polls'));

  counter.start();
  const idle = await pollCycle(ctx, timeoutMs);
  const idleQueries = counter.stop();
  const idlePollsPerS = perSecond(idle.polls, idle.ms);
  const idleQueriesPerPoll = idleQueries.total / idle.polls;
  report.record(
    'pipeline: idle cycle (304 Not Modified)',
    `${formatRate(idlePollsPerS, 'polls')}, ${idleQueriesPerPoll.toFixed(1)} round trips/poll`,
  );

  // The burst. Publishing first, then queueing the polls: a post exists before anyone looks for it.
  world.publish();
  const t0 = world.feeds.reduce((min, feed) => Math.min(min, feed.appearedAt ?? min), Date.now());
  const pgCpu = ctx.serverPids ? await postgresCpu(() => serverPids(ctx)) : undefined;
  const profiler = args.profile ? await startProfiler() : undefined;
  const cpu = nodeCpu();
  counter.start();
  const queued = await queuePolls(ctx);
  await until(
    () => world.delivered() >= world.expected,
    timeoutMs,
    async () => `${world.delivered()} of ${world.expected} messages; ${await diagnose(ctx)}`,
  );
  // The last jobs still record their sends and find nothing more to do: let the worker go quiet.
  await until(
    () => tracker.running === 0 && Date.now() - tracker.lastActivity > 250,
    30_000,
    () => `${tracker.running} jobs still running`,
  );
  const queries = counter.stop();
  const { cpuSeconds, eventLoopUtilization } = cpu.stop();
  const postgresCpuS = await pgCpu?.stop();
  const profileFile = join(tmpdir(), `herald-bench-burst-${process.pid}.cpuprofile`);
  const profileLines = await profiler?.stop(profileFile);
  const emptyFetches = tracker.emptyFetches;
  if (tracker.errors.length > 0) report.note(`job errors: ${tracker.errors.slice(0, 5).join('; ')}`);

  const counts = await sql<{ status: string; n: number }>(
    ctx,
    'SELECT status, count(*)::int AS n FROM deliveries GROUP BY status',
  );
  const byStatus = (status: string) => counts.find((row) => row.status === status)?.n ?? 0;
  const [stored] = await sql<{ n: number }>(ctx, 'SELECT count(*)::int AS n FROM social_posts');
  const posts = stored?.n ?? 0;
  const delivered = world.delivered();
  if (delivered !== world.expected || byStatus('delivered') !== world.expected) {
    report.note(
      `unexpected: ${delivered} messages and ${byStatus('delivered')} delivered rows for ${world.expected} deliverable posts`,
    );
  }

  const lastPoll = [...tracker.pollEnd.values()].reduce((max, at) => Math.max(max, at), t0);
  const { latencyMs, latencyStepsMs, lastMessage } = latencies(world, tracker, t0);
  const importedPerS = perSecond(posts, lastPoll - t0);
  const deliveredPerS = perSecond(delivered, lastMessage - t0);
  const queriesPerDelivery = queries.total / Math.max(1, delivered);

  report.record(
    `pipeline: burst of ${posts.toLocaleString('en')} posts on ${queued.toLocaleString('en')} accounts`,
    `${world.expected} deliverable, ${byStatus('held')} held, ${byStatus('filtered')} filtered`,
  );
  report.record(
    'pipeline: posts imported',
    `${formatRate(importedPerS, 'posts')} (last poll at ${lastPoll - t0} ms)`,
  );
  report.record(
    'pipeline: posts delivered',
    `${formatRate(deliveredPerS, 'msgs')} (last message at ${Math.round(lastMessage - t0)} ms)`,
  );
  report.record('pipeline: latency appear -> chat (p50/p95/p99/max)', describePercentiles(latencyMs));
  for (const [step, p] of Object.entries(latencyStepsMs))
    report.note(`${step.padEnd(34)} ${describePercentiles(p)}`);
  report.record('pipeline: database round trips per delivered post', queriesPerDelivery.toFixed(2));
  const scopes = queries.byScope();
  // Polls per poll; everything else (deliveries, graphile-worker's own statements) per message.
  const perScope = (scope: string) =>
    scope === 'poll_account' ? { per: queued, unit: 'poll' } : { per: Math.max(1, delivered), unit: 'msg' };
  for (const { scope, count, ms } of scopes) {
    const { per, unit } = perScope(scope);
    report.note(
      `${scope}: ${count} round trips (${(count / per).toFixed(2)}/${unit}), ${(ms / 1000).toFixed(1)} s summed`,
    );
    for (const line of queries.describe(per, unit, scope, scope === OUTSIDE_TASKS ? 6 : 16))
      report.note(`  ${line}`);
  }
  for (const line of tracker.describe()) report.note(line);
  // Time inside tasks only; fetching and completing jobs (graphile-worker's statements) is not in it.
  const jobMs = [...tracker.tasks.values()].reduce((sum, stats) => sum + stats.ms, 0);
  const busySlots = jobMs / Math.max(1, lastMessage - t0);
  report.record(
    'pipeline: worker slots running a task (burst mean)',
    `${busySlots.toFixed(1)} of ${args.concurrency}, ${tracker.emptyFetches} get_job found nothing`,
  );
  report.record(
    'pipeline: node cpu during the burst',
    `${cpuSeconds} s over ${((lastMessage - t0) / 1000).toFixed(1)} s, event loop ${Math.round(eventLoopUtilization * 100)}% busy`,
  );
  if (postgresCpuS !== undefined)
    report.record('pipeline: postgres cpu during the burst', `${postgresCpuS} s`);
  if (profileLines) {
    report.record('pipeline: node cpu profile of the burst (self time)', profileFile);
    for (const line of profileLines) report.note(line);
  }

  // Idle again after the burst: nothing new (304s), with every feed's deliveries behind it.
  counter.start();
  const after = await pollCycle(ctx, timeoutMs);
  const afterQueries = counter.stop();
  const idleAfterPollsPerS = perSecond(after.polls, after.ms);
  report.record(
    'pipeline: idle cycle again, after the burst',
    `${formatRate(idleAfterPollsPerS, 'polls')}, ${(afterQueries.total / after.polls).toFixed(1)} round trips/poll, ` +
      `${ctx.tracker.emptyFetches} empty get_job`,
  );
  const steady = await steadyState(ctx.pool, world, args.steadyInterval, () =>
    tracker.completed('poll_account'),
  );
  report.record(
    `pipeline: steady state, each account polled every ${steady.intervalS} s`,
    `${formatRate(steady.pollsPerS, 'polls')}, ${steady.messages} messages over ${(steady.durationMs / 1000).toFixed(0)} s`,
  );
  report.record(
    'pipeline: steady latency appear -> chat (p50/p95/p99/max)',
    describePercentiles(steady.latencyMs),
  );

  const peakRssMb = ctx.rss.peakMb();
  const heap = ctx.rss.atPeak();
  // After the peak is read: the forced collection must not lower the figure it is compared with.
  const liveMb = await liveHeapMb();
  report.record(
    'pipeline: peak RSS (bench process, fakes included)',
    `${peakRssMb} MB (${ctx.startRssMb} MB before seeding; at the peak V8 heap ` +
      `${heap.heapUsedMb} MB used of ${heap.heapTotalMb} MB, ${heap.externalMb} MB outside it)`,
  );
  report.record('pipeline: live V8 heap after a full GC, world still up', `${liveMb} MB`);

  return {
    accounts: args.accounts,
    postsPerAccount: args.posts,
    posts,
    deliverable: world.expected,
    delivered,
    held: byStatus('held'),
    filtered: byStatus('filtered'),
    importedPerS,
    deliveredPerS,
    lastPollMs: lastPoll - t0,
    lastMessageMs: Math.round(lastMessage - t0),
    latencyMs,
    latencyStepsMs,
    queriesPerDelivery,
    queriesPerScope: Object.fromEntries(
      scopes.map(({ scope, count }) => [scope, round(count / perScope(scope).per, 2)]),
    ),
    firstPollsPerS,
    idlePollsPerS,
    idleQueriesPerPoll,
    idleAfterPollsPerS,
    emptyFetches,
    busySlots,
    nodeCpuS: cpuSeconds,
    eventLoopUtilization,
    postgresCpuS,
    peakRssMb,
    startRssMb: ctx.startRssMb,
    liveHeapMb: liveMb,
    pollIntervalS: world.config.worker.pollIntervalSeconds,
    steady,
  };
}

const STEPS = [
  'appear -> poll job starts',
  'poll job runs',
  'poll ends -> deliver job starts',
  'deliver job starts -> message',
] as const;

/**
 * Each message's latency (received by the chat fake - its post's appearance on the RSS fake), and
 * the same split at the moments its account's poll started and ended and its feed's first deliver
 * job started.
 */
function latencies(world: BenchWorld, tracker: JobTracker, t0: number) {
  const all: number[] = [];
  const steps: number[][] = STEPS.map(() => []);
  let lastMessage = t0;
  for (const feed of world.feeds) {
    const appeared = feed.appearedAt ?? t0;
    const pollStart = tracker.pollStart.get(feed.accountId) ?? appeared;
    const pollEnd = tracker.pollEnd.get(feed.accountId) ?? pollStart;
    const deliverStart = tracker.deliverStart.get(feed.feedId) ?? pollEnd;
    for (const received of world.receivedAt(feed)) {
      lastMessage = Math.max(lastMessage, received);
      all.push(received - appeared);
      [pollStart - appeared, pollEnd - pollStart, deliverStart - pollEnd, received - deliverStart].forEach(
        (ms, i) => steps[i]?.push(ms),
      );
    }
  }
  return {
    latencyMs: percentiles(all),
    latencyStepsMs: Object.fromEntries(STEPS.map((step, i) => [step, percentiles(steps[i] ?? [])])),
    lastMessage,
  };
}

async function serverPids(ctx: Context): Promise<number[]> {
  const rows = await sql<{ pid: number }>(ctx, 'SELECT pid FROM pg_stat_activity');
  return rows.map((row) => row.pid);
}

/** Why the burst has not finished: the deliveries' states and the jobs left in the queue. */
async function diagnose(ctx: Context): Promise<string> {
  const deliveries = await sql<{ status: string; n: number }>(
    ctx,
    'SELECT status, count(*)::int AS n FROM deliveries GROUP BY status',
  );
  const jobs = await sql<{ task: string; n: number }>(
    ctx,
    `SELECT t.identifier AS task, count(*)::int AS n FROM graphile_worker._private_jobs j
       JOIN graphile_worker._private_tasks t ON t.id = j.task_id GROUP BY t.identifier`,
  );
  return (
    `deliveries ${JSON.stringify(deliveries)}, jobs ${JSON.stringify(jobs)}, ` +
    `errors: ${ctx.tracker.errors.slice(0, 3).join('; ')}`
  );
}
