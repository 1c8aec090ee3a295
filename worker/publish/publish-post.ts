/**
 * Publishing one outbound post: each target account in turn, its intent recorded before the call
 * and its result as soon as it is known. A target found `publishing` or `unknown` (a crash, a
 * timeout, a 5xx: the platform may have the post) is looked for among the account's latest posts
 * first, and published only when it is not there. Refused targets fail with the platform's reason;
 * others stay for the job's retry, which never touches a target that is done.
 */
import { sendFollowUp, type FollowUpTargets } from '../../core/chat-follow-up.js';
import type { Keyring } from '../../core/crypto.js';
import type { Pool } from '../../core/db/pool.js';
import { PartialPublishError, type ProviderError } from '../../core/errors.js';
import { findLinkedAccountById } from '../../core/linked-accounts.js';
import { listOutboundPosts } from '../../core/outbound-history.js';
import { loadMedia, type StoredMedia } from '../../core/outbound-media.js';
import type { Logger } from '../../core/logger.js';
import {
  finishOutboundPost,
  recordPublished,
  recordPublishIntent,
  recordPublishOutcome,
  startPublishing,
  type OutboundItem,
  type OutboundStatus,
  type PostToPublish,
  type PublishTarget,
} from '../../core/outbound-store.js';
import type { SocialPlatform } from '../../core/platforms.js';
import { accountRefOf } from '../../social/account-ref.js';
import type { AggregatorRoutes } from '../../social/aggregators/routes.js';
import type { AccountRef, Draft, DraftMedia, SocialProvider } from '../../social/provider.js';
import { refreshAccount } from '../poll/refresh.js';
import { publishAggregated } from './publish-aggregated.js';

export interface PublishDeps {
  readonly pool: Pool;
  readonly keyring: Keyring;
  readonly providers: {
    get(platform: SocialPlatform): SocialProvider;
    readonly aggregators: AggregatorRoutes;
  };
  readonly logger: Logger;
  /** Where private reports in chat go (Discord's REST base). */
  readonly followUps?: FollowUpTargets;
}

export interface PublishOutcome {
  /** Set once no target is left to try. */
  readonly status: OutboundStatus | undefined;
  /** Targets to try again (the job retries with backoff). */
  readonly retry: number;
}

/** Two texts are the same post when they match once whitespace is folded (platforms reflow it). */
const fold = (text: string) => text.replace(/\s+/g, ' ').trim();

interface Found {
  readonly platformPostId: string;
  readonly url: string;
  /** Items of the thread found, from the first: all of them when the thread is complete. */
  readonly items: number;
}

/** The post among the account's latest, if a previous attempt published it after all. */
async function alreadyPublished(
  provider: SocialProvider,
  ref: AccountRef,
  post: PostToPublish,
  target: PublishTarget,
): Promise<Found | undefined> {
  const items = (target.items ?? post.items).map((item) => fold(item.text));
  // A minute of slack for clocks: the platform's timestamp against the post's creation in our database.
  const since = post.createdAt.getTime() - 60_000;
  const { posts } = await provider.fetchPosts(ref, null);
  const recent = posts.filter((p) => Date.parse(p.createdAt) >= since);
  const first = recent.find((p) => fold(p.text) === items[0]);
  if (!first) return undefined;
  // A thread's later posts are replies; where the platform lists them, count how far it got.
  let found = 1;
  while (found < items.length && recent.some((p) => fold(p.text) === items[found])) found++;
  return { platformPostId: first.platformId, url: first.permalink, items: found };
}

/** A thread the platform took only part of: what is out is recorded; the rest is for a person. */
async function recordIncompleteThread(
  deps: PublishDeps,
  target: PublishTarget,
  first: { readonly platformPostId: string; readonly url: string },
  out: number,
  total: number,
  reason: string,
): Promise<'done'> {
  await recordPublishOutcome(
    deps.pool,
    target.id,
    'failed',
    `only ${out} of the ${total} posts of the thread went out (${first.url}): ${reason}. Finish it by hand, replying to the last one; Herald does not post again, so nothing is doubled`,
    first,
  );
  return 'done';
}

/** The target's items (its own thread split, else the post's), the media on the first one. */
function draftOf(post: PostToPublish, target: PublishTarget, media: readonly StoredMedia[]): Draft {
  const [first, ...rest] = target.items ?? post.items;
  const attached: DraftMedia[] = media.map((m) => ({
    data: m.data,
    mimeType: m.mimeType,
    fileName: m.fileName,
  }));
  const item = (entry: OutboundItem) => ({ text: entry.text, media: [] });
  return {
    items: [{ text: first.text, media: attached }, ...rest.map(item)],
    idempotencyKey: `${post.id}:${target.id}`,
  };
}

