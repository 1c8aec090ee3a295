/**
 * Linking an OAuth account on Herald's web server: `/connect/<platform>/start?link=…` (the one-time
 * link an admin got in chat) hands the browser to the platform's authorize page with a fresh `state`
 * and a PKCE S256 challenge; `/connect/<platform>/callback` checks the state (once, not expired, this
 * platform), exchanges the code, stores the account with its tokens encrypted, and sends the browser
 * on to a result page whose URL carries no code or state. Nothing secret is logged.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { linkAccount } from '../../core/account-store.js';
import type { Config } from '../../core/config.js';
import type { Keyring } from '../../core/crypto.js';
import type { Pool } from '../../core/db/pool.js';
import type { Logger } from '../../core/logger.js';
import { findMastodonApp, storeMastodonApp } from '../../core/mastodon-apps.js';
import {
  consumeState,
  newSecret,
  openLink,
  type FlowProblem,
  type LinkFlow,
} from '../../core/oauth-states.js';
import { PLATFORM_INFO, type SocialPlatform } from '../../core/platforms.js';
import type { OAuthClient } from '../../social/provider.js';
import type { ProviderRegistry } from '../../social/registry.js';
import { sendFollowUp } from '../../core/chat-follow-up.js';
import { redirect, sendPage, type Page } from './pages.js';
import type { Route } from './server.js';

export const OAUTH_PLATFORMS = ['x', 'mastodon'] as const;
export type OAuthPlatform = (typeof OAUTH_PLATFORMS)[number];

export interface ConnectDeps {
  readonly pool: Pool;
  readonly keyring: Keyring;
  readonly registry: ProviderRegistry;
  readonly config: Pick<Config, 'providers' | 'http' | 'discord'>;
  readonly logger: Logger;
}

const PROBLEM_PAGES: Record<FlowProblem, Page> = {
  unknown: {
    status: 400,
    tone: 'error',
    title: 'This link is not valid',
    lines: ['Run the connect command in chat again to get a new one.'],
  },
  expired: {
    status: 410,
    tone: 'error',
    title: 'This link has expired',
    lines: ['Links work for 10 minutes. Run the connect command in chat again.'],
  },
  used: {
    status: 410,
    tone: 'error',
    title: 'This link was already used',
    lines: ['Each link works once. Run the connect command in chat again.'],
  },
  'wrong-platform': {
    status: 400,
    tone: 'error',
    title: 'This link is for another platform',
    lines: ['Run the connect command in chat again.'],
  },
};

export const redirectUri = (publicUrl: string, platform: OAuthPlatform): string =>
  new URL(`/connect/${platform}/callback`, publicUrl).href;

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The OAuth client for a flow: the configured one (X), or the app registered on the instance (Mastodon). */
async function clientFor(deps: ConnectDeps, platform: OAuthPlatform, flow: LinkFlow): Promise<OAuthClient> {
  if (platform === 'x') {
    const { clientId, clientSecret } = deps.config.providers.x;
    if (!clientId) throw new Error('HERALD_X_CLIENT_ID is not set');
    return { clientId, clientSecret };
  }
  const instanceUrl = flow.instanceUrl ?? '';
  const known = await findMastodonApp(deps.pool, deps.keyring, instanceUrl);
  if (known) return known;
  const uri = redirectUri(deps.config.http.publicUrl, 'mastodon');
  const app = await deps.registry.providers.mastodon.registerApp(instanceUrl, uri);
  return storeMastodonApp(deps.pool, deps.keyring, { ...app, instanceUrl, redirectUri: uri });
}

/** Result pages live for a few minutes in this process, behind an id that means nothing else. */
function resultStore() {
  const pages = new Map<string, { page: Page; until: number }>();
  return {
    put(page: Page): string {
      const id = newSecret();
      const now = Date.now();
      for (const [key, entry] of pages) if (entry.until < now) pages.delete(key);
      pages.set(id, { page, until: now + 5 * 60_000 });
      return id;
    },
    take(id: string): Page | undefined {
      const entry = pages.get(id);
      pages.delete(id);
      return entry && entry.until >= Date.now() ? entry.page : undefined;
    },
  };
}

async function tenantName(pool: Pool, tenantId: string): Promise<{ name: string; chat: string }> {
  const { rows } = await pool.query<{ name: string; chat_platform: string }>(
    'SELECT name, chat_platform FROM tenants WHERE id = $1',
    [tenantId],
  );
  const row = rows[0];
  return { name: row?.name || 'your server', chat: row?.chat_platform === 'slack' ? 'Slack' : 'Discord' };
}

