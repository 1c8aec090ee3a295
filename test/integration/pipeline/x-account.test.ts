import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverFeed } from '../../../worker/delivery/deliver-feed.js';
import { pollAccount } from '../../../worker/poll/poll-account.js';
import { startXFake, X_FAKE_CLIENT, type XFake } from '../../fakes/x.js';
import { testLogger } from '../../support/database.js';
import { createPipelineWorld, type PipelineWorld } from '../../support/pipeline.js';

describe('import pipeline: an X account (tokens, refresh, engagement)', () => {
  let x: XFake;
  let world: PipelineWorld;

  beforeAll(async () => {
    x = await startXFake();
    world = await createPipelineWorld({
      HERALD_X_API_URL: x.url,
      HERALD_X_CLIENT_ID: X_FAKE_CLIENT.clientId,
      HERALD_X_CLIENT_SECRET: X_FAKE_CLIENT.clientSecret,
    });
  });
  afterAll(async () => {
    await world.close();
    await x.close();
  });

  const deliver = (feedId: string) =>
    deliverFeed({ pool: world.db.pool, senders: world.senders.senderFor, logger: testLogger }, feedId);

  /**
   * A linked X account. Real tokens are issued by the fake unless `tokens` is given; the stored
   * expiry is `expiresInMs` from now.
   */
  async function linkX(
    username: string,
    expiresInMs: number,
    tokens?: { accessToken: string; refreshToken?: string },
  ) {
    const user = x.addUser({ username, name: username });
    const issued = tokens ?? x.issueTokens(user.id);
    const { rows } = await world.db.pool.query<{ id: string }>(
      `INSERT INTO social_accounts (tenant_id, platform, platform_account_id, handle, access_token_enc, refresh_token_enc, token_expires_at)
       VALUES ($1, 'x', $2, $3, $4, $5, $6) RETURNING id`,
      [
        world.tenantId,
        user.id,
        username,
        world.keyring.encrypt(issued.accessToken),
        issued.refreshToken ? world.keyring.encrypt(issued.refreshToken) : null,
        new Date(Date.now() + expiresInMs),
      ],
    );
    return { accountId: rows[0]!.id, userId: user.id, tokens: issued };
  }

  async function storedTokens(accountId: string) {
    const { rows } = await world.db.pool.query<{
      access_token_enc: string;
      refresh_token_enc: string;
      status: string;
    }>('SELECT access_token_enc, refresh_token_enc, status FROM social_accounts WHERE id = $1', [accountId]);
    const row = rows[0]!;
    return {
      access: world.keyring.decrypt(row.access_token_enc),
      refresh: world.keyring.decrypt(row.refresh_token_enc),
      status: row.status,
    };
  }

  async function noticeCount(accountId: string): Promise<number> {
    const { rows } = await world.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        WHERE t.identifier = 'notify_channels' AND j.payload->>'accountId' = $1`,
      [accountId],
    );
    return rows[0]!.n;
  }

  it('GIVEN an access token that expired early THEN the poll refreshes once, stores the new pair and still delivers', async () => {
    const { accountId, userId, tokens } = await linkX('refresher', 3_600_000);
    x.expireToken(tokens.accessToken);
    const { feedId, channelId } = await world.addFeed(accountId, {
      createdAt: new Date(Date.now() - 60_000),
    });
    x.addTweet({ authorId: userId, text: 'Fresh after a refresh' });

    const outcome = await pollAccount(world.pollDeps(), accountId);
    expect(outcome.error).toBeUndefined();
    expect(outcome).toMatchObject({ status: 'polled', pending: 1 });
    const after = await storedTokens(accountId);
    expect(after.access).not.toBe(tokens.accessToken);
    expect(after.refresh).not.toBe(tokens.refreshToken);
    expect(x.requestsTo('POST', '/2/oauth2/token')).toHaveLength(1);
    await deliver(feedId);
    expect(world.slack.messages(channelId).map((m) => m.text)).toEqual([
      expect.stringContaining('Fresh after a refresh'),
    ]);
  });

  it('GIVEN a token about to expire THEN it is refreshed before the timeline is read', async () => {
    const { accountId } = await linkX('ahead', 60_000);
    await world.addFeed(accountId);
    const before = x.requests.length;
    await pollAccount(world.pollDeps(), accountId);
    const calls = x.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(calls[0]).toBe('POST /2/oauth2/token');
    expect(calls[1]).toMatch(/^GET \/2\/users\/\d+\/tweets$/);
  });

  it('GIVEN a refresh token the platform refuses THEN the account needs reconnecting and the channels are told once', async () => {
    const { accountId } = await linkX('revoked', -60_000, {
      accessToken: 'expired-token',
      refreshToken: 'unknown-refresh-token',
    });
    await world.addFeed(accountId);
    expect(await pollAccount(world.pollDeps(), accountId)).toMatchObject({ status: 'failed' });
    expect((await storedTokens(accountId)).status).toBe('needs_reconnect');
    expect(await noticeCount(accountId)).toBe(1);
    // Polling again (an operator's import-now, a stale job) neither calls X nor tells anyone twice.
    expect(await pollAccount(world.pollDeps(), accountId)).toMatchObject({ status: 'skipped' });
    expect(await noticeCount(accountId)).toBe(1);
  });

  it('GIVEN a minimum engagement THEN a post is held, delivered once it crosses, and another dropped when its window ends', async () => {
    const { accountId, userId } = await linkX('popular', 3_600_000);
    const { feedId, channelId } = await world.addFeed(accountId, {
      createdAt: new Date(Date.now() - 60_000),
      filters: { minEngagement: 10 },
    });
    const rising = x.addTweet({ authorId: userId, text: 'This one takes off' });
    x.addTweet({ authorId: userId, text: 'This one does not' });

    await pollAccount(world.pollDeps(), accountId);
    const held = await world.db.pool.query<{ status: string }>(
      `SELECT status FROM deliveries WHERE feed_id = $1`,
      [feedId],
    );
    expect(held.rows.map((r) => r.status)).toEqual(['held', 'held']);

    (rising.public_metrics as { like_count: number }).like_count = 12;
    await pollAccount(world.pollDeps(), accountId, 'manual');
    await deliver(feedId);
    expect(world.slack.messages(channelId).map((m) => m.text)).toEqual([
      expect.stringContaining('This one takes off'),
    ]);
    expect(x.requests.some((r) => r.path === '/2/tweets' && r.query.get('ids')?.includes(rising.id))).toBe(
      true,
    );

    // The window ends: what is still below the threshold is dropped, with the reason.
    await pollAccount(
      world.pollDeps({ settings: { ...world.config.worker, engagementWindowMs: 1 } }),
      accountId,
      'manual',
    );
    const final = await world.db.pool.query<{ status: string; summary: string }>(
      `SELECT d.status, d.verdict->>'summary' AS summary FROM deliveries d WHERE feed_id = $1 ORDER BY published_at`,
      [feedId],
    );
    expect(final.rows).toEqual([
      { status: 'delivered', summary: 'delivers: engagement 12 ≥ 10' },
      { status: 'filtered', summary: expect.stringMatching(/^blocked: engagement stayed below 10/) },
    ]);
  });
  describe('app-wide budgets', () => {
    const timelineCalls = () => x.requests.filter((r) => /^\/2\/users\/[^/]+\/tweets$/.test(r.path)).length;
    const clearBudgets = () => world.db.pool.query(`DELETE FROM platform_budgets WHERE platform = 'x'`);
    const nextPoll = async (accountId: string) => {
      const { rows } = await world.db.pool.query<{ next_poll_at: Date; consecutive_failures: number }>(
        'SELECT next_poll_at, consecutive_failures FROM social_accounts WHERE id = $1',
        [accountId],
      );
      return rows[0]!;
    };

    it("GIVEN the app's poll budget spent THEN further accounts wait for the next window without calling X", async () => {
      await clearBudgets();
      const deps = world.pollDeps({
        settings: {
          ...world.config.worker,
          pollBudgets: { x: { scope: 'app', requests: 2, windowSeconds: 3_600 } },
        },
      });
      const accounts = [];
      for (const name of ['budget_a', 'budget_b', 'budget_c']) {
        const { accountId } = await linkX(name, 3_600_000);
        await world.addFeed(accountId);
        accounts.push(accountId);
      }
      const before = timelineCalls();
      const outcomes = [];
      for (const accountId of accounts) outcomes.push(await pollAccount(deps, accountId, 'manual'));
      expect(outcomes.map((o) => o.status)).toEqual(['polled', 'polled', 'deferred']);
      expect(timelineCalls() - before).toBe(2);
      const waiting = await nextPoll(accounts[2]!);
      // At the window's end, spread over its next tenth; the wait is not a failure of the account.
      expect(waiting.next_poll_at.getTime() - Date.now()).toBeGreaterThan(3_590_000);
      expect(waiting.next_poll_at.getTime() - Date.now()).toBeLessThanOrEqual(3_960_000);
      expect(waiting.consecutive_failures).toBe(0);
      await clearBudgets();
    });

    it("GIVEN X says the app's usage cap is spent THEN every X account waits for its reset, not just the one polled", async () => {
      await clearBudgets();
      const first = await linkX('capped_a', 3_600_000);
      const second = await linkX('capped_b', 3_600_000);
      await world.addFeed(first.accountId);
      await world.addFeed(second.accountId);
      x.usageCap({ resetInSeconds: 7_200 });
      expect(await pollAccount(world.pollDeps(), first.accountId, 'manual')).toMatchObject({
        status: 'failed',
      });
      const blocked = await world.db.pool.query<{ scope: string }>(
        `SELECT scope FROM platform_budgets WHERE platform = 'x' AND reset_at > now() + interval '1 hour'`,
      );
      expect(blocked.rows).toEqual([{ scope: 'app' }]);
      expect((await nextPoll(first.accountId)).consecutive_failures).toBe(0);

      const before = timelineCalls();
      expect(await pollAccount(world.pollDeps(), second.accountId, 'manual')).toMatchObject({
        status: 'deferred',
      });
      expect(timelineCalls()).toBe(before);
      expect((await nextPoll(second.accountId)).next_poll_at.getTime() - Date.now()).toBeGreaterThan(
        7_000_000,
      );
      await clearBudgets();
    });
  });
});
