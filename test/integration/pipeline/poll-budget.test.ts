import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../../core/db/pool.js';
import { budgetScopeOf, takeBudget, type PollBudget } from '../../../core/poll-budget.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../../support/database.js';

describe('poll budgets in PostgreSQL', () => {
  let db: TestDatabase;
  let other: Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    // A second pool stands for a second worker process: the budget must hold across both.
    other = createPool(db.url, testLogger, { max: 5 });
  });
  afterAll(async () => {
    await other.end();
    await db.drop();
  });

  const budget: PollBudget = { scope: 'app', requests: 20, windowSeconds: 600 };

  it('GIVEN many polls at once from two processes THEN a window grants exactly its requests and says when it ends', async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => takeBudget(i % 2 === 0 ? db.pool : other, 'x', 'app', budget)),
    );
    expect(answers.filter((a) => a.granted)).toHaveLength(20);
    const refused = answers.filter((a) => !a.granted);
    expect(refused).toHaveLength(40);
    const resets = new Set(refused.map((a) => (a.granted ? 0 : a.resetAt.getTime())));
    expect(resets.size).toBe(1);
    const [reset] = [...resets];
    expect(reset! - Date.now()).toBeGreaterThan(590_000);
    expect(reset! - Date.now()).toBeLessThanOrEqual(600_000);
  });

  it('GIVEN the window has ended THEN a new one starts full', async () => {
    await db.pool.query(
      `UPDATE platform_budgets SET reset_at = now() - interval '1 second' WHERE platform = 'x' AND scope = 'app'`,
    );
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => takeBudget(other, 'x', 'app', budget)),
    );
    expect(answers.filter((a) => a.granted)).toHaveLength(20);
  });

  it("GIVEN a platform's 429 recorded for the app THEN no poll is granted before its reset, whatever is left", async () => {
    await db.pool.query(
      `UPDATE platform_budgets SET remaining = 0, reset_at = now() + interval '2 hours' WHERE platform = 'x' AND scope = 'app'`,
    );
    const answer = await takeBudget(db.pool, 'x', 'app', { ...budget, requests: 1_000 });
    expect(answer.granted).toBe(false);
    expect(answer.granted ? 0 : answer.resetAt.getTime() - Date.now()).toBeGreaterThan(7_000_000);
  });

  it('GIVEN per-instance budgets THEN each instance counts on its own and the app budget is untouched', async () => {
    const perHost: PollBudget = { scope: 'host', requests: 2, windowSeconds: 300 };
    const social = budgetScopeOf(perHost, 'https://Mastodon.Social/');
    const other = budgetScopeOf(perHost, 'https://fosstodon.org');
    expect([social, other]).toEqual(['host:mastodon.social', 'host:fosstodon.org']);
    const take = (scope: string) => takeBudget(db.pool, 'mastodon', scope, perHost);
    const granted = [await take(social), await take(social), await take(social), await take(other)];
    expect(granted.map((a) => a.granted)).toEqual([true, true, false, true]);
    expect(budgetScopeOf({ ...perHost, scope: 'app' }, 'https://mastodon.social')).toBe('app');
  });
});