export function connectRoutes(deps: ConnectDeps): Route[] {
  const results = resultStore();
  const log = deps.logger.child({ subsystem: 'connect' });
  const param = (req: IncomingMessage, name: string) =>
    new URL(req.url ?? '/', 'http://herald.invalid').searchParams.get(name) ?? '';

  const start = (platform: OAuthPlatform) => async (req: IncomingMessage, res: ServerResponse) => {
    const link = param(req, 'link');
    if (!link) return sendPage(res, PROBLEM_PAGES.unknown);
    const state = newSecret();
    const { verifier, challenge } = pkce();
    const flow = await openLink(deps.pool, deps.keyring, link, platform, { state, verifier });
    if (typeof flow === 'string') return sendPage(res, PROBLEM_PAGES[flow]);
    try {
      const client = await clientFor(deps, platform, flow);
      const provider = deps.registry.get(platform);
      const url = await provider.authUrl!({
        client,
        redirectUri: redirectUri(deps.config.http.publicUrl, platform),
        state,
        codeChallenge: challenge,
        instanceUrl: flow.instanceUrl,
      });
      log.info({ platform, tenantId: flow.tenantId }, 'account linking handed to the platform');
      redirect(res, url);
    } catch (err) {
      log.warn(
        { platform, err: err instanceof Error ? err.message : String(err) },
        'account linking could not start',
      );
      sendPage(res, {
        status: 502,
        tone: 'error',
        title: `${PLATFORM_INFO[platform].displayName} could not be reached`,
        lines: ['Try the link again in a moment, or run the connect command in chat again.'],
      });
    }
  };

  const callback = (platform: OAuthPlatform) => async (req: IncomingMessage, res: ServerResponse) => {
    const page = await finish(platform, param(req, 'state'), param(req, 'code'), param(req, 'error'));
    // The browser leaves the URL with the code and state behind at once.
    redirect(res, `/connect/result?r=${results.put(page)}`, 303);
  };

  async function finish(platform: OAuthPlatform, state: string, code: string, error: string): Promise<Page> {
    if (!state) return PROBLEM_PAGES.unknown;
    const flow = await consumeState(deps.pool, deps.keyring, state, platform);
    if (typeof flow === 'string') return PROBLEM_PAGES[flow];
    const name = PLATFORM_INFO[platform].displayName;
    if (error || !code) {
      return {
        status: 400,
        tone: 'error',
        title: `${name} did not grant access`,
        lines: ['Nothing was linked. Run the connect command in chat to try again.'],
      };
    }
    try {
      const client = await clientFor(deps, platform, flow);
      const linked = await deps.registry.get(platform).exchangeCode!({
        client,
        redirectUri: redirectUri(deps.config.http.publicUrl, platform),
        code,
        codeVerifier: flow.verifier ?? '',
        instanceUrl: flow.instanceUrl,
      });
      await linkAccount(deps.pool, deps.keyring, {
        tenantId: flow.tenantId,
        platform: platform as SocialPlatform,
        platformAccountId: linked.profile.accountId,
        handle: linked.profile.handle,
        displayName: linked.profile.displayName,
        instanceUrl: linked.profile.instanceUrl ?? flow.instanceUrl,
        profileUrl: linked.profile.profileUrl,
        avatarUrl: linked.profile.avatarUrl,
        accessToken: linked.credentials.accessToken,
        refreshToken: linked.credentials.refreshToken,
        tokenExpiresAt: linked.credentials.expiresAt,
        linkedBy: flow.userId,
      });
      const tenant = await tenantName(deps.pool, flow.tenantId);
      log.info({ platform, tenantId: flow.tenantId }, 'account linked');
      if (flow.followUp) {
        const told = await sendFollowUp(
          flow.followUp,
          `@${linked.profile.handle} on ${name} is linked. Map it to a channel with \`feed add\`.`,
          { discordApiUrl: deps.config.discord?.apiUrl },
        );
        if (!told)
          log.info({ platform, tenantId: flow.tenantId }, 'linked confirmation could not be sent in chat');
      }
      return {
        status: 200,
        tone: 'success',
        title: `@${linked.profile.handle} is linked`,
        lines: [
          `@${linked.profile.handle} on ${name} is now linked to ${tenant.name}'s ${tenant.chat}.`,
          'You can close this tab.',
        ],
      };
    } catch (err) {
      log.warn(
        { platform, err: err instanceof Error ? err.message : String(err) },
        'account linking failed at the platform',
      );
      return {
        status: 502,
        tone: 'error',
        title: `${name} refused the sign-in`,
        lines: ['Nothing was linked. Run the connect command in chat to try again.'],
      };
    }
  }

  return [
    ...OAUTH_PLATFORMS.flatMap((platform): Route[] => [
      { method: 'GET', path: `/connect/${platform}/start`, handler: start(platform) },
      { method: 'GET', path: `/connect/${platform}/callback`, handler: callback(platform) },
    ]),
    {
      method: 'GET',
      path: '/connect/result',
      handler: (req, res) =>
        sendPage(
          res,
          results.take(param(req, 'r')) ?? {
            status: 404,
            tone: 'error',
            title: 'Nothing to show',
            lines: ['This page was shown once already. Check the account in chat with the accounts command.'],
          },
        ),
    },
  ];
}
