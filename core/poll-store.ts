/**
 * An account's poll, as the database sees it: which accounts are due, one account loaded with its
 * feeds and its platform's wait in one query, and the poll's outcome written in one statement that
 * also keeps the import log and queues the next poll and the feeds' deliveries.
 */
import type { Keyring } from './crypto.js';
import type { Queryable } from './db/pool.js';
import { feedFiltersSchema, type FeedFilters } from './feed-filters.js';
import { pollJobSql } from './jobs.js';
import {
  ACCOUNT_COLUMNS,
  toLinkedAccount,
  type AccountRow,
  type LinkedAccountRecord,
} from './linked-accounts.js';
import type { ChatPlatform } from './platforms.js';

export interface FeedForPoll {
  readonly id: string;
  readonly tenantId: string;
  readonly chatPlatform: ChatPlatform;
  readonly channelId: string;
  readonly filters: FeedFilters;
  readonly mentionRoleId: string | undefined;
  readonly deliverSince: Date;
  readonly backfillCount: number;
  readonly backfillDone: boolean;
}

export interface AccountForPoll {
  readonly account: LinkedAccountRecord;
  readonly pollIntervalSeconds: number | undefined;
  readonly consecutiveFailures: number;
  readonly feeds: readonly FeedForPoll[];
  /** Until when the platform told Herald to stop calling for this account (or the whole app). */
  readonly blockedUntil: Date | undefined;
}

/**
 * The scheduler ticks once a minute and a poll sets its next time a moment after the tick: without a
 * margin, a 60 s interval would be polled every 120 s.
 */
const SCHEDULE_MARGIN_SECONDS = 10;
/**
 * How far a claimed poll pushes `next_poll_at`. The poll sets the real time when it ends; if it never
 * ends (its worker died), the scheduler takes the account up again after this.
 */
const CLAIM_LEASE_SECONDS = 120;