async function publishTarget(
  deps: PublishDeps,
  post: PostToPublish,
  target: PublishTarget,
  media: readonly StoredMedia[],
): Promise<'done' | 'retry'> {
  if (target.aggregator)
    return publishAggregated(deps, post, { ...target, aggregator: target.aggregator }, media);
  const log = deps.logger.child({ postId: post.id, targetId: target.id, platform: target.platform });
  const account = target.accountId
    ? await findLinkedAccountById(deps.pool, deps.keyring, target.accountId)
    : undefined;
  if (!account) {
    await recordPublishOutcome(
      deps.pool,
      target.id,
      'failed',
      'the account was unlinked before the post went out',
    );
    return 'done';
  }
  const provider = deps.providers.get(target.platform);
  const publish = provider.publish?.bind(provider);
  if (!publish) {
    await recordPublishOutcome(
      deps.pool,
      target.id,
      'failed',
      `${provider.displayName} accounts cannot be published to`,
    );
    return 'done';
  }
  let ref = accountRefOf(account);
  try {
    if (target.status === 'publishing' || target.status === 'unknown') {
      const found = await alreadyPublished(provider, ref, post, target);
      const total = (target.items ?? post.items).length;
      if (found && found.items < total) {
        log.warn(
          { url: found.url, out: found.items, total },
          'an interrupted thread: recorded as incomplete',
        );
        return recordIncompleteThread(
          deps,
          target,
          found,
          found.items,
          total,
          'Herald was interrupted while posting it',
        );
      }
      if (found) {
        await recordPublished(deps.pool, target.id, found);
        log.info({ url: found.url }, 'an earlier attempt had published it: recorded, not sent again');
        return 'done';
      }
    }
    await recordPublishIntent(deps.pool, target.id);
    let published;
    try {
      published = await publish(ref, draftOf(post, target, media));
    } catch (err) {
      // Part of a thread is out: a second call would post its start again.
      if (err instanceof PartialPublishError) throw err;
      if (provider.classifyError(err).kind !== 'refresh-token' || !provider.refresh) throw err;
      // A token that expired early: refresh once; the call was refused, so nothing was published.
      ref = await refreshAccount(deps, provider, account.id, ref.credentials?.accessToken);
      published = await publish(ref, draftOf(post, target, media));
    }
    const first = published[0];
    if (!first) throw new Error('the platform answered without the published post');
    await recordPublished(deps.pool, target.id, { platformPostId: first.platformId, url: first.url });
    log.info({ url: first.url }, 'published');
    return 'done';
  } catch (err) {
    const failure: ProviderError = provider.classifyError(err);
    const [first] = err instanceof PartialPublishError ? err.published : [];
    if (err instanceof PartialPublishError && first) {
      const total = (target.items ?? post.items).length;
      log.warn(
        { url: first.url, out: err.published.length, total, err: failure.message },
        'thread published in part',
      );
      return recordIncompleteThread(
        deps,
        target,
        { platformPostId: first.platformId, url: first.url },
        err.published.length,
        total,
        failure.message,
      );
    }
    if (failure.kind === 'retry-later') {
      // A timeout or a platform error: the post may exist. The retry looks for it first.
      await recordPublishOutcome(deps.pool, target.id, 'unknown', failure.message);
      log.warn(
        { kind: failure.kind, err: failure.message },
        'publish outcome unknown: will look, then retry',
      );
      return 'retry';
    }
    await recordPublishOutcome(deps.pool, target.id, 'failed', failure.message);
    log.warn({ kind: failure.kind, err: failure.message }, 'publish refused');
    return 'done';
  }
}

export async function publishPost(deps: PublishDeps, postId: string): Promise<PublishOutcome> {
  const post = await startPublishing(deps.pool, deps.keyring, postId);
  if (!post || post.status !== 'publishing') return { status: post?.status, retry: 0 };
  let retry = 0;
  const media = await loadMedia(deps.pool, post.id);
  for (const target of post.targets) {
    if (target.status === 'published' || target.status === 'failed' || target.status === 'cancelled')
      continue;
    if ((await publishTarget(deps, post, target, media)) === 'retry') retry++;
  }
  if (retry > 0) return { status: undefined, retry };
  const status = await finishOutboundPost(deps.pool, postId);
  if (post.followUp) await report(deps, post, status);
  return { status, retry: 0 };
}

const STATUS_WORDS: Partial<Record<OutboundStatus, string>> = {
  published: 'Your post is out',
  partial: 'Your post went out on some accounts only',
  failed: 'Your post could not be published',
};

/** Tell whoever wrote the post, privately, where it went (links) or why not. Best effort. */
async function report(deps: PublishDeps, post: PostToPublish, status: OutboundStatus): Promise<void> {
  const [summary] = await listOutboundPosts(deps.pool, post.tenantId, 1, post.id);
  if (!summary || !post.followUp) return;
  const lines = summary.targets.map((t) =>
    t.status === 'published'
      ? `✅ ${t.handle} (${t.platform}): ${t.url ?? 'published'}`
      : `❌ ${t.handle} (${t.platform}): ${t.error ?? t.status}`,
  );
  const text = `${STATUS_WORDS[status] ?? `Your post: ${status}`}.\n${lines.join('\n')}`;
  const told = await sendFollowUp(post.followUp, text, deps.followUps ?? { discordApiUrl: undefined });
  if (!told) deps.logger.info({ postId: post.id }, 'publish report could not be sent in chat');
}
