/**
 * `POST /public/v1/posts`: the same rules as a post from chat (each item counted the platform's way,
 * images downloaded once through the SSRF guard and checked against the platform), one post per
 * integration, queued as the same publish job. Everything is checked before anything is stored:
 * one integration that cannot take its post refuses the whole request, with a reason per
 * integration. An `Idempotency-Key` makes a retried request answer what the first one did.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Keyring } from '../../../core/crypto.js';
import type { Pool } from '../../../core/db/pool.js';
import type { NewMedia } from '../../../core/outbound-media.js';
import {
  createOutboundPost,
  type AggregatorTarget,
  type NewTarget,
  type OutboundItem,
} from '../../../core/outbound-store.js';
import { PLATFORM_INFO, type SocialPlatform } from '../../../core/platforms.js';
import { AGGREGATOR_LIMITS } from '../../../social/aggregators/limits.js';
import { MediaError, type MediaDownloader } from '../../../social/media-download.js';
import { checkMedia } from '../../../social/media-rules.js';
import type { PublishLimits } from '../../../social/provider.js';
import type { ProviderRegistry } from '../../../social/registry.js';
import { checkLength } from '../../../social/text-length.js';
import { ApiError } from './http-io.js';
import { tenantIntegrations } from './integrations.js';
import type { CreatedPosts, CreatePostInput } from './schemas.js';
import { isUuid } from '../../../core/ids.js';

export interface CreateDeps {
  readonly pool: Pool;
  readonly keyring: Keyring;
  readonly registry: ProviderRegistry;
  readonly media: MediaDownloader;
  readonly now?: () => Date;
}

/** Herald keeps attachments up to this size: every platform's image limit is below it. */
const MAX_IMAGE_BYTES = 25 * 1_048_576;
interface Checked {
  readonly integration: string;
  readonly target: NewTarget;
  readonly items: readonly [OutboundItem, ...OutboundItem[]];
  readonly media: readonly NewMedia[];
}

type Entry = CreatePostInput['posts'][number];

/** The first item's images, downloaded once and checked against the platform; or why not. */
async function imagesFor(
  first: Entry['value'][number],
  limits: PublishLimits,
  name: string,
  download: (url: string) => Promise<NewMedia>,
): Promise<{ readonly media: NewMedia[] } | { readonly problem: string }> {
  let media: NewMedia[];
  try {
    media = await Promise.all(first.image.map((image) => download(image.path)));
  } catch (err) {
    if (!(err instanceof MediaError)) throw err;
    return { problem: `${err.message}.` };
  }
  const facts = media.map((m, index) => ({
    mimeType: m.mimeType,
    byteSize: m.data.byteLength,
    label: m.fileName || `image ${index + 1}`,
  }));
  const check = checkMedia(facts, limits, name);
  return check.ok ? { media } : { problem: `${check.reason}.` };
}

/** An entry for an account at an aggregator: one post (no thread), within the platform's rules. */
async function checkRouted(
  deps: CreateDeps,
  entry: Entry,
  target: AggregatorTarget,
  download: (url: string) => Promise<NewMedia>,
): Promise<Checked | string> {
  const name = PLATFORM_INFO[target.platform].displayName;
  const limits = deps.registry.has(target.platform)
    ? deps.registry.get(target.platform).limits
    : AGGREGATOR_LIMITS[target.platform];
  if (!limits) return `Herald cannot post to ${name} accounts.`;
  const [first, ...rest] = entry.value;
  if (!first) return 'value: needs at least one item.';
  if (rest.length > 0)
    return `A thread cannot go through ${target.via === 'late' ? 'LATE' : 'PostForMe'}: send one value item.`;
  const length = checkLength(first.content, limits);
  if (!length.ok) return `value[0] is ${length.length}/${length.max} as ${name} counts it: shorten it.`;
  const images = await imagesFor(first, limits, name, download);
  if ('problem' in images) return images.problem;
  const { media } = images;
  return {
    integration: entry.integration.id,
    target: { aggregator: target },
    items: [{ text: first.content }],
    media,
  };
}

interface AccountRow {
  id: string;
  platform: SocialPlatform;
  handle: string;
  instance_url: string | null;
  status: string;
}

