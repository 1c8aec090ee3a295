/**
 * The publishing aggregators from chat: `herald aggregator` stores (or removes) this server's own
 * PostForMe or LATE key, checked with the service before it is kept; the accounts connected there
 * are listed with the linked ones; and `social connect` hands out the aggregator's own connect page
 * for a platform Herald has no app credentials for.
 */
import { z } from 'zod';
import {
  AGGREGATORS,
  removeAggregatorKey,
  setAggregatorKey,
  tenantAggregatorKeys,
  type Aggregator,
} from '../../core/aggregator-keys.js';
import { PLATFORM_INFO, type SocialPlatform } from '../../core/platforms.js';
import { routedAccounts, routeName } from '../../social/aggregators/accounts.js';
import type { AggregatorRoute } from '../../social/aggregators/routes.js';
import { defineCommand, type CommandAction } from './command.js';
import type { CommandContext } from './context.js';
import { CommandError } from './errors.js';
import { reply, type Reply, type ReplyField } from './reply.js';

const NAMES: Readonly<Record<Aggregator, string>> = { postforme: 'PostForMe', late: 'LATE' };

export const heraldAggregator = defineCommand({
  path: ['herald', 'aggregator'],
  description: 'Store this server’s PostForMe or LATE API key (or remove it) to publish through it',
  example: 'herald aggregator aggregator:postforme',
  requires: 'admin',
  options: [
    {
      name: 'aggregator',
      kind: 'string',
      description: 'Which service',
      required: true,
      choices: AGGREGATORS.map((value) => ({ name: NAMES[value], value })),
    },
    { name: 'remove', kind: 'boolean', description: 'Remove the stored key instead' },
  ],
  input: z.object({
    aggregator: z.enum(AGGREGATORS, { error: 'must be postforme or late' }),
    remove: z.boolean().default(false),
  }),
  async run(ctx, input) {
    const name = NAMES[input.aggregator];
    if (input.remove) {
      const removed = await removeAggregatorKey(ctx.deps.pool, ctx.tenant.id, input.aggregator);
      return removed
        ? reply.success(`${name} key removed: posts no longer go through this server’s ${name} account.`)
        : reply.info(`No ${name} key was stored for this server.`);
    }
    return {
      kind: 'form',
      submitId: `aggregator-key:${input.aggregator}`,
      title: `${name} API key`,
      fields: [{ id: 'key', label: `Your ${name} API key`, secret: true, required: true, maxLength: 200 }],
    };
  },
});

export const aggregatorKey: CommandAction = {
  id: 'aggregator-key',
  requires: 'admin',
  async run(ctx, args, form) {
    const aggregator = AGGREGATORS.find((a) => a === args[0]);
    const apiKey = form?.key?.trim() ?? '';
    if (!aggregator) throw new CommandError('invalid', 'Which aggregator? Run `herald aggregator` again.');
    if (!apiKey) throw new CommandError('invalid', 'The API key is empty.');
    const [route] = ctx.deps.registry.aggregators.forTenant({ [aggregator]: apiKey });
    if (!route) throw new CommandError('unavailable', 'That aggregator is not available.');
    let count: number;
    try {
      count = (await route.client.listAccounts()).length;
    } catch (err) {
      const failure = route.client.classifyError(err);
      throw new CommandError(
        failure.kind === 'revoked' ? 'invalid' : 'unavailable',
        failure.kind === 'revoked'
          ? `${NAMES[aggregator]} refused this key: nothing was stored. Check it in your ${NAMES[aggregator]} dashboard.`
          : `${NAMES[aggregator]} could not be asked to check the key (${failure.message}): nothing was stored; try again.`,
        { cause: failure },
      );
    }
    await setAggregatorKey(ctx.deps.pool, ctx.deps.keyring, {
      tenantId: ctx.tenant.id,
      aggregator,
      apiKey,
      setBy: ctx.user.id,
    });
    return reply.success(
      `${NAMES[aggregator]} key stored (encrypted). ${count} account${count === 1 ? '' : 's'} connected there; \`social accounts\` lists them.`,
    );
  },
};

async function routesOf(ctx: CommandContext): Promise<readonly AggregatorRoute[]> {
  return ctx.deps.registry.aggregators.forTenant(
    await tenantAggregatorKeys(ctx.deps.pool, ctx.deps.keyring, ctx.tenant.id),
  );
}

/** The accounts this server reaches through aggregators, for `social accounts`. */
export async function aggregatorAccountFields(ctx: CommandContext): Promise<ReplyField[]> {
  const routes = await routesOf(ctx);
  if (routes.length === 0) return [];
  const { accounts, problems } = await routedAccounts(routes);
  return [
    ...accounts.map(({ route, account }) => ({
      name: `@${account.username.replace(/^@/, '')} on ${PLATFORM_INFO[account.platform].displayName}`,
      value: `via ${routeName(route)} · posts only (imports need a linked account)`,
    })),
    ...problems.map((problem) => ({ name: '⚠️ Aggregator unavailable', value: problem })),
  ];
}

/** `social connect` for a platform Herald cannot link itself: the first aggregator's connect page. */
export async function aggregatorConnect(ctx: CommandContext, platform: SocialPlatform): Promise<Reply> {
  const name = PLATFORM_INFO[platform].displayName;
  const routes = await routesOf(ctx);
  if (routes.length === 0) {
    throw new CommandError(
      'unavailable',
      `Herald cannot link ${name} accounts itself here. An admin can store a PostForMe or LATE key with \`herald aggregator\` and connect ${name} through it.`,
    );
  }
  const problems: string[] = [];
  for (const route of routes) {
    try {
      const url = await route.client.authUrl(platform, ctx.deps.linking?.publicUrl ?? '');
      return reply.info(`Open this link to connect a ${name} account at ${routeName(route)}:\n${url}`, {
        title: `Connect ${name}`,
      });
    } catch (err) {
      problems.push(`${routeName(route)}: ${route.client.classifyError(err).message}`);
    }
  }
  throw new CommandError(
    'unavailable',
    `No aggregator could start a ${name} connection: ${problems.join('; ')}`,
  );
}
