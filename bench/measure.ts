/**
 * Instruments shared by the benchmarks: a report that prints as it goes, percentiles, a peak-RSS
 * sampler, a counter of database round trips, and the CPU a phase cost the Node process and the
 * PostgreSQL server. Everything here observes; nothing changes what Herald does.
 */
import { readFile } from 'node:fs/promises';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type pg from 'pg';

/** Lines as they are measured, so a long run shows progress; the JSON summary is built separately. */
export class Report {
  readonly lines: Array<[string, string]> = [];

  record(name: string, value: string): void {
    this.lines.push([name, value]);
    process.stdout.write(`${name.padEnd(52)} ${value}\n`);
  }

  section(title: string): void {
    process.stdout.write(`\n${title}\n`);
  }

  note(text: string): void {
    process.stdout.write(`  ${text}\n`);
  }
}

export const perSecond = (count: number, ms: number): number => (ms > 0 ? count / (ms / 1000) : 0);
export const formatRate = (value: number, unit: string): string =>
  `${Math.round(value).toLocaleString('en')} ${unit}/s`;
export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** Nearest-rank percentile of an ascending array (`p` in 0..1); 0 for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? 0),
  };
}

export const describePercentiles = (p: Percentiles, unit = 'ms'): string =>
  `${p.p50} / ${p.p95} / ${p.p99} / ${p.max} ${unit}`;

/**
 * Peak resident set size of this process, sampled every 100 ms. The worker runs in the bench
 * process, so the figure includes the fakes (RSS host, Discord and Slack APIs) and the bench's own
 * bookkeeping; PostgreSQL is a separate process and is not included.
 */
export interface RssSampler {
  peakMb(): number;
  /** The heap's share of the peak: used and total V8 heap, and memory outside it (buffers). */
  atPeak(): { heapUsedMb: number; heapTotalMb: number; externalMb: number };
  stop(): number;
}

export function sampleRss(intervalMs = 100): RssSampler {
  const mb = (bytes: number) => round(bytes / 1024 / 1024);
  let peak = process.memoryUsage();
  const sample = () => {
    const now = process.memoryUsage();
    if (now.rss > peak.rss) peak = now;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    peakMb: () => {
      sample();
      return mb(peak.rss);
    },
    atPeak: () => ({
      heapUsedMb: mb(peak.heapUsed),
      heapTotalMb: mb(peak.heapTotal),
      externalMb: mb(peak.external),
    }),
    stop() {
      clearInterval(timer);
      sample();
      return mb(peak.rss);
    },
  };
}

interface QueryStat {
  readonly scope: string;
  readonly label: string;
  count: number;
  ms: number;
}

/**
 * Counts database round trips: every `query` on every client the pool hands out, which covers
 * `pool.query` (pg-pool runs it on a client), Herald's transactions, and graphile-worker's own
 * statements (it borrows clients with `connect()`). BEGIN and COMMIT count: they are round trips.
 * Attach it right after creating the pool: it wraps clients as the pool opens them.
 */
export class QueryCounter {
  private enabled = false;
  private stats = new Map<string, QueryStat>();
  /**
   * Where a query comes from (the task running it, say); read when the query reaches its client. A
   * `pool.query` that had to wait for a free client reaches it in the context of the code that
   * released one, so a few (pool exhausted) are attributed to the wrong scope.
   */
  scopeOf: () => string = () => 'all';

  constructor(pool: pg.Pool) {
    pool.on('connect', (client) => this.wrap(client));
  }

  /** Start counting from zero. */
  start(): void {
    this.stats = new Map();
    this.enabled = true;
  }

  /** Stop counting; returns the statements seen since `start`, most frequent first. */
  stop(): QueryTally {
    this.enabled = false;
    return new QueryTally(this.stats);
  }

  /** Run `work` without counting it (the bench's own bookkeeping queries). */
  async uncounted<T>(work: () => Promise<T>): Promise<T> {
    const was = this.enabled;
    this.enabled = false;
    try {
      return await work();
    } finally {
      this.enabled = was;
    }
  }

  private add(scope: string, label: string, ms: number): void {
    const key = `${scope}\u0000${label}`;
    const stat = this.stats.get(key) ?? { scope, label, count: 0, ms: 0 };
    stat.count += 1;
    stat.ms += ms;
    this.stats.set(key, stat);
  }

