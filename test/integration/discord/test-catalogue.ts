/**
 * A small catalogue for the Discord adapter's tests, built like the real one: an admin command that
 * checks a channel, a member command with a button, a command that opens a form, one with account
 * autocomplete, and one whose handler throws. A gate lets a test hold a handler until it has seen
 * the adapter defer.
 */
import { z } from 'zod';
import { defineCommand, type CommandAction } from '../../../bot/commands/command.js';
import type { CommandContext } from '../../../bot/commands/context.js';
import type { Catalogue } from '../../../bot/commands/dispatch.js';
import { reply, type Form } from '../../../bot/commands/reply.js';

export interface TestCatalogue {
  catalogue: Catalogue;
  /** Handlers wait for this while it is set (set it before firing, release it after the defer). */
  gate: Promise<void> | undefined;
  /** How many times `feed add` ran its handler. */
  feedAddRuns: number;
  /** The forms submitted to `connect-test`. */
  readonly submitted: Record<string, string>[];
  suggest(
    ctx: CommandContext,
    kind: 'account' | 'feed',
    query: string,
  ): Promise<{ name: string; value: string }[]>;
}

export const CONNECT_FORM: Form = {
  kind: 'form',
  submitId: 'connect-test',
  title: 'Link a test account',
  fields: [
    { id: 'handle', label: 'Handle', required: true, maxLength: 200 },
    { id: 'password', label: 'App password', secret: true, required: true, maxLength: 100 },
  ],
};

export function createTestCatalogue(): TestCatalogue {
  const state: TestCatalogue = {
    catalogue: { commands: [], actions: [] },
    gate: undefined,
    feedAddRuns: 0,
    submitted: [],
    async suggest(ctx, kind, query) {
      return Array.from({ length: 30 }, (_, i) => ({
        name: `${ctx.tenant.name} ${kind} ${query}${i}`,
        value: `${kind}-${i}`,
      }));
    },
  };
  const held = async () => {
    await state.gate;
  };

  const feedAdd = defineCommand({
    path: ['feed', 'add'],
    description: 'Send an account’s posts to a channel',
    example: 'feed add channel:#news',
    requires: 'admin',
    options: [{ name: 'channel', kind: 'channel', description: 'Where posts go', required: true }],
    input: z.object({ channel: z.string() }),
    async run(ctx, input) {
      state.feedAddRuns += 1;
      await held();
      const check = await ctx.chat.checkChannel(input.channel);
      if (check.ok) {
        return reply.success(`Posts will go to ${ctx.chat.channelMention(input.channel)} (#${check.name}).`, {
          title: `Feed added for ${ctx.tenant.name}`,
        });
      }
      if (check.reason === 'missing-permissions') {
        return reply.error(`Herald cannot post in #${check.name}: it lacks ${check.missing.join(', ')}.`);
      }
      return reply.error(`That channel cannot take posts (${check.reason}).`);
    },
  });

  const feedRemove = defineCommand({
    path: ['feed', 'remove'],
    description: 'Stop a feed',
    example: 'feed remove account:acme',
    requires: 'admin',
    options: [{ name: 'account', kind: 'account', description: 'Which account', required: true }],
    input: z.object({ account: z.string() }),
    run: async (_ctx, input) => reply.success(`Removed ${input.account}.`),
  });

  const socialConnect = defineCommand({
    path: ['social', 'connect'],
    description: 'Link a social account',
    example: 'social connect',
    requires: 'admin',
    options: [],
    input: z.object({}),
    async run() {
      await held();
      return CONNECT_FORM;
    },
  });

  const heraldStatus = defineCommand({
    path: ['herald', 'status'],
    description: 'How Herald is doing',
    example: 'herald status',
    requires: 'member',
    options: [{ name: 'public', kind: 'boolean', description: 'Show it to everyone' }],
    input: z.object({ public: z.boolean().optional() }),
    async run(ctx, input) {
      await held();
      return reply.info(`Hello ${ctx.user.name}, this is ${ctx.tenant.name}. @everyone`, {
        private: input.public !== true,
        fields: [{ name: 'Admin', value: String(ctx.user.isAdmin), inline: true }],
        buttons: [{ actionId: 'wave:hi', label: 'Wave' }],
      });
    },
  });

  const heraldHelp = defineCommand({
    path: ['herald', 'help'],
    description: 'What Herald can do',
    example: 'herald help',
    requires: 'member',
    options: [],
    input: z.object({}),
    run: async () => {
      throw new Error('boom: the database said no at line 42');
    },
  });

  const wave: CommandAction = {
    id: 'wave',
    requires: 'member',
    run: async (ctx, args) => reply.success(`${ctx.user.name} waves ${args.join(' ')}.`),
  };
  const connect: CommandAction = {
    id: 'connect-test',
    requires: 'admin',
    async run(_ctx, _args, form) {
      state.submitted.push({ ...form });
      return reply.success(`Linked ${form?.handle ?? '?'}.`);
    },
  };

  state.catalogue = {
    commands: [feedAdd, feedRemove, socialConnect, heraldStatus, heraldHelp],
    actions: [wave, connect],
  };
  return state;
}
