/**
 * One poll of one account: fetch since the cursor, store the posts, decide every feed's deliveries,
 * queue their sending, and schedule the next poll. Failures never throw out of here: they move
 * `next_poll_at` (a rate limit waits as told, errors back off with jitter), and after too many, or
 * when access is gone, the account stops being polled and its channels are told once.
 */
import type { Config } from '../../core/config.js';
import type { Keyring } from '../../core/crypto.js';
import { withTransaction, type Pool } from '../../core/db/pool.js';
import { ProviderError } from '../../core/errors.js';
import {
  insertDeliveries,
  markBackfillDone,
  recentPosts,
  uniquePosts,
  upsertPosts,
  type NewDelivery,
} from '../../core/import-store.js';
import type { Logger } from '../../core/logger.js';
import { PLATFORM_INFO } from '../../core/platforms.js';
import {
  deferPoll,
  loadAccountForPoll,
  parkPoll,
  recordBudget,
  setAccountProblem,
  type AccountForPoll,
} from '../../core/poll-store.js';
import { budgetScopeOf, takeBudget } from '../../core/poll-budget.js';
import { recordPollFailure, recordPollImport, recordPollSuccess } from '../../core/poll-outcome.js';
import type { AccountRef, FetchResult, SocialProvider } from '../../social/provider.js';
import { decideAll, decideBackfill, verdictFor, type DecideContext } from './decide.js';
import { recheckHeld } from './held.js';
import { accountRefOf, refreshAccount, REFRESH_AHEAD_MS } from './refresh.js';

export interface PollDeps {
  readonly pool: Pool;
  readonly keyring: Keyring;
  readonly providers: { get(platform: AccountRef['platform']): SocialProvider };
  readonly settings: Config['worker'];
  readonly logger: Logger;
  /** Queue the "tell the channels" notice for an account (a job, so it is retried on its own). */
  readonly notify: (db: Pool, accountId: string, text: string) => Promise<void>;
  readonly now?: () => Date;
  readonly random?: () => number;
}

export interface PollOutcome {
  readonly status: 'polled' | 'skipped' | 'deferred' | 'failed';
  readonly fetched: number;
  readonly newPosts: number;
  readonly pending: number;
  readonly filtered: number;
  readonly error?: string;
}

const EMPTY = { fetched: 0, newPosts: 0, pending: 0, filtered: 0 };
const MAX_BACKOFF_MS = 6 * 3_600_000;

export async function pollAccount(
  deps: PollDeps,
  accountId: string,
  trigger: 'schedule' | 'manual' = 'schedule',
): Promise<PollOutcome> {
  const now = deps.now?.() ?? new Date();
  // A scheduled poll claims the account: a job queued just after another poll finished (the scheduler
  // read the account as due a moment before) finds it no longer due and does nothing.
  const loaded = await loadAccountForPoll(deps.pool, deps.keyring, accountId, {
    claim: trigger === 'schedule',
  });
  if (!loaded || loaded.account.status !== 'active') return { status: 'skipped', ...EMPTY };
  const intervalMs = (loaded.pollIntervalSeconds ?? deps.settings.pollIntervalSeconds) * 1000;
  if (loaded.feeds.length === 0) {
    await parkPoll(deps.pool, accountId, new Date(now.getTime() + intervalMs));
    return { status: 'skipped', ...EMPTY };
  }
  if (loaded.blockedUntil && loaded.blockedUntil > now) {
    await deferPoll(deps.pool, accountId, loaded.blockedUntil);
    return { status: 'deferred', ...EMPTY };
  }
  const budget = deps.settings.pollBudgets[loaded.account.platform];
  if (budget) {
    const scope = budgetScopeOf(budget, loaded.account.instanceUrl);
    const answer = await takeBudget(deps.pool, loaded.account.platform, scope, budget);
    if (!answer.granted) {
      // Spread the accounts that found the window spent over the next one's first tenth, so they
      // do not all ask again at the same instant.
      const spread = (deps.random ?? Math.random)() * budget.windowSeconds * 100;
      await deferPoll(deps.pool, accountId, new Date(answer.resetAt.getTime() + spread));
      deps.logger.info(
        { event: 'poll.budget_spent', platform: loaded.account.platform, scope, resetAt: answer.resetAt },
        'poll budget spent; poll deferred',
      );
      return { status: 'deferred', ...EMPTY };
    }
  }

  const provider = deps.providers.get(loaded.account.platform);
  const log = { trigger, startedAt: now };
  let result: FetchResult;
  try {
    result = await fetchWithRefresh(deps, provider, loaded, now);
  } catch (err) {
    const failure = provider.classifyError(err);
    await handleFailure(deps, loaded, failure, { now, intervalMs, log });
    return { status: 'failed', ...EMPTY, error: failure.message };
  }
  return storePoll(deps, provider, loaded, result, { now, intervalMs, log });
}

