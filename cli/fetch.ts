/**
 * `herald fetch <platform> <account>`: one page through a provider, printed as Herald sees it. For
 * "why did this post not arrive?" and for checking a provider against a live or recorded API.
 */
import { loadConfig, type Config } from '../core/config.js';
import { openDatabase } from '../core/db/database.js';
import { loadKeyring } from '../core/encryption-key.js';
import { HeraldError } from '../core/errors.js';
import { findLinkedAccounts } from '../core/linked-accounts.js';
import { createLogger, type Logger } from '../core/logger.js';
import { SOCIAL_PLATFORMS, type SocialPlatform } from '../core/platforms.js';
import type { SocialPost } from '../core/social-post.js';
import { compactNumber } from '../embeds/compact-number.js';
import type { AccountRef, Cursor } from '../social/provider.js';
import { createProviderRegistry, IMPLEMENTED_PLATFORMS, isImplemented } from '../social/registry.js';
import { writeOut } from './output.js';

export interface FetchOptions {
  readonly since?: string;
  readonly apiUrl?: string;
  readonly token?: string;
  readonly json?: boolean;
}

function usage(message: string, hint: string): HeraldError {
  return new HeraldError('input-invalid', message, { hint });
}

export function parsePlatform(value: string): SocialPlatform {
  if (!(SOCIAL_PLATFORMS as readonly string[]).includes(value)) {
    throw usage(
      `"${value}" is not a platform Herald knows.`,
      `Use one of: ${IMPLEMENTED_PLATFORMS.join(', ')}.`,
    );
  }
  return value as SocialPlatform;
}

export function parseCursor(value: string | undefined): Cursor | null {
  if (value === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Cursor;
  } catch {
    // reported below
  }
  throw usage(
    '--since must be a cursor as printed by an earlier `herald fetch` (a JSON object).',
    `For example: --since '{"sinceId":"1790000000000000000"}'`,
  );
}

/** Who to fetch: the feed URL for RSS, the given token, or the stored credentials of a linked account. */
async function resolveAccount(
  platform: SocialPlatform,
  account: string,
  options: FetchOptions,
  config: Config,
  logger: Logger,
): Promise<AccountRef> {
  if (platform === 'rss') return { platform, accountId: account, handle: account, instanceUrl: account };
  if (options.token) {
    return {
      platform,
      accountId: account.replace(/^@/, ''),
      handle: account.replace(/^@/, ''),
      instanceUrl: options.apiUrl,
      credentials: { accessToken: options.token },
    };
  }
  const database = await openDatabase(config, logger, { poolSize: 2 });
  try {
    const keyring = await loadKeyring(config, logger);
    const [found, ...others] = await findLinkedAccounts(database.pool, keyring, platform, account);
    if (!found) {
      throw usage(
        `No linked ${platform} account matches "${account}".`,
        'Link it first, or pass --token with an access token to fetch without linking.',
      );
    }
    if (others.length > 0)
      logger.warn(
        { matches: others.length + 1 },
        'several linked accounts match; using the most recently updated',
      );
    return {
      platform,
      accountId: found.platformAccountId,
      handle: found.handle,
      instanceUrl: options.apiUrl ?? found.instanceUrl,
      credentials: found.accessToken
        ? {
            accessToken: found.accessToken,
            refreshToken: found.refreshToken,
            expiresAt: found.tokenExpiresAt,
            scopes: found.scopes,
          }
        : undefined,
    };
  } finally {
    await database.close();
  }
}

function metricsLine(post: SocialPost): string {
  const parts: string[] = [];
  const { likes, reposts, replies, views } = post.metrics;
  if (likes !== undefined) parts.push(`♥ ${compactNumber(likes)}`);
  if (reposts !== undefined) parts.push(`🔁 ${compactNumber(reposts)}`);
  if (replies !== undefined) parts.push(`💬 ${compactNumber(replies)}`);
  if (views !== undefined) parts.push(`👁 ${compactNumber(views)}`);
  return parts.join('  ');
}

function humanLine(post: SocialPost): string {
  const text = (post.kind === 'repost' ? `↻ ${post.original?.text ?? ''}` : post.text)
    .replace(/\s+/g, ' ')
    .trim();
  const clipped = text.length > 80 ? `${text.slice(0, 79)}…` : text;
  const media = post.media.length > 0 ? ` [${post.media.length} media]` : '';
  return `${post.createdAt}  ${post.kind.padEnd(6)}  ${post.permalink}\n    ${clipped}${media}${metricsLine(post) ? `\n    ${metricsLine(post)}` : ''}`;
}

export async function fetchCommand(
  platformName: string,
  account: string,
  options: FetchOptions,
): Promise<void> {
  const platform = parsePlatform(platformName);
  if (!isImplemented(platform)) {
    throw usage(
      `Herald cannot read ${platform} yet.`,
      `Supported today: ${IMPLEMENTED_PLATFORMS.join(', ')}.`,
    );
  }
  const cursor = parseCursor(options.since);
  const config = loadConfig();
  const logger = createLogger({
    level: config.log.level === 'info' ? 'warn' : config.log.level,
    format: config.log.format,
  });
  const perAccountHost = platform === 'mastodon' || platform === 'rss';
  const registry = createProviderRegistry(config, {
    apiUrls: options.apiUrl && !perAccountHost ? { [platform]: options.apiUrl } : {},
  });
  try {
    const ref = await resolveAccount(platform, account, options, config, logger);
    const result = await registry.get(platform).fetchPosts(ref, cursor);
    const posts = [...result.posts].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (options.json) {
      for (const post of posts) writeOut(JSON.stringify(post));
    } else {
      writeOut(
        result.notModified ? 'Not modified since the cursor: nothing new.' : `${posts.length} post(s):`,
      );
      for (const post of posts) writeOut(humanLine(post));
    }
    process.stderr.write(`next cursor: ${JSON.stringify(result.next)}\n`);
  } finally {
    await registry.close();
  }
}
