/**
 * `social accounts` (status of each linked account), `social reconnect` (a new sign-in for an
 * account that needs it) and `social disconnect` (asks first; revokes the token where the platform
 * offers revocation, then removes the account with its feeds and stored posts).
 */
import { z } from 'zod';
import { findAccount, listAccounts, removeAccount, type AccountSummary } from '../../core/account-store.js';
import { findLinkedAccountById } from '../../core/linked-accounts.js';
import { findMastodonApp } from '../../core/mastodon-apps.js';
import { PLATFORM_INFO } from '../../core/platforms.js';
import { accountRefOf } from '../../social/account-ref.js';
import type { OAuthClient } from '../../social/provider.js';
import { defineCommand, type CommandAction } from './command.js';
import type { CommandContext } from './context.js';
import { CommandError } from './errors.js';
import { reply, type ReplyField } from './reply.js';
import { accountLabel, resolveAccount } from './resolve.js';
import { aggregatorAccountFields } from './aggregators.js';
import { blueskyForm, linkRss, oauthLink } from './social-connect.js';

function statusLine(account: AccountSummary): string {
  const status = {
    active: '🟢 active',
    needs_reconnect: '🔴 needs reconnecting',
    paused: '⏸ paused',
  }[account.status];
  const parts = [
    `${status}${account.statusReason ? `: ${account.statusReason}` : ''}`,
    `${account.feeds} feed${account.feeds === 1 ? '' : 's'}`,
    account.lastPolledAt
      ? `last checked ${account.lastPolledAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`
      : 'not checked yet',
  ];
  if (account.status === 'active') parts.push(`next ${account.nextPollAt.toISOString().slice(11, 16)} UTC`);
  if (account.lastError) parts.push(`last error: ${account.lastError}`);
  return parts.join(' · ');
}

export const socialAccounts = defineCommand({
  path: ['social', 'accounts'],
  description: 'List the linked accounts with their status',
  example: 'social accounts',
  requires: 'member',
  options: [],
  input: z.object({}),
  async run(ctx) {
    const accounts = await listAccounts(ctx.deps.pool, ctx.tenant.id);
    const aggregated = await aggregatorAccountFields(ctx);
    if (accounts.length === 0 && aggregated.length === 0)
      return reply.info('No accounts linked yet. Link one with `social connect`.');
    const fields: ReplyField[] = [
      ...accounts.map((account) => ({ name: accountLabel(account), value: statusLine(account) })),
      ...aggregated,
    ].slice(0, 25);
    const through = aggregated.filter((f) => f.value.startsWith('via ')).length;
    return reply.info(
      `${accounts.length} linked account${accounts.length === 1 ? '' : 's'}${through > 0 ? `, ${through} through aggregators` : ''}.`,
      { title: 'Linked accounts', fields },
    );
  },
});

export const socialDisconnect = defineCommand({
  path: ['social', 'disconnect'],
  description: 'Unlink an account and remove its feeds (asks first)',
  example: 'social disconnect account:@acme',
  requires: 'admin',
  options: [{ name: 'account', kind: 'account', description: 'The account to unlink', required: true }],
  input: z.object({ account: z.string({ error: 'is required' }).min(1) }),
  async run(ctx, input) {
    const account = await resolveAccount(ctx, input.account);
    return reply.warning(
      `Unlink ${accountLabel(account)}? Its ${account.feeds} feed${account.feeds === 1 ? '' : 's'} and the posts Herald stored for it are removed too.`,
      {
        title: 'Confirm',
        buttons: [{ actionId: `disconnect-confirm:${account.id}`, label: 'Unlink', style: 'danger' }],
      },
    );
  },
});

/**
 * Revoke the account's token at the platform, where it offers revocation. Best effort: a failure is
 * reported, and the account is removed anyway (Herald forgets the token either way).
 */
async function revokeAtPlatform(ctx: CommandContext, accountId: string): Promise<string> {
  const linked = await findLinkedAccountById(ctx.deps.pool, ctx.deps.keyring, accountId);
  if (!linked?.accessToken || !ctx.deps.registry.has(linked.platform)) return '';
  const provider = ctx.deps.registry.get(linked.platform);
  if (!provider.revoke) return '';
  const name = PLATFORM_INFO[linked.platform].displayName;
  try {
    let client: OAuthClient | undefined;
    if (linked.platform === 'mastodon' && linked.instanceUrl) {
      client = await findMastodonApp(ctx.deps.pool, ctx.deps.keyring, linked.instanceUrl);
    }
    await provider.revoke(accountRefOf(linked), client);
    return ` Its access at ${name} was revoked.`;
  } catch (err) {
    ctx.deps.logger.warn(
      { accountId, platform: linked.platform, err: provider.classifyError(err).message },
      'revoke failed',
    );
    return ` ${name} did not confirm revoking its access: remove Herald from the account's connected apps there.`;
  }
}

export const disconnectConfirm: CommandAction = {
  id: 'disconnect-confirm',
  requires: 'admin',
  async run(ctx, args) {
    const account = await resolveAccount(ctx, args[0] ?? '');
    const revoked = await revokeAtPlatform(ctx, account.id);
    const { removed, feeds } = await removeAccount(ctx.deps.pool, ctx.tenant.id, account.id);
    if (!removed) throw new CommandError('not-found', 'That account was already unlinked.');
    return reply.success(
      `Unlinked ${accountLabel(account)}, removed ${feeds} feed${feeds === 1 ? '' : 's'} and the tokens Herald stored.${revoked}`,
    );
  },
};

export const socialReconnect = defineCommand({
  path: ['social', 'reconnect'],
  description: 'Sign in again for an account that needs it (its feeds stay)',
  example: 'social reconnect account:@acme',
  requires: 'admin',
  options: [{ name: 'account', kind: 'account', description: 'The account to reconnect', required: true }],
  input: z.object({ account: z.string({ error: 'is required' }).min(1) }),
  async run(ctx, input) {
    const account = await resolveAccount(ctx, input.account);
    const linked = await findAccount(ctx.deps.pool, ctx.tenant.id, account.id);
    if (!linked) throw new CommandError('not-found', 'That account was unlinked meanwhile.');
    switch (account.platform) {
      case 'x':
      case 'mastodon': {
        const stored = await findLinkedAccountById(ctx.deps.pool, ctx.deps.keyring, account.id);
        return oauthLink(ctx, account.platform, stored?.instanceUrl, account.id);
      }
      case 'bluesky':
        return blueskyForm(account.handle);
      case 'rss': {
        const stored = await findLinkedAccountById(ctx.deps.pool, ctx.deps.keyring, account.id);
        return linkRss(ctx, stored?.instanceUrl ?? account.handle);
      }
      default:
        throw new CommandError(
          'unavailable',
          `${PLATFORM_INFO[account.platform].displayName} is not supported by this version yet.`,
        );
    }
  },
});