interface PollTiming {
  readonly now: Date;
  readonly intervalMs: number;
  readonly log: { readonly trigger: 'schedule' | 'manual'; readonly startedAt: Date };
}

async function fetchWithRefresh(
  deps: PollDeps,
  provider: SocialProvider,
  loaded: AccountForPoll,
  now: Date,
): Promise<FetchResult> {
  let ref = accountRefOf(loaded.account);
  const expiresAt = loaded.account.tokenExpiresAt;
  if (provider.refresh && expiresAt && expiresAt.getTime() - now.getTime() < REFRESH_AHEAD_MS) {
    ref = await refreshAccount(deps, provider, loaded.account.id, ref.credentials?.accessToken);
  }
  try {
    return await provider.fetchPosts(ref, loaded.account.cursor);
  } catch (err) {
    const failure = provider.classifyError(err);
    if (failure.kind !== 'refresh-token' || !provider.refresh) throw failure;
    // The token expired early: refresh once and retry once; a second expiry means access is gone.
    ref = await refreshAccount(deps, provider, loaded.account.id, ref.credentials?.accessToken);
    try {
      return await provider.fetchPosts(ref, loaded.account.cursor);
    } catch (retryErr) {
      const retried = provider.classifyError(retryErr);
      throw retried.kind === 'refresh-token'
        ? new ProviderError('revoked', `${retried.message} (even after a token refresh)`, retried)
        : retried;
    }
  }
}

async function storePoll(
  deps: PollDeps,
  provider: SocialProvider,
  loaded: AccountForPoll,
  result: FetchResult,
  timing: PollTiming,
): Promise<PollOutcome> {
  const { now, intervalMs } = timing;
  const ctx: DecideContext = { now, engagementWindowMs: deps.settings.engagementWindowMs };
  const accountId = loaded.account.id;
  const held = await recheckHeld(deps, provider, loaded, ctx);
  const nextPollAt = new Date(now.getTime() + intervalMs);
  const cursor = result.notModified ? loaded.account.cursor : result.next;
  const feedIds = loaded.feeds.map((feed) => feed.id);
  const backfilling = loaded.feeds.filter((feed) => !feed.backfillDone);
  if (result.posts.length === 0 && backfilling.length === 0 && !held) {
    // Nothing new (often a 304): no transaction, one statement.
    const log = { ...timing.log, counts: { fetched: 0, newPosts: 0, delivered: 0, filteredOut: 0 } };
    await recordPollSuccess(deps.pool, accountId, { cursor, nextPollAt, log, feedIds });
    return { status: 'polled', ...EMPTY };
  }
  if (!backfilling.some((feed) => feed.backfillCount > 0) && !held) {
    // The common case, new posts and nothing else to settle: one statement. Verdicts come first,
    // from the fetched posts; a new post is first seen now.
    const posts = uniquePosts(result.posts);
    const decisions = loaded.feeds.flatMap((feed) =>
      posts.map((post) => ({
        feedId: feed.id,
        platformId: post.platformId,
        ...verdictFor(feed, { publishedAt: new Date(post.createdAt), firstSeenAt: now, post }, ctx),
      })),
    );
    const counts = await recordPollImport(deps.pool, accountId, {
      cursor,
      nextPollAt,
      log: timing.log,
      feedIds,
      fetched: result.posts.length,
      posts,
      decisions,
      engagementWindowMs: deps.settings.engagementWindowMs,
      backfillDone: backfilling.map((feed) => feed.id),
    });
    return { status: 'polled', fetched: result.posts.length, ...counts };
  }
  return withTransaction(deps.pool, async (client) => {
    const stored = await upsertPosts(client, accountId, result.posts);
    const backfill: NewDelivery[] = [];
    if (backfilling.some((feed) => feed.backfillCount > 0)) {
      const history = await recentPosts(client, accountId, 50);
      for (const feed of backfilling) backfill.push(...decideBackfill(feed, history, ctx));
    }
    // A backfilled post would otherwise also be decided as history: the backfill decision wins.
    const byPair = new Map<string, NewDelivery>();
    for (const delivery of [...backfill, ...decideAll(loaded.feeds, stored, ctx)]) {
      const key = `${delivery.feedId}:${delivery.postId}`;
      if (!byPair.has(key)) byPair.set(key, delivery);
    }
    const deliveries = [...byPair.values()];
    await insertDeliveries(client, deliveries);
    await markBackfillDone(
      client,
      backfilling.map((feed) => feed.id),
    );
    if (held) await held(client);
    const outcome = {
      status: 'polled',
      fetched: result.posts.length,
      newPosts: stored.filter((post) => post.isNew).length,
      pending: deliveries.filter((d) => d.status === 'pending').length,
      filtered: deliveries.filter((d) => d.status === 'filtered').length,
    } as const;
    const counts = {
      fetched: outcome.fetched,
      newPosts: outcome.newPosts,
      delivered: outcome.pending,
      filteredOut: outcome.filtered,
    };
    await recordPollSuccess(client, accountId, {
      cursor,
      nextPollAt,
      log: { ...timing.log, counts },
      feedIds,
    });
    return outcome;
  });
}

