/**
 * Running a command or an action for an adapter: find it, check who may run it (on every call,
 * whatever the platform hid), parse, run, and turn every failure into a reply that says what to do.
 * Never throws: an adapter always has something to show.
 */
import { randomBytes } from 'node:crypto';
import {
  commandName,
  InputError,
  type Command,
  type CommandAction,
  type RawInput,
  type Requirement,
} from './command.js';
import type { CommandContext } from './context.js';
import { CommandError } from './errors.js';
import { reply, type CommandResult, type Reply } from './reply.js';

export interface Catalogue {
  readonly commands: readonly Command[];
  readonly actions: readonly CommandAction[];
}

/** How each platform names the right a configuration command needs. */
const ADMIN_RIGHT = {
  discord: 'the Manage Server permission (or Administrator)',
  slack: 'to be a workspace admin or owner',
} as const;

export function findCommand(catalogue: Catalogue, path: readonly string[]): Command | undefined {
  return catalogue.commands.find((command) => command.path.join(' ') === path.join(' '));
}

/** Whether the user may run something that requires `requirement`, asked on every call. */
export async function allowed(ctx: CommandContext, requirement: Requirement): Promise<boolean> {
  if (requirement === 'member' || ctx.user.isAdmin) return true;
  if (requirement === 'admin') return false;
  const { rows } = await ctx.deps.pool.query<{ publisher_role: string | null }>(
    'SELECT publisher_role FROM tenants WHERE id = $1',
    [ctx.tenant.id],
  );
  const role = rows[0]?.publisher_role;
  return role ? ((await ctx.user.memberOf?.(role)) ?? false) : false;
}

/** The answer to someone who may not run `what`, saying who may. */
export function refused(ctx: CommandContext, what: string, requirement: Requirement = 'admin'): Reply {
  if (requirement === 'publisher') {
    return reply.error(
      `Only admins, or members of the role or group an admin chose with \`herald publishers\`, can run ${what} here.`,
    );
  }
  return reply.error(
    `Only people with ${ADMIN_RIGHT[ctx.tenant.chatPlatform]} can run ${what} here. Ask an admin of ${ctx.tenant.name || 'this server'}.`,
  );
}

function failureReply(ctx: CommandContext, err: unknown, usage: string | undefined): CommandResult {
  if (err instanceof InputError) {
    const lines = err.problems.map((problem) => `• ${problem}`).join('\n');
    return reply.error(`That did not work:\n${lines}${usage ? `\nExample: \`${usage}\`` : ''}`);
  }
  if (err instanceof CommandError) return reply.error(err.message);
  const ref = randomBytes(4).toString('hex');
  ctx.deps.logger.error({ err, ref, tenantId: ctx.tenant.id, userId: ctx.user.id }, 'command failed');
  return reply.error(
    `Herald hit an unexpected problem (reference ${ref}). Try again; if it keeps happening, the person running Herald can find ${ref} in its log.`,
  );
}

export async function runCommand(
  catalogue: Catalogue,
  ctx: CommandContext,
  path: readonly string[],
  raw: RawInput,
): Promise<CommandResult> {
  const command = findCommand(catalogue, path);
  if (!command)
    return reply.error(`There is no command \`${path.join(' ')}\`. Run \`herald help\` to see them all.`);
  if (!(await allowed(ctx, command.requires)))
    return refused(ctx, `\`${commandName(command)}\``, command.requires);
  try {
    return await command.run(ctx, raw);
  } catch (err) {
    return failureReply(ctx, err, command.example);
  }
}

/** A button press or form submission: `actionId` is `<action>:<arg>:…` as the reply set it. */
export async function runAction(
  catalogue: Catalogue,
  ctx: CommandContext,
  actionId: string,
  form?: Readonly<Record<string, string>>,
): Promise<CommandResult> {
  const [id = '', ...args] = actionId.split(':');
  const action = catalogue.actions.find((candidate) => candidate.id === id);
  if (!action) return reply.error('This button is from an older version of Herald. Run the command again.');
  if (!(await allowed(ctx, action.requires))) return refused(ctx, 'this', action.requires);
  try {
    return await action.run(ctx, args, form);
  } catch (err) {
    return failureReply(ctx, err, undefined);
  }
}