  private wrap(client: pg.PoolClient): void {
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    const counted = (...args: unknown[]): unknown => {
      if (!this.enabled) return original(...args);
      const label = labelOf(args[0]);
      const scope = this.scopeOf();
      const started = performance.now();
      const done = () => this.add(scope, label, performance.now() - started);
      const last = args.length - 1;
      const callback = args[last];
      if (last > 0 && typeof callback === 'function') {
        // pg-pool's own `query` passes a callback: time the round trip up to it.
        args[last] = (...result: unknown[]) => {
          done();
          (callback as (...a: unknown[]) => void)(...result);
        };
        return original(...args);
      }
      const result = original(...args);
      if (result instanceof Promise) result.then(done, done);
      else done();
      return result;
    };
    (client as unknown as { query: typeof counted }).query = counted;
  }
}

/** A statement's first 90 characters, whitespace collapsed: enough to tell Herald's statements apart. */
const labels = new Map<string, string>();

function labelOf(query: unknown): string {
  const text =
    typeof query === 'string'
      ? query
      : typeof query === 'object' && query !== null && 'text' in query
        ? String((query as { text: unknown }).text)
        : '(query object)';
  // Memoised: collapsing whitespace on every round trip cost ~2% of the burst's main thread.
  let label = labels.get(text);
  if (label === undefined) {
    label = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    labels.set(text, label);
  }
  return label;
}

export class QueryTally {
  readonly total: number;
  readonly ms: number;
  readonly rows: readonly QueryStat[];

  constructor(stats: ReadonlyMap<string, QueryStat>) {
    this.rows = [...stats.values()].sort((a, b) => b.count - a.count || b.ms - a.ms);
    this.total = this.rows.reduce((sum, row) => sum + row.count, 0);
    this.ms = this.rows.reduce((sum, row) => sum + row.ms, 0);
  }

  /** Round trips and their summed time per scope, most first. */
  byScope(): Array<{ scope: string; count: number; ms: number }> {
    const scopes = new Map<string, { scope: string; count: number; ms: number }>();
    for (const row of this.rows) {
      const entry = scopes.get(row.scope) ?? { scope: row.scope, count: 0, ms: 0 };
      entry.count += row.count;
      entry.ms += row.ms;
      scopes.set(row.scope, entry);
    }
    return [...scopes.values()].sort((a, b) => b.count - a.count);
  }

  /** The statements of one scope (or all), with counts per `unit`: `per` units were processed. */
  describe(per: number, unit: string, scope?: string, top = 12): string[] {
    return this.rows
      .filter((row) => scope === undefined || row.scope === scope)
      .slice(0, top)
      .map((row) => {
        const each = (row.count / per).toFixed(2).padStart(5);
        const mean = (row.ms / row.count).toFixed(2).padStart(5);
        return `${each}/${unit} ${String(row.count).padStart(6)} x ${mean} ms  ${row.label}`;
      });
  }
}

/** CPU seconds of this process and how busy its event loop was over a phase. */
export function nodeCpu(): { stop(): { cpuSeconds: number; eventLoopUtilization: number } } {
  const cpu = process.cpuUsage();
  const elu: EventLoopUtilization = performance.eventLoopUtilization();
  return {
    stop() {
      const used = process.cpuUsage(cpu);
      return {
        cpuSeconds: round((used.user + used.system) / 1e6, 2),
        eventLoopUtilization: round(performance.eventLoopUtilization(elu).utilization, 2),
      };
    },
  };
}

// Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build.
const CLOCK_TICKS = 100;

async function ticksOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces, hence the last ')'): utime is the 14th
    // field of the line, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds the PostgreSQL server spent over a phase: the processes pg_stat_activity lists (every
 * backend and background process), read from /proc. Only meaningful when the server is the bench's
 * own embedded one on this machine (same process namespace, no other clients); a process that exits
 * mid-phase is missed, so it is a lower bound.
 */
export async function postgresCpu(
  query: () => Promise<number[]>,
): Promise<{ stop(): Promise<number | undefined> } | undefined> {
  if (process.platform !== 'linux') return undefined;
  const before = new Map<number, number>();
  for (const pid of await query()) {
    const ticks = await ticksOf(pid);
    if (ticks !== undefined) before.set(pid, ticks);
  }
  if (before.size === 0) return undefined;
  return {
    async stop() {
      let ticks = 0;
      for (const pid of await query()) {
        const now = await ticksOf(pid);
        if (now !== undefined) ticks += now - (before.get(pid) ?? 0);
      }
      return round(ticks / CLOCK_TICKS, 2);
    },
  };
}