function backoffMs(intervalMs: number, failures: number, random: () => number): number {
  const base = Math.min(intervalMs * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);
  return Math.round(base * (0.75 + random() * 0.5));
}

async function handleFailure(
  deps: PollDeps,
  loaded: AccountForPoll,
  failure: ProviderError,
  timing: PollTiming,
): Promise<void> {
  const { now, intervalMs } = timing;
  const { account } = loaded;
  const name = `@${account.handle} on ${PLATFORM_INFO[account.platform].displayName}`;
  deps.logger.warn(
    {
      accountId: account.id,
      platform: account.platform,
      kind: failure.kind,
      endpoint: failure.endpoint,
      status: failure.status,
      err: failure,
    },
    'poll failed',
  );
  if (failure.kind === 'revoked') {
    // The problem first: an account that is no longer active gets no successor poll.
    const first = await setProblem(deps, account.id, 'needs_reconnect', failure.message);
    await recordPollFailure(
      deps.pool,
      account.id,
      { error: failure.message, nextPollAt: now, countsAsFailure: true },
      timing.log,
    );
    if (first) {
      await deps.notify(
        deps.pool,
        account.id,
        `Herald can no longer read ${name}: access was revoked or expired. Reconnect it with \`/social reconnect ${account.handle}\`.`,
      );
    }
    return;
  }
  const rateLimited = failure.kind === 'retry-later' && failure.retryAfterMs !== undefined;
  const wait = rateLimited
    ? (failure.retryAfterMs ?? 0)
    : backoffMs(intervalMs, loaded.consecutiveFailures + 1, deps.random ?? Math.random);
  const nextPollAt = new Date(now.getTime() + wait);
  if (rateLimited && failure.status === 429) {
    const scope = failure.limitScope === 'app' ? 'app' : account.id;
    await recordBudget(deps.pool, account.platform, scope, nextPollAt);
  }
  const failures = await recordPollFailure(
    deps.pool,
    account.id,
    {
      error: failure.message,
      nextPollAt,
      // Being told to wait is the platform working as designed, not a failure of the account.
      countsAsFailure: !(rateLimited && failure.status === 429),
    },
    timing.log,
  );
  if (failures >= deps.settings.maxPollFailures) {
    const first = await setProblem(
      deps,
      account.id,
      'paused',
      `${failures} failed polls in a row; last: ${failure.message}`,
    );
    if (first) {
      await deps.notify(
        deps.pool,
        account.id,
        `Herald paused ${name} after ${failures} failed attempts in a row (last error: ${failure.message}). Fix the cause, then resume it with \`/social reconnect ${account.handle}\`.`,
      );
    }
  }
}

async function setProblem(
  deps: PollDeps,
  accountId: string,
  status: 'paused' | 'needs_reconnect',
  reason: string,
): Promise<boolean> {
  return setAccountProblem(deps.pool, accountId, status, reason);
}
