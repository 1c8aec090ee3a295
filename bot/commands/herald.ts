/** `herald status` (is Herald working, and what needs attention) and `herald help`. */
import { z } from 'zod';
import { listAccounts } from '../../core/account-store.js';
import { MISSED_BEATS_BEFORE_DEAD, latestHeartbeat } from '../../core/worker-heartbeats.js';
import { commandName, defineCommand, type Command } from './command.js';
import { reply, type ReplyField } from './reply.js';
import { accountLabel } from './resolve.js';

export function heraldStatus(heartbeatSeconds: number) {
  return defineCommand({
    path: ['herald', 'status'],
    description: 'Is Herald working: worker, queue, accounts that need attention',
    example: 'herald status',
    requires: 'member',
    options: [],
    input: z.object({}),
    async run(ctx) {
      const { pool } = ctx.deps;
      const beat = await latestHeartbeat(pool, heartbeatSeconds * MISSED_BEATS_BEFORE_DEAD);
      const alive = beat !== undefined && beat.ageSeconds <= heartbeatSeconds * MISSED_BEATS_BEFORE_DEAD;
      const backlog = await pool.query<{ due: number }>(
        `SELECT count(*)::int AS due FROM graphile_worker.jobs WHERE run_at <= now() AND locked_at IS NULL`,
      );
      const accounts = await listAccounts(pool, ctx.tenant.id);
      const attention = accounts.filter((account) => account.status !== 'active' || account.lastError);
      const fields: ReplyField[] = [
        {
          name: 'Worker',
          value: alive
            ? `🟢 running (${beat.liveWorkers} process${beat.liveWorkers === 1 ? '' : 'es'})`
            : '🔴 not running: posts are not being imported or sent. Start Herald’s worker.',
          inline: true,
        },
        { name: 'Queue', value: `${backlog.rows[0]?.due ?? 0} jobs waiting`, inline: true },
        { name: 'Accounts', value: `${accounts.length} linked`, inline: true },
        ...attention.slice(0, 10).map((account) => ({
          name: `⚠️ ${accountLabel(account)}`,
          value:
            account.status === 'needs_reconnect'
              ? `needs reconnecting: ${account.statusReason ?? 'access was revoked'}`
              : account.status === 'paused'
                ? `paused: ${account.statusReason ?? ''}`
                : `last error: ${account.lastError ?? ''}`,
        })),
      ];
      return reply[alive && attention.length === 0 ? 'success' : 'warning'](
        attention.length === 0 ? 'Everything looks fine.' : `${attention.length} account(s) need attention.`,
        { title: 'Herald status', fields },
      );
    },
  });
}

export function heraldHelp(commands: () => readonly Command[]) {
  return defineCommand({
    path: ['herald', 'help'],
    description: 'Every command, with an example',
    example: 'herald help',
    requires: 'member',
    options: [],
    input: z.object({}),
    async run() {
      const groups = new Map<string, Command[]>();
      for (const command of commands()) {
        const [group] = command.path;
        groups.set(group, [...(groups.get(group) ?? []), command]);
      }
      const fields = [...groups.entries()].map(([group, list]) => ({
        name: group,
        value: list
          .map(
            (command) =>
              `**${commandName(command)}**${command.requires === 'admin' ? ' (admins)' : ''}: ${command.description}\n\`${command.example}\``,
          )
          .join('\n'),
      }));
      return reply.info('Herald brings social posts into this server and keeps them flowing.', {
        title: 'Herald commands',
        fields,
      });
    },
  });
}

/** An IANA zone name Intl knows (Europe/Paris, America/New_York, UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const heraldTimezone = defineCommand({
  path: ['herald', 'timezone'],
  description: 'The time zone schedules are written in (default UTC)',
  example: 'herald timezone zone:Europe/Paris',
  requires: 'admin',
  options: [
    {
      name: 'zone',
      kind: 'string',
      description: 'A time zone name, e.g. Europe/Paris',
      required: true,
      maxLength: 64,
    },
  ],
  input: z.object({
    zone: z
      .string({ error: 'is required' })
      .trim()
      .refine(isTimeZone, { error: 'is not a time zone name (like Europe/Paris or America/New_York)' }),
  }),
  async run(ctx, input) {
    await ctx.deps.pool.query('UPDATE tenants SET time_zone = $2, updated_at = now() WHERE id = $1', [
      ctx.tenant.id,
      input.zone,
    ]);
    const now = new Intl.DateTimeFormat('en-GB', {
      timeZone: input.zone,
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(ctx.deps.now?.() ?? new Date());
    return reply.success(`Schedules are now read in ${input.zone} (it is ${now} there).`);
  },
});

export const heraldPublishers = defineCommand({
  path: ['herald', 'publishers'],
  description: 'Let a role (Discord) or user group (Slack) publish with post, besides admins',
  example: 'herald publishers role:@social-team',
  requires: 'admin',
  options: [
    { name: 'role', kind: 'role', description: 'Who may publish besides admins' },
    { name: 'clear', kind: 'boolean', description: 'Only admins publish again' },
  ],
  input: z.object({
    role: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'is not a role' })
      .optional(),
    clear: z.boolean().optional(),
  }),
  async run(ctx, input) {
    if (!input.role && !input.clear) {
      const { rows } = await ctx.deps.pool.query<{ publisher_role: string | null }>(
        'SELECT publisher_role FROM tenants WHERE id = $1',
        [ctx.tenant.id],
      );
      const role = rows[0]?.publisher_role;
      return reply.info(
        role ? `Admins and ${ctx.chat.roleMention(role)} may publish.` : 'Only admins may publish.',
      );
    }
    const role = input.clear ? null : (input.role ?? null);
    await ctx.deps.pool.query('UPDATE tenants SET publisher_role = $2, updated_at = now() WHERE id = $1', [
      ctx.tenant.id,
      role,
    ]);
    return reply.success(
      role ? `Admins and ${ctx.chat.roleMention(role)} may publish now.` : 'Only admins may publish now.',
    );
  },
});
