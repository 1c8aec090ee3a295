/**
 * Where a post can go: the tenant's linked accounts (not RSS feeds), then accounts connected at an
 * aggregator on platforms with no linked account (a linked account is always preferred: its
 * results are Herald's own to check). Named by id, handle or platform; all of them when none is.
 */
import { listAccounts } from '../../core/account-store.js';
import { tenantAggregatorKeys } from '../../core/aggregator-keys.js';
import { routedAccounts } from '../../social/aggregators/accounts.js';
import type { CommandContext } from './context.js';
import { CommandError } from './errors.js';
import { aggregatorTarget, linkedTarget, type PreviewTarget } from './post-preview.js';

interface Choice {
  readonly id: string;
  readonly handle: string;
  readonly platform: string;
  readonly preview: () => Promise<PreviewTarget | undefined>;
}

async function choices(ctx: CommandContext): Promise<{ choices: Choice[]; problems: readonly string[] }> {
  const linked = (await listAccounts(ctx.deps.pool, ctx.tenant.id)).filter((a) => a.platform !== 'rss');
  const found: Choice[] = linked.map((account) => ({
    id: account.id,
    handle: account.handle,
    platform: account.platform,
    preview: () => linkedTarget(ctx, account),
  }));
  const routes = ctx.deps.registry.aggregators.forTenant(
    await tenantAggregatorKeys(ctx.deps.pool, ctx.deps.keyring, ctx.tenant.id),
  );
  if (routes.length === 0) return { choices: found, problems: [] };
  const { accounts, problems } = await routedAccounts(routes);
  const direct = new Set(linked.map((a) => a.platform as string));
  const seen = new Set<string>();
  for (const { route, account } of accounts) {
    // The first route with the account wins; later ones are its failover.
    const key = `${account.platform}:${account.username.toLowerCase()}`;
    if (direct.has(account.platform) || seen.has(key)) continue;
    seen.add(key);
    found.push({
      id: account.id,
      handle: account.username,
      platform: account.platform,
      preview: async () =>
        aggregatorTarget(ctx, {
          via: route.aggregator,
          platform: account.platform,
          account: { id: account.id, username: account.username, profileId: account.profileId },
        }),
    });
  }
  return { choices: found, problems };
}

/** The targets named in `typed` (comma-separated ids, handles or platforms), or all. */
export async function pickTargets(
  ctx: CommandContext,
  typed: string | undefined,
): Promise<{ targets: PreviewTarget[]; problems: readonly string[] }> {
  const { choices: all, problems } = await choices(ctx);
  let picked = all;
  if (typed) {
    const chosen = new Map<string, Choice>();
    for (const word of typed
      .split(',')
      .map((w) => w.trim().replace(/^@/, '').toLowerCase())
      .filter(Boolean)) {
      const matches = all.filter(
        (c) => c.id === word || c.handle.toLowerCase() === word || c.platform === word,
      );
      if (matches.length === 0)
        throw new CommandError(
          'not-found',
          `No account you can post to matches "${word}". Run \`social accounts\`.`,
        );
      for (const match of matches) chosen.set(`${match.platform}:${match.id}`, match);
    }
    picked = [...chosen.values()];
  }
  const targets = (await Promise.all(picked.map((c) => c.preview()))).flatMap((t) => (t ? [t] : []));
  return { targets, problems };
}
