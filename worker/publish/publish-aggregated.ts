/**
 * Publishing one target through the aggregators, in the tenant's failover order (its PostForMe key,
 * its LATE key, Herald's PostForMe, Herald's LATE), starting with the route chosen at preview time.
 * A route that answers 429, 5xx or 401 created nothing: the next route with an account on the same
 * platform is tried at once. A call that timed out may have created the post, and neither API takes
 * an idempotency key, so Herald stops there and says so rather than risk posting twice. Once a post
 * exists its id is recorded before its result is known; a retry asks for that result.
 */
import { tenantAggregatorKeys } from '../../core/aggregator-keys.js';
import {
  recordAggregatorAttempt,
  recordAggregatorPost,
  recordAggregatorRetry,
} from '../../core/outbound-aggregated.js';
import type { StoredMedia } from '../../core/outbound-media.js';
import {
  recordPublished,
  recordPublishOutcome,
  type AggregatorTarget,
  type PostToPublish,
  type PublishTarget,
} from '../../core/outbound-store.js';
import type { AggregatorAccount, AggregatorResult } from '../../social/aggregators/aggregator.js';
import { routedAccounts, routeName } from '../../social/aggregators/accounts.js';
import type { AggregatorRoute } from '../../social/aggregators/routes.js';
import type { PublishDeps } from './publish-post.js';

interface Candidate {
  readonly route: AggregatorRoute;
  readonly account: AggregatorAccount;
}

/**
 * The routes to try: the chosen one first, then every later one with an account on the platform.
 * The later routes' accounts are asked for only when the chosen route refused.
 */
async function* candidatesFor(
  routes: readonly AggregatorRoute[],
  chosen: AggregatorTarget,
): AsyncGenerator<Candidate> {
  const startAt = Math.max(
    0,
    routes.findIndex((r) => r.aggregator === chosen.via),
  );
  const first = routes[startAt];
  if (first) yield { route: first, account: { ...chosen.account, platform: chosen.platform } };
  const later = routes.slice(startAt + 1);
  if (later.length === 0) return;
  const { accounts } = await routedAccounts(later);
  for (const route of later) {
    const found = accounts.find((a) => a.route === route && a.account.platform === chosen.platform);
    if (found) yield { route, account: found.account };
  }
}

async function recordResult(
  deps: PublishDeps,
  target: PublishTarget,
  result: AggregatorResult,
  via: string,
): Promise<'done' | 'retry'> {
  switch (result.state) {
    case 'published':
      await recordPublished(deps.pool, target.id, {
        platformPostId: result.platformPostId ?? '',
        url: result.url,
      });
      return 'done';
    case 'failed':
      await recordPublishOutcome(deps.pool, target.id, 'failed', `${via}: ${result.error}`);
      return 'done';
    case 'pending':
      await recordPublishOutcome(deps.pool, target.id, 'unknown', `${via} is still publishing it`);
      return 'retry';
  }
}

export async function publishAggregated(
  deps: PublishDeps,
  post: PostToPublish,
  target: PublishTarget & { readonly aggregator: AggregatorTarget },
  media: readonly StoredMedia[],
): Promise<'done' | 'retry'> {
  const log = deps.logger.child({ postId: post.id, targetId: target.id, platform: target.platform });
  const routes = deps.providers.aggregators.forTenant(
    await tenantAggregatorKeys(deps.pool, deps.keyring, post.tenantId),
  );
  if (target.aggregatorPostId) {
    // An earlier attempt created the post: only its result is missing.
    const route = routes.find((r) => r.aggregator === target.aggregator.via);
    if (!route) {
      await recordPublishOutcome(
        deps.pool,
        target.id,
        'failed',
        `the ${target.aggregator.via} key was removed`,
      );
      return 'done';
    }
    try {
      const account = { ...target.aggregator.account, platform: target.platform };
      const result = await route.client.result(target.aggregatorPostId, account);
      return await recordResult(deps, target, result, route.client.displayName);
    } catch (err) {
      const failure = route.client.classifyError(err);
      if (failure.kind === 'retry-later') return 'retry';
      await recordPublishOutcome(deps.pool, target.id, 'failed', failure.message);
      return 'done';
    }
  }

  const text = (target.items ?? post.items).map((item) => item.text).join('\n\n');
  const refusals: string[] = [];
  for await (const { route, account } of candidatesFor(routes, target.aggregator)) {
    const via = routeName(route);
    await recordAggregatorAttempt(deps.pool, target.id, {
      via: route.aggregator,
      account: { id: account.id, username: account.username, profileId: account.profileId },
    });
    let published;
    try {
      published = await route.client.publish({
        text,
        account,
        media: media.map((m) => ({ data: m.data, mimeType: m.mimeType, fileName: m.fileName })),
      });
    } catch (err) {
      const failure = route.client.classifyError(err);
      const createdNothing =
        failure.status !== undefined && (failure.kind === 'retry-later' || failure.kind === 'revoked');
      if (createdNothing) {
        refusals.push(`${via}: ${failure.message}`);
        log.warn(
          { via: route.aggregator, kind: failure.kind, err: failure.message },
          'aggregator refused: next route',
        );
        continue;
      }
      const message =
        failure.status === undefined
          ? `${via} did not answer (${failure.message}); the post may exist there, so Herald did not try again to avoid posting twice`
          : `${via}: ${failure.message}`;
      await recordPublishOutcome(deps.pool, target.id, 'failed', message);
      log.warn(
        { via: route.aggregator, kind: failure.kind, err: failure.message },
        'aggregator publish failed',
      );
      return 'done';
    }
    await recordAggregatorPost(deps.pool, target.id, published.postId);
    log.info({ via: route.aggregator, state: published.result.state }, 'published through an aggregator');
    return recordResult(deps, target, published.result, via);
  }
  if (refusals.length === 0) {
    await recordPublishOutcome(
      deps.pool,
      target.id,
      'failed',
      `no aggregator route has an account on ${target.platform} any more`,
    );
    return 'done';
  }
  await recordAggregatorRetry(deps.pool, target.id, refusals.join('; '));
  return 'retry';
}
