/**
 * The command catalogue on the command line: `herald feeds add --tenant <guild> --account @acme
 * --channel 123 --hashtags launch`, `herald accounts list --tenant <guild>`, `herald status`. A thin
 * adapter like the chat ones: options come from each command's specs, the catalogue parses and runs.
 * The operator is an admin; the CLI cannot see chat permissions, so a feed that cannot post is paused
 * with the reason when its first message is refused.
 */
import { Option, type Command as CliCommand } from 'commander';
import type { Command, OptionSpec, RawInput } from '../bot/commands/command.js';
import type { CommandContext, TenantRef } from '../bot/commands/context.js';
import { createCatalogue, runAction, runCommand } from '../bot/commands/index.js';
import type { CommandResult } from '../bot/commands/reply.js';
import { loadConfig } from '../core/config.js';
import { openDatabase } from '../core/db/database.js';
import { loadKeyring } from '../core/encryption-key.js';
import { HeraldError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { findTenant } from '../core/tenant-lookup.js';
import { createProviderRegistry } from '../social/registry.js';
import { writeOut } from './output.js';

/** Catalogue groups as CLI words (the issue's `herald feeds …`, `herald accounts …`). */
const GROUP_WORDS: Record<string, string> = {
  feed: 'feeds',
  social: 'accounts',
  post: 'posts',
  herald: 'herald',
  'api-key': 'api-keys',
};
/** `accounts accounts` reads badly: the listing is `accounts list`. */
const NAME_WORDS: Record<string, string> = { 'social accounts': 'list' };

function optionFlag(spec: OptionSpec): Option {
  const value = spec.kind === 'boolean' ? '' : ` <${spec.kind === 'integer' ? 'n' : spec.kind}>`;
  const option = new Option(`--${spec.name}${value}`, spec.description);
  if (spec.choices) option.choices(spec.choices.map((choice) => choice.value));
  return option;
}

/** Commander's values back into the catalogue's raw input, keyed by option name. */
function rawInput(specs: readonly OptionSpec[], values: Record<string, unknown>): RawInput {
  const raw: Record<string, string | number | boolean | undefined> = {};
  for (const spec of specs) {
    const key = spec.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    // Commander reads `--no-replies` as `replies: false`: the catalogue's option is `no-replies: true`.
    const value = spec.name.startsWith('no-')
      ? values[key.slice(2, 3).toLowerCase() + key.slice(3)] === false
        ? true
        : undefined
      : values[key];
    if (value === undefined) continue;
    raw[spec.name] =
      spec.kind === 'integer' && typeof value === 'string' && /^-?\d+$/.test(value)
        ? Number(value)
        : (value as string | boolean);
  }
  return raw;
}

/** The reply as plain text: title, text, then each field. */
export function renderForTerminal(result: CommandResult): string {
  if (result.kind === 'form') return `${result.title}: this needs a private form; run it from chat.`;
  const plain = (text: string) => text.replace(/\*\*(.+?)\*\*/g, '$1');
  const lines = [result.title ? `${result.title}\n` : '', plain(result.text)];
  for (const field of result.fields ?? [])
    lines.push(
      '',
      field.name,
      ...plain(field.value)
        .split('\n')
        .map((l) => `  ${l}`),
    );
  return lines.join('\n').trim();
}

async function runFromCli(
  command: Command,
  raw: RawInput,
  tenantId: string | undefined,
  yes: boolean,
): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ ...config.log, level: 'warn' });
  const database = await openDatabase(config, logger, { poolSize: 2 });
  const registry = createProviderRegistry(config);
  try {
    const tenant: TenantRef = tenantId
      ? await findTenant(database.pool, tenantId)
      : { id: '', chatPlatform: 'discord', externalId: '', name: '' };
    const ctx: CommandContext = {
      tenant,
      user: { id: 'cli', name: 'herald CLI', isAdmin: true },
      channelId: undefined,
      chat: {
        checkChannel: async (channelId) => ({ ok: true, name: channelId }),
        channelMention: (id) => `#${id}`,
        roleMention: (id) => `@${id}`,
      },
      deps: {
        pool: database.pool,
        keyring: await loadKeyring(config, logger),
        registry,
        logger,
        settings: {
          engagementWindowMs: config.worker.engagementWindowMs,
          pollIntervalSeconds: config.worker.pollIntervalSeconds,
        },
      },
    };
    const catalogue = createCatalogue({ heartbeatSeconds: config.worker.heartbeatSeconds });
    let result = await runCommand(catalogue, ctx, command.path, raw);
    // A confirmation button (disconnect): --yes presses it.
    const confirm = result.kind === 'reply' ? result.buttons?.find((b) => b.style === 'danger') : undefined;
    if (confirm && yes) result = await runAction(catalogue, ctx, confirm.actionId);
    else if (confirm) writeOut('(add --yes to confirm)');
    if (result.kind === 'reply' && result.tone === 'error') {
      process.stderr.write(`herald: ${renderForTerminal(result)}\n`);
      process.exitCode = 1;
    } else {
      writeOut(renderForTerminal(result));
    }
  } finally {
    await registry.close();
    await database.close();
  }
}

/** Adds `feeds`, `accounts` and `status` to the program. */
export function addCatalogueCommands(
  program: CliCommand,
  action: <A extends unknown[]>(run: (...args: A) => Promise<void>) => (...args: A) => Promise<void>,
): void {
  const catalogue = createCatalogue({ heartbeatSeconds: 15 });
  const groups = new Map<string, CliCommand>();
  for (const command of catalogue.commands) {
    const [group, name] = command.path;
    if (group === 'herald' && name === 'help') continue;
    const parent =
      group === 'herald'
        ? program
        : (groups.get(group) ??
          groups
            .set(
              group,
              program.command(GROUP_WORDS[group] ?? group).description(`${group} commands (as in chat)`),
            )
            .get(group)!);
    const sub = parent
      .command(group === 'herald' ? name : (NAME_WORDS[command.path.join(' ')] ?? name))
      .description(command.description);
    const tenantScoped = group !== 'herald' || name === 'status';
    if (tenantScoped)
      sub.requiredOption('--tenant <id>', 'the Discord server (guild) id or Slack workspace (team) id');
    for (const spec of command.options) sub.addOption(optionFlag(spec));
    if (command.path.join(' ') === 'social disconnect') sub.option('--yes', 'confirm without asking');
    sub.addHelpText('after', `\nIn chat: /${command.example}`);
    sub.action(
      action(async (values: Record<string, unknown>) => {
        const tenant = typeof values.tenant === 'string' ? values.tenant : undefined;
        if (tenantScoped && !tenant) throw new HeraldError('input-invalid', '--tenant is required');
        await runFromCli(command, rawInput(command.options, values), tenant, values.yes === true);
      }),
    );
  }
}
