/**
 * `social connect`. Feeds (RSS, Atom, YouTube, Reddit)
 * link from their URL; Bluesky from a handle and an app password typed into a private form, checked
 * with the platform before anything is stored (only the session tokens are kept). OAuth platforms
 * link through Herald's web sign-in page. Platforms Herald has no app for connect at an aggregator.
 */
import { z } from 'zod';
import { linkAccount } from '../../core/account-store.js';
import { createLink } from '../../core/oauth-states.js';
import { PLATFORM_INFO, type SocialPlatform } from '../../core/platforms.js';
import type { LinkedAccount } from '../../social/provider.js';
import { defineCommand, type CommandAction } from './command.js';
import type { CommandContext } from './context.js';
import { CommandError } from './errors.js';
import { reply, type Form, type Reply } from './reply.js';
import { aggregatorConnect } from './aggregators.js';
import { accountLabel } from './resolve.js';

const CONNECTABLE = ['rss', 'bluesky', 'mastodon', 'x'] as const;
/** Platforms Herald cannot link itself: connected at an aggregator, for publishing. */
const THROUGH_AGGREGATOR = [
  'instagram',
  'facebook',
  'threads',
  'linkedin',
  'tiktok',
  'youtube',
  'pinterest',
] as const;
const PLATFORM_CHOICES = [...CONNECTABLE, ...THROUGH_AGGREGATOR] as const;

async function store(ctx: CommandContext, platform: SocialPlatform, linked: LinkedAccount) {
  const { profile, credentials } = linked;
  return linkAccount(ctx.deps.pool, ctx.deps.keyring, {
    tenantId: ctx.tenant.id,
    platform,
    platformAccountId: profile.accountId,
    handle: profile.handle,
    displayName: profile.displayName,
    instanceUrl: profile.instanceUrl,
    profileUrl: profile.profileUrl,
    avatarUrl: profile.avatarUrl,
    accessToken: credentials.accessToken || undefined,
    refreshToken: credentials.refreshToken,
    tokenExpiresAt: credentials.expiresAt,
    linkedBy: ctx.user.id,
  });
}

function linked(platform: SocialPlatform, handle: string, created: boolean) {
  const label = accountLabel({ platform, handle });
  return reply.success(
    created
      ? `${label} is linked. Map it to a channel with \`feed add\`.`
      : `${label} was already linked here: its details were refreshed.`,
    { title: created ? 'Account linked' : 'Account updated' },
  );
}

async function providerCall<T>(
  ctx: CommandContext,
  platform: SocialPlatform,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const failure = ctx.deps.registry.get(platform).classifyError(err);
    throw new CommandError('invalid', failure.message, { cause: failure });
  }
}

export const socialConnect = defineCommand({
  path: ['social', 'connect'],
  description: 'Link a social account or feed to this server',
  example: 'social connect platform:rss url:https://blog.example.com/feed.xml',
  requires: 'admin',
  options: [
    {
      name: 'platform',
      kind: 'string',
      description: 'Where the account lives',
      required: true,
      choices: PLATFORM_CHOICES.map((value) => ({ name: PLATFORM_INFO[value].displayName, value })),
    },
    { name: 'url', kind: 'string', description: 'RSS/Atom: the feed or site address', maxLength: 2000 },
    {
      name: 'instance',
      kind: 'string',
      description: 'Mastodon: the server, e.g. mastodon.social',
      maxLength: 200,
    },
    {
      name: 'handle',
      kind: 'string',
      description: 'Bluesky: the handle, e.g. acme.bsky.social',
      maxLength: 200,
    },
  ],
  input: z.object({
    platform: z.enum(PLATFORM_CHOICES, { error: `must be one of ${PLATFORM_CHOICES.join(', ')}` }),
    url: z.string().trim().min(1).optional(),
    instance: z.string().trim().min(1).optional(),
    handle: z.string().trim().min(1).optional(),
  }),
  async run(ctx, input) {
    switch (input.platform) {
      case 'rss': {
        if (!input.url)
          throw new CommandError(
            'invalid',
            'Give the feed’s address: `social connect platform:rss url:https://…`',
          );
        return linkRss(ctx, input.url);
      }
      case 'bluesky':
        return blueskyForm(input.handle);
      case 'mastodon':
        return oauthLink(ctx, input.platform, input.instance);
      case 'x':
        // Without X app credentials here, an aggregator's X connection still lets the server post.
        return ctx.deps.linking && !ctx.deps.linking.oauthReady('x')
          ? aggregatorConnect(ctx, 'x').catch(() => oauthLink(ctx, 'x', undefined))
          : oauthLink(ctx, 'x', input.instance);
      default:
        return aggregatorConnect(ctx, input.platform);
    }
  },
});

