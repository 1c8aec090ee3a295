/**
 * Request budgets shared by every worker process, kept in PostgreSQL (`platform_budgets`): a fixed
 * window of N polls per platform app (X, Reddit, YouTube count every user of one registered app) or
 * per API host (Bluesky PDSes and Mastodon instances count per client IP, and every account Herald
 * polls on one instance comes from the same IP). The same rows hold a platform's "not before T"
 * after a 429, so a spent window and a rate limit block alike.
 */
import type { Queryable } from './db/pool.js';
import type { SocialPlatform } from './platforms.js';

export interface PollBudget {
  /** Whose budget: the whole app, or each API host (instance, PDS) on its own. */
  readonly scope: 'app' | 'host';
  readonly requests: number;
  readonly windowSeconds: number;
}

/**
 * The documented limits, less a tenth left for link checks, token refreshes and publishing:
 * X `GET /2/users/:id/tweets` 10,000 per 15 min per app; Bluesky PDS 3,000 per 5 min per IP;
 * Mastodon 300 per 5 min per IP; Reddit 100 per minute per client id (averaged over 10 minutes);
 * YouTube 10,000 quota units a day per project (a list call costs 1).
 */
export const DEFAULT_POLL_BUDGETS: Readonly<Partial<Record<SocialPlatform, PollBudget>>> = {
  x: { scope: 'app', requests: 9_000, windowSeconds: 900 },
  bluesky: { scope: 'host', requests: 2_700, windowSeconds: 300 },
  mastodon: { scope: 'host', requests: 270, windowSeconds: 300 },
  reddit: { scope: 'app', requests: 900, windowSeconds: 600 },
  youtube: { scope: 'app', requests: 9_000, windowSeconds: 86_400 },
};

const BUDGET_PATTERN = /^(\d{1,9})\s*\/\s*(\d{1,7})\s*s?$/;

/**
 * `<requests>/<seconds>` from an operator ("600/60"), or `off`. Undefined when the text is neither.
 * The scope stays the platform's: an app budget cannot become a per-host one by configuration.
 */
export function parsePollBudget(
  text: string,
  platformDefault: PollBudget | undefined,
): { readonly budget: PollBudget | undefined } | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'off') return { budget: undefined };
  const match = BUDGET_PATTERN.exec(trimmed);
  if (!match) return undefined;
  const requests = Number(match[1]);
  const windowSeconds = Number(match[2]);
  if (requests < 1 || windowSeconds < 1) return undefined;
  return { budget: { scope: platformDefault?.scope ?? 'app', requests, windowSeconds } };
}

/** The `platform_budgets.scope` a poll of this account counts against. */
export function budgetScopeOf(budget: PollBudget, instanceUrl: string | undefined): string {
  if (budget.scope === 'app') return 'app';
  // No instance of its own: the account lives on the platform's default host, shared by all such.
  if (instanceUrl === undefined) return 'host:default';
  try {
    return `host:${new URL(instanceUrl).host.toLowerCase()}`;
  } catch {
    return 'host:default';
  }
}

export type BudgetAnswer = { readonly granted: true } | { readonly granted: false; readonly resetAt: Date };

/**
 * Take one request from the budget, atomically for every process: a new window starts when the last
 * one has ended; within a window, a request is granted while some are left.
 */
export async function takeBudget(
  db: Queryable,
  platform: SocialPlatform,
  scope: string,
  budget: PollBudget,
): Promise<BudgetAnswer> {
  // One statement: the row lock of the upsert serialises concurrent takers, so a window never
  // grants more than `requests`, however many workers ask at once.
  const { rows } = await db.query<{ granted: boolean; reset_at: Date }>(
    `WITH taken AS (
       INSERT INTO platform_budgets AS b (platform, scope, remaining, reset_at)
       VALUES ($1, $2, $3 - 1, now() + make_interval(secs => $4))
       ON CONFLICT (platform, scope) DO UPDATE SET
         remaining = CASE WHEN b.reset_at <= now() THEN $3 - 1 ELSE coalesce(b.remaining, $3) - 1 END,
         reset_at = CASE WHEN b.reset_at <= now() THEN now() + make_interval(secs => $4) ELSE b.reset_at END,
         updated_at = now()
        WHERE b.reset_at <= now() OR coalesce(b.remaining, $3) > 0
       RETURNING b.reset_at)
     SELECT true AS granted, reset_at FROM taken
     UNION ALL
     SELECT false, reset_at FROM platform_budgets
      WHERE platform = $1 AND scope = $2 AND NOT EXISTS (SELECT 1 FROM taken)`,
    [platform, scope, budget.requests, budget.windowSeconds],
  );
  const row = rows[0];
  if (row?.granted) return { granted: true };
  // No row at all: another process created the window after this statement's snapshot and it is
  // already spent (a budget of one); ask again in a moment rather than guess its end.
  return { granted: false, resetAt: row?.reset_at ?? new Date(Date.now() + 1_000) };
}
