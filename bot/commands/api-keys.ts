/**
 * Keys of the public HTTP API, managed by admins: `api-key create [name]` shows the key once,
 * privately (only its hash is kept), `api-key list` shows prefixes, names and last use, and
 * `api-key revoke` ends a key at once.
 */
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey } from '../../core/api-keys.js';
import { defineCommand } from './command.js';
import { CommandError } from './errors.js';
import { reply } from './reply.js';

const when = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export const apiKeyCreate = defineCommand({
  path: ['api-key', 'create'],
  description: 'Create a key for Herald’s HTTP API (shown once, privately)',
  example: 'api-key create name:zapier',
  requires: 'admin',
  options: [{ name: 'name', kind: 'string', description: 'What the key is for', maxLength: 80 }],
  input: z.object({ name: z.string().trim().min(1).max(80).optional() }),
  async run(ctx, input) {
    const { key, summary } = await createApiKey(ctx.deps.pool, {
      tenantId: ctx.tenant.id,
      name: input.name ?? 'API key',
      createdBy: ctx.user.id,
    });
    return reply.success(
      `\`${key}\`\n\nCopy it now: Herald keeps only a fingerprint and cannot show it again. Send it as the \`Authorization\` header to ${ctx.deps.linking?.publicUrl ?? 'Herald'}/public/v1/… (see /public/v1/openapi.json).`,
      {
        title: `API key “${summary.name}” created`,
        fields: [{ name: 'Prefix', value: `\`${summary.prefix}\` (to tell keys apart; revoke with it)` }],
      },
    );
  },
});

export const apiKeyList = defineCommand({
  path: ['api-key', 'list'],
  description: 'The HTTP API keys of this server, by prefix',
  example: 'api-key list',
  requires: 'admin',
  options: [],
  input: z.object({}),
  async run(ctx) {
    const keys = await listApiKeys(ctx.deps.pool, ctx.tenant.id);
    if (keys.length === 0)
      return reply.info('No API keys. Create one with `api-key create`.', { title: 'API keys' });
    return reply.info(`${keys.length} key${keys.length === 1 ? '' : 's'}.`, {
      title: 'API keys',
      fields: keys.slice(0, 25).map((key) => ({
        name: `${key.name} · \`${key.prefix}…\``,
        value: `created ${when(key.createdAt)} by ${key.createdBy} · ${key.lastUsedAt ? `last used ${when(key.lastUsedAt)}` : 'never used'}`,
      })),
    });
  },
});

export const apiKeyRevoke = defineCommand({
  path: ['api-key', 'revoke'],
  description: 'Revoke an HTTP API key at once',
  example: 'api-key revoke key:hk_AbCd1234',
  requires: 'admin',
  options: [
    { name: 'key', kind: 'string', description: 'The key’s prefix (from api-key list)', required: true },
  ],
  input: z.object({
    key: z.string({ error: 'is required' }).trim().min(4, { error: 'is too short' }).max(200),
  }),
  async run(ctx, input) {
    // A whole key pasted by mistake still names its key: its prefix is its first characters.
    const prefix = input.key.startsWith('hk_') ? input.key.slice(0, 11) : input.key;
    if (!(await revokeApiKey(ctx.deps.pool, ctx.tenant.id, prefix)))
      throw new CommandError('not-found', `No live key \`${prefix}\` on this server. See \`api-key list\`.`);
    return reply.success(`Key \`${prefix}\` revoked: requests with it are refused from now on.`);
  },
});