/** Fetch the URL once to check it is a feed and name it, then link it (or refresh it). */
export async function linkRss(ctx: CommandContext, url: string): Promise<Reply> {
  const profile = await providerCall(ctx, 'rss', () => ctx.deps.registry.providers.rss.describeFeed(url));
  const account = await store(ctx, 'rss', {
    profile: { ...profile, instanceUrl: profile.instanceUrl ?? profile.accountId },
    credentials: { accessToken: '' },
  });
  return linked('rss', profile.handle, account.created);
}

/** Bluesky signs in with a handle and an app password, typed into a private form. */
export function blueskyForm(handle: string | undefined): Form {
  return {
    kind: 'form',
    submitId: 'connect-bluesky',
    title: 'Link a Bluesky account',
    fields: [
      {
        id: 'handle',
        label: 'Handle',
        placeholder: handle ?? 'acme.bsky.social',
        required: true,
        maxLength: 200,
      },
      {
        id: 'password',
        label: 'App password (Settings → App passwords)',
        placeholder: 'xxxx-xxxx-xxxx-xxxx',
        secret: true,
        required: true,
        maxLength: 100,
      },
    ],
  };
}

export function instanceOrigin(typed: string): string | undefined {
  const host = typed.trim().replace(/^@?[^@\s]*@/, '');
  try {
    const url = new URL(/^https?:\/\//i.test(host) ? host : `https://${host}`);
    return url.hostname.includes('.') || url.hostname === 'localhost' || /^[\d.]+$/.test(url.hostname)
      ? url.origin
      : undefined;
  } catch {
    return undefined;
  }
}

/** OAuth platforms: a one-time link to Herald's web server, which hands over to the platform. */
export async function oauthLink(
  ctx: CommandContext,
  platform: 'x' | 'mastodon',
  instance: string | undefined,
  accountId?: string,
): Promise<Reply> {
  const name = PLATFORM_INFO[platform].displayName;
  const linking = ctx.deps.linking;
  if (!linking)
    throw new CommandError('unavailable', `Linking ${name} needs Herald's web server: run it from chat.`);
  if (!linking.oauthReady(platform)) {
    throw new CommandError(
      'unavailable',
      `Linking ${name} is not set up on this Herald: its operator must set HERALD_X_CLIENT_ID and HERALD_X_CLIENT_SECRET (from the X developer portal).`,
    );
  }
  let instanceUrl: string | undefined;
  if (platform === 'mastodon') {
    instanceUrl = instance ? instanceOrigin(instance) : undefined;
    if (!instanceUrl)
      throw new CommandError(
        'invalid',
        'Which Mastodon server? `social connect platform:mastodon instance:mastodon.social`',
      );
  }
  const link = await createLink(ctx.deps.pool, ctx.deps.keyring, {
    tenantId: ctx.tenant.id,
    userId: ctx.user.id,
    platform,
    instanceUrl,
    accountId,
    chatChannelId: ctx.channelId,
    followUp: ctx.followUp,
  });
  const url = new URL(`/connect/${platform}/start`, linking.publicUrl);
  url.searchParams.set('link', link);
  return reply.info(
    `Open this link within 10 minutes to link a ${name} account${instanceUrl ? ` on ${new URL(instanceUrl).host}` : ''} to ${ctx.tenant.name || 'this server'}. It works once, and only you can see it.\n${url.href}`,
    { title: `Link ${name}` },
  );
}

export const connectBluesky: CommandAction = {
  id: 'connect-bluesky',
  requires: 'admin',
  async run(ctx, _args, form) {
    const handle = form?.handle?.trim().replace(/^@/, '') ?? '';
    const password = form?.password?.trim() ?? '';
    if (!handle || !password)
      throw new CommandError('invalid', 'Both the handle and the app password are needed.');
    const provider = ctx.deps.registry.providers.bluesky;
    if (!provider.login) throw new CommandError('unavailable', 'Bluesky sign-in is not available.');
    const login = provider.login.bind(provider);
    const session = await providerCall(ctx, 'bluesky', () => login(handle, password));
    const account = await store(ctx, 'bluesky', session);
    return linked('bluesky', session.profile.handle, account.created);
  },
};