async function accountsOf(
  pool: Pool,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, AccountRow>> {
  const { rows } = await pool.query<AccountRow>(
    `SELECT id, platform, handle, instance_url, status FROM social_accounts
      WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND platform <> 'rss'`,
    [tenantId, ids.filter((id) => isUuid(id))],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** Each entry checked against its integration; the problems, per integration, when any. */
async function checkEntries(deps: CreateDeps, tenantId: string, body: CreatePostInput): Promise<Checked[]> {
  const accounts = await accountsOf(
    deps.pool,
    tenantId,
    body.posts.map((p) => p.integration.id),
  );
  // Accounts at aggregators are looked up only when the request names one (it asks their APIs).
  const aggregated = body.posts.some((p) => p.integration.id.includes(':'))
    ? new Map(
        (await tenantIntegrations(deps, tenantId)).flatMap((i) =>
          i.kind === 'aggregated' ? [[i.view.id, i.target] as const] : [],
        ),
      )
    : new Map<string, AggregatorTarget>();
  const downloads = new Map<string, Promise<NewMedia>>();
  const download = (url: string) => {
    let pending = downloads.get(url);
    if (!pending) {
      pending = deps.media.download({ url }, MAX_IMAGE_BYTES);
      downloads.set(url, pending);
    }
    return pending;
  };
  const errors: Array<{ integration: string; msg: string }> = [];
  const checked: Checked[] = [];
  for (const entry of body.posts) {
    const id = entry.integration.id;
    const fail = (msg: string) => errors.push({ integration: id, msg });
    const account = accounts.get(id);
    const routed = aggregated.get(id);
    if (routed) {
      const checkedRoute = await checkRouted(deps, entry, routed, download);
      if (typeof checkedRoute === 'string') fail(checkedRoute);
      else checked.push(checkedRoute);
      continue;
    }
    // Another tenant's integration reads exactly like one that does not exist.
    if (!account) {
      fail('No integration with this id. GET /public/v1/integrations lists yours.');
      continue;
    }
    const name = PLATFORM_INFO[account.platform].displayName;
    if (account.status !== 'active') {
      fail(`@${account.handle} on ${name} needs reconnecting in chat before it can be posted to.`);
      continue;
    }
    const provider = deps.registry.has(account.platform) ? deps.registry.get(account.platform) : undefined;
    if (!provider?.publish) {
      fail(`Herald cannot post to ${name} accounts.`);
      continue;
    }
    let limits = provider.limits;
    if (provider.limitsFor) {
      limits = await provider
        .limitsFor({
          platform: account.platform,
          accountId: id,
          handle: account.handle,
          instanceUrl: account.instance_url ?? undefined,
        })
        .catch(() => provider.limits);
    }
    const [first, ...rest] = entry.value;
    if (!first) continue;
    const tooLong = entry.value
      .map((item, index) => ({ index, check: checkLength(item.content, limits) }))
      .filter(({ check }) => !check.ok);
    for (const { index, check } of tooLong) {
      fail(
        `value[${index}] is ${check.length}/${check.max} as ${name} counts it: shorten it, or split it into more value items (a thread).`,
      );
    }
    if (rest.some((item) => item.image.length > 0)) {
      fail('Images go on the first value item only: Herald attaches them to the first post of a thread.');
    }
    const images = await imagesFor(first, limits, name, download);
    if ('problem' in images) {
      fail(images.problem);
      continue;
    }
    if (tooLong.length > 0 || rest.some((item) => item.image.length > 0)) continue;
    checked.push({
      integration: id,
      target: { accountId: id },
      items: [{ text: first.content }, ...rest.map((item) => ({ text: item.content }))],
      media: images.media,
    });
  }
  if (errors.length > 0) {
    throw new ApiError(400, 'Some integrations cannot take their post: nothing was created.', { errors });
  }
  return checked;
}

function scheduleOf(body: CreatePostInput, now: Date): Date | undefined {
  if (body.type === 'now') return undefined;
  if (!body.date) {
    if (body.type === 'schedule') throw new ApiError(400, 'date: is required when type is schedule.');
    return undefined;
  }
  const at = new Date(body.date);
  // A minute of slack for clocks; a time further back is a mistake worth saying.
  if (body.type === 'schedule' && at.getTime() < now.getTime() - 60_000)
    throw new ApiError(400, 'date: that time has passed; use type "now" to publish at once.');
  return at;
}

const tagText = (tag: CreatePostInput['tags'][number]) => (typeof tag === 'string' ? tag : tag.value);

export async function createPosts(
  deps: CreateDeps,
  caller: { readonly tenantId: string; readonly keyId: string },
  body: CreatePostInput,
  idempotencyKey: string | undefined,
): Promise<z.output<typeof CreatedPosts>> {
  const scheduledFor = scheduleOf(body, deps.now?.() ?? new Date());
  const entries = await checkEntries(deps, caller.tenantId, body);
  const created: Array<{ postId: string; integration: string }> = [];
  for (const [index, entry] of entries.entries()) {
    const post = await createOutboundPost(deps.pool, deps.keyring, {
      tenantId: caller.tenantId,
      createdBy: `api-key:${caller.keyId}`,
      source: 'api',
      items: entry.items,
      targets: [entry.target],
      media: entry.media,
      tags: body.tags.map(tagText),
      scheduledFor,
      draft: body.type === 'draft',
      ...(idempotencyKey ? { idempotencyKey: `${idempotencyKey}#${index}` } : {}),
    });
    created.push({ postId: post.id, integration: entry.integration });
  }
  return created;
}

/** A fingerprint of the request, so a key reused for a different body is refused. */
export const requestHash = (raw: Buffer): Buffer => createHash('sha256').update(raw).digest();
