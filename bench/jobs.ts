/**
 * What the worker did, from graphile-worker's events: per task, how many jobs ran and for how long;
 * per account, when its poll started and ended; per feed, when its first delivery job started. The
 * pipeline bench splits each message's latency into these steps. Also the task list itself, wrapped
 * so that database round trips can be attributed to the task that issued them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Job, Runner, Task, TaskList } from 'graphile-worker';
import { createTaskList, type TaskDependencies } from '../worker/tasks/index.js';

export const OUTSIDE_TASKS = 'worker (outside tasks)';

const taskScope = new AsyncLocalStorage<string>();

/** The name of the task whose code is running, or OUTSIDE_TASKS (graphile-worker's own statements). */
export const currentTask = (): string => taskScope.getStore() ?? OUTSIDE_TASKS;

/** Herald's real task list, each task run inside a scope named after it (nothing else changes). */
export function scopedTaskList(deps: TaskDependencies): TaskList {
  const tasks = createTaskList(deps);
  return Object.fromEntries(
    Object.entries(tasks).flatMap(([name, task]) => {
      if (!task) return [];
      const scoped: Task = (payload, helpers) => taskScope.run(name, () => task(payload, helpers));
      return [[name, scoped]];
    }),
  );
}

export interface TaskStats {
  count: number;
  ms: number;
  maxMs: number;
}

function field(job: Job, name: string): string | undefined {
  const payload = job.payload as Record<string, unknown> | null;
  const value = payload?.[name];
  return typeof value === 'string' ? value : undefined;
}

export class JobTracker {
  running = 0;
  readonly tasks = new Map<string, TaskStats>();
  readonly pollStart = new Map<string, number>();
  readonly pollEnd = new Map<string, number>();
  readonly deliverStart = new Map<string, number>();
  readonly errors: string[] = [];
  /** get_job calls that found nothing: a worker then sleeps until a new job is announced or it polls. */
  emptyFetches = 0;
  /** When the last job started or completed (ms since the epoch). */
  lastActivity = Date.now();
  private readonly started = new Map<string, number>();

  constructor(runner: Runner) {
    runner.events.on('job:start', ({ job }) => {
      const now = Date.now();
      this.running += 1;
      this.lastActivity = now;
      this.started.set(job.id, now);
      const accountId = field(job, 'accountId');
      const feedId = field(job, 'feedId');
      if (job.task_identifier === 'poll_account' && accountId) this.pollStart.set(accountId, now);
      if (job.task_identifier === 'deliver_feed' && feedId && !this.deliverStart.has(feedId))
        this.deliverStart.set(feedId, now);
    });
    runner.events.on('worker:getJob:empty', () => {
      this.emptyFetches += 1;
    });
    runner.events.on('job:complete', ({ job, error }) => {
      const now = Date.now();
      this.running -= 1;
      this.lastActivity = now;
      const ms = now - (this.started.get(job.id) ?? now);
      this.started.delete(job.id);
      const stats = this.tasks.get(job.task_identifier) ?? { count: 0, ms: 0, maxMs: 0 };
      stats.count += 1;
      stats.ms += ms;
      stats.maxMs = Math.max(stats.maxMs, ms);
      this.tasks.set(job.task_identifier, stats);
      const accountId = field(job, 'accountId');
      if (job.task_identifier === 'poll_account' && accountId) this.pollEnd.set(accountId, now);
      if (error) this.errors.push(`${job.task_identifier}: ${String(error)}`);
    });
  }

  /** Forget the previous phase. */
  reset(): void {
    this.tasks.clear();
    this.pollStart.clear();
    this.pollEnd.clear();
    this.deliverStart.clear();
    this.errors.length = 0;
    this.emptyFetches = 0;
  }

  completed(task: string): number {
    return this.tasks.get(task)?.count ?? 0;
  }

  /** One line per task: jobs, mean and max duration, and job-seconds (busy time over all slots). */
  describe(): string[] {
    return [...this.tasks.entries()].map(
      ([task, s]) =>
        `${task.padEnd(14)} ${String(s.count).padStart(6)} jobs, mean ${(s.ms / s.count).toFixed(1)} ms, ` +
        `max ${s.maxMs} ms, ${(s.ms / 1000).toFixed(1)} job-s`,
    );
  }
}

/** Resolves once `check` holds, checking every `everyMs`; rejects with `describe()` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string | Promise<string>,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