/** Active accounts whose next poll has come and that have at least one running feed. */
export async function dueAccounts(db: Queryable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT a.id FROM social_accounts a
      WHERE a.status = 'active' AND a.next_poll_at <= now() + interval '${SCHEDULE_MARGIN_SECONDS} seconds'
        AND EXISTS (SELECT 1 FROM feeds f WHERE f.account_id = a.id AND NOT f.paused)
      ORDER BY a.next_poll_at
      LIMIT $1`,
    [limit],
  );
  return rows.map((row) => row.id);
}

/** Queue a poll for each account (the scheduler); an account whose poll is queued or running keeps it. */
export async function queuePolls(db: Queryable, accountIds: readonly string[]): Promise<void> {
  if (accountIds.length === 0) return;
  await db.query(`SELECT ${pollJobSql('id', 'now()', 'unsafe_dedupe')} FROM unnest($1::uuid[]) AS id`, [
    accountIds,
  ]);
}

interface FeedJson {
  id: string;
  tenant_id: string;
  chat_platform: ChatPlatform;
  channel_id: string;
  filters: unknown;
  mention_role_id: string | null;
  deliver_since: string;
  backfill_count: number;
  backfill_done: boolean;
}

type LoadRow = AccountRow & {
  poll_interval_seconds: number | null;
  consecutive_failures: number;
  feeds: FeedJson[];
  blocked_until: Date | null;
};

const LOAD_SELECT = `SELECT a.*,
    (SELECT coalesce(json_agg(json_build_object(
              'id', f.id, 'tenant_id', f.tenant_id, 'chat_platform', t.chat_platform, 'channel_id', f.channel_id,
              'filters', f.filters, 'mention_role_id', f.mention_role_id, 'deliver_since', f.deliver_since,
              'backfill_count', f.backfill_count, 'backfill_done', f.backfill_done) ORDER BY f.created_at), '[]')
       FROM feeds f JOIN tenants t ON t.id = f.tenant_id
      WHERE f.account_id = a.id AND NOT f.paused AND t.status = 'active') AS feeds,
    (SELECT max(b.reset_at) FROM platform_budgets b
      WHERE b.platform = a.platform AND b.scope IN ('app', a.id::text) AND b.reset_at > now()
        AND coalesce(b.remaining, 0) <= 0) AS blocked_until
  FROM target a`;

/**
 * The account with its running feeds, for one poll. A scheduled poll (`claim`) first takes the
 * account: only when it is active and due, moving `next_poll_at` a lease ahead (the poll then sets
 * the real next time), so a poll queued just after another finished finds nothing to do.
 */
export async function loadAccountForPoll(
  db: Queryable,
  keyring: Keyring,
  accountId: string,
  options: { readonly claim: boolean },
): Promise<AccountForPoll | undefined> {
  const columns = `${ACCOUNT_COLUMNS}, poll_interval_seconds, consecutive_failures`;
  const { rows } = options.claim
    ? await db.query<LoadRow>(
        `WITH target AS (
           UPDATE social_accounts SET next_poll_at = now() + make_interval(secs => ${CLAIM_LEASE_SECONDS})
            WHERE id = $1 AND status = 'active'
              AND next_poll_at <= now() + interval '${SCHEDULE_MARGIN_SECONDS} seconds'
            RETURNING ${columns})
         ${LOAD_SELECT}`,
        [accountId],
      )
    : await db.query<LoadRow>(
        `WITH target AS (SELECT ${columns} FROM social_accounts WHERE id = $1) ${LOAD_SELECT}`,
        [accountId],
      );
  const row = rows[0];
  if (!row) return undefined;
  return {
    account: toLinkedAccount(row, keyring),
    pollIntervalSeconds: row.poll_interval_seconds ?? undefined,
    consecutiveFailures: row.consecutive_failures,
    blockedUntil: row.blocked_until ?? undefined,
    feeds: row.feeds.map((feed) => ({
      id: feed.id,
      tenantId: feed.tenant_id,
      chatPlatform: feed.chat_platform,
      channelId: feed.channel_id,
      // A stored filter that no longer parses must not stop the feed: it passes nothing until fixed.
      filters: feedFiltersSchema.catch({ hashtags: ['\u0000unreadable-filters'] }).parse(feed.filters),
      mentionRoleId: feed.mention_role_id ?? undefined,
      deliverSince: new Date(feed.deliver_since),
      backfillCount: feed.backfill_count,
      backfillDone: feed.backfill_done,
    })),
  };
}

/**
 * Only reschedule (waiting for a platform): the cursor and failure count stay, and the next poll is
 * queued for then. Nothing is logged: nothing was asked of the platform.
 */
export async function deferPoll(db: Queryable, accountId: string, nextPollAt: Date): Promise<void> {
  await db.query(
    `WITH account AS (UPDATE social_accounts SET next_poll_at = $2 WHERE id = $1 RETURNING id, status, next_poll_at)
     SELECT ${pollJobSql('account.id::text', 'account.next_poll_at', 'replace')} FROM account
      WHERE account.status = 'active'`,
    [accountId, nextPollAt],
  );
}

/** An account with no running feed is not polled; the scheduler takes it up again when one is added. */
export async function parkPoll(db: Queryable, accountId: string, nextPollAt: Date): Promise<void> {
  await db.query('UPDATE social_accounts SET next_poll_at = $2 WHERE id = $1', [accountId, nextPollAt]);
}

/**
 * Take an account out of polling (paused after too many failures, or needing a reconnect). Returns
 * true only the first time for this problem, so the channels are told once.
 */
export async function setAccountProblem(
  db: Queryable,
  accountId: string,
  status: 'paused' | 'needs_reconnect',
  reason: string,
): Promise<boolean> {
  const { rows } = await db.query<{ first: boolean }>(
    `UPDATE social_accounts SET status = $2, status_reason = $3, updated_at = now(),
            problem_notified_at = COALESCE(problem_notified_at, now())
      WHERE id = $1
      RETURNING problem_notified_at = now() AS first`,
    [accountId, status, reason],
  );
  return rows[0]?.first ?? false;
}

/** New tokens after a refresh, stored together (X refresh tokens are single-use). */
export async function storeRefreshedTokens(
  db: Queryable,
  keyring: Keyring,
  accountId: string,
  tokens: { accessToken: string; refreshToken?: string | undefined; expiresAt?: Date | undefined },
): Promise<void> {
  await db.query(
    `UPDATE social_accounts SET access_token_enc = $2, refresh_token_enc = COALESCE($3, refresh_token_enc),
            token_expires_at = $4, updated_at = now()
      WHERE id = $1`,
    [
      accountId,
      keyring.encrypt(tokens.accessToken),
      tokens.refreshToken ? keyring.encrypt(tokens.refreshToken) : null,
      tokens.expiresAt ?? null,
    ],
  );
}

/** Remember a platform's "not before" for every worker process. */
export async function recordBudget(
  db: Queryable,
  platform: string,
  scope: string,
  resetAt: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO platform_budgets (platform, scope, remaining, reset_at) VALUES ($1, $2, 0, $3)
     ON CONFLICT (platform, scope) DO UPDATE SET remaining = 0, reset_at = greatest(platform_budgets.reset_at, EXCLUDED.reset_at), updated_at = now()`,
    [platform, scope, resetAt],
  );
}

/**
 * Poll an account now, whatever its schedule (an admin asked): replaces its queued poll. Returns
 * when it was asked, to find the poll's import log afterwards.
 */
export async function requestPollNow(db: Queryable, accountId: string): Promise<Date> {
  const { rows } = await db.query<{ asked: Date }>(
    `SELECT now() AS asked, ${pollJobSql('$1::text', 'now()', 'replace', 'manual')}`,
    [accountId],
  );
  return rows[0]?.asked ?? new Date();
}

export interface ImportLogEntry {
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly fetched: number;
  readonly newPosts: number;
  readonly delivered: number;
  readonly filteredOut: number;
  readonly error: string | undefined;
}

/** The first poll of an account logged since `since`, if it finished. */
export async function importLogSince(
  db: Queryable,
  accountId: string,
  since: Date,
): Promise<ImportLogEntry | undefined> {
  const { rows } = await db.query<{
    status: ImportLogEntry['status'];
    fetched: number;
    new_posts: number;
    delivered: number;
    filtered_out: number;
    error: string | null;
  }>(
    `SELECT status, fetched, new_posts, delivered, filtered_out, error FROM import_logs
      WHERE account_id = $1 AND started_at >= $2 ORDER BY started_at LIMIT 1`,
    [accountId, since],
  );
  const row = rows[0];
  return row
    ? {
        status: row.status,
        fetched: row.fetched,
        newPosts: row.new_posts,
        delivered: row.delivered,
        filteredOut: row.filtered_out,
        error: row.error ?? undefined,
      }
    : undefined;
}
