/**
 * The steady state the latency target is about: every account polled on its own interval (each poll
 * queues its successor), posts appearing at random moments, one per account over one interval. A
 * post waits for its account's next poll (up to one interval) plus the processing; the issue's
 * target is p95 <= interval + 2 s. The burst phase measures throughput; this measures latency under
 * the load of N accounts / interval polls per second, spread as production spreads them.
 */
import { pollJobSql } from '../core/jobs.js';
import type { Pool } from '../core/db/pool.js';
import { until } from './jobs.js';
import { percentiles, type Percentiles } from './measure.js';
import type { BenchWorld } from './world.js';

export interface SteadyFigures {
  readonly intervalS: number;
  readonly messages: number;
  readonly latencyMs: Percentiles;
  readonly pollsPerS: number;
  readonly durationMs: number;
}

const ROUND = 1;

export async function steadyState(
  pool: Pool,
  world: BenchWorld,
  intervalS: number,
  polls: () => number,
): Promise<SteadyFigures> {
  // Each account's next poll at a random moment of the coming interval, and its queued poll with it:
  // as accounts linked at different times are.
  await pool.query(
    `WITH spread AS (
       UPDATE social_accounts SET poll_interval_seconds = $1::int,
              next_poll_at = now() + make_interval(secs => random() * $1::int)
       RETURNING id, next_poll_at)
     SELECT ${pollJobSql('spread.id::text', 'spread.next_poll_at', 'replace')} FROM spread`,
    [intervalS],
  );
  const intervalMs = intervalS * 1000;
  const start = Date.now();
  const pollsBefore = polls();
  const published = new Map<string, number>();
  let expected = 0;
  const timers = world.feeds.map((feed) =>
    setTimeout(() => {
      published.set(feed.feedId, Date.now());
      expected += world.publishRound(feed, ROUND, 1);
    }, Math.random() * intervalMs),
  );
  const fresh = (feedId: string, times: number[]) => {
    const at = published.get(feedId);
    return at === undefined ? [] : times.filter((t) => t >= at).map((t) => t - at);
  };
  const arrived = () =>
    world.feeds.reduce((sum, feed) => sum + fresh(feed.feedId, world.receivedAt(feed)).length, 0);
  try {
    await until(
      () => published.size === world.feeds.length && arrived() >= expected,
      3 * intervalMs + 60_000,
      () => `${arrived()} of ${expected} steady-state messages`,
    );
  } finally {
    timers.forEach(clearTimeout);
  }
  const durationMs = Date.now() - start;
  const latencies = world.feeds.flatMap((feed) => fresh(feed.feedId, world.receivedAt(feed)));
  return {
    intervalS,
    messages: latencies.length,
    latencyMs: percentiles(latencies),
    pollsPerS: ((polls() - pollsBefore) * 1000) / durationMs,
    durationMs,
  };
}
