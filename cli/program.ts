/**
 * The `herald` command. Every subcommand has --help; every failure prints what is wrong and what to
 * do, and exits non-zero.
 */
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../core/config.js';
import { openDatabase } from '../core/db/database.js';
import { migrate } from '../core/db/migrate.js';
import { createLogger } from '../core/logger.js';
import { migrateQueue } from '../core/queue.js';
import { ROLES, type Role } from './app.js';
import { renderDoctor, runDoctor } from './doctor.js';
import { generateKeyCommand, rotateKeysCommand } from './keys.js';
import { writeError, writeOut } from './output.js';
import { addCatalogueCommands } from './catalogue.js';
import { startCommand } from './start.js';

function parseRole(value: string): Role {
  if ((ROLES as readonly string[]).includes(value)) return value as Role;
  throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
}

async function migrateCommand(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log);
  const database = await openDatabase(config, logger, { poolSize: 2 });
  try {
    const applied = await migrate(database.pool, logger);
    await migrateQueue(database.pool, logger);
    writeOut(
      applied.length
        ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
        : 'The database is up to date.',
    );
  } finally {
    await database.close();
  }
}

/** Wrap an action so any failure becomes one clear message and a non-zero exit code. */
function action<A extends unknown[]>(
  run: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (err) {
      writeError(err);
      process.exitCode = 1;
    }
  };
}

export function buildProgram(): Command {
  const program = new Command('herald')
    .description('Self-hosted Discord and Slack bot that moves social content both ways')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('start')
    .description('run Herald: bot, worker and web server (or one role)')
    .option('-r, --role <role>', `which part to run: ${ROLES.join(', ')}`, parseRole, 'all')
    .action(action((options: { role: Role }) => startCommand(options.role)));

  program
    .command('migrate')
    .description('apply pending database migrations, then exit')
    .action(action(migrateCommand));

  program
    .command('doctor')
    .description(
      'check configuration, database, migrations, worker and platforms; print what is ready and missing',
    )
    .action(
      action(async () => {
        const result = await runDoctor();
        writeOut(renderDoctor(result));
        if (!result.healthy) process.exitCode = 1;
      }),
    );

  const keys = program.command('keys').description('manage the key that encrypts stored tokens');
  keys
    .command('generate')
    .description('print a new random key for HERALD_ENCRYPTION_KEY')
    .action(action(generateKeyCommand));
  keys
    .command('rotate')
    .description(
      're-encrypt every stored secret with HERALD_ENCRYPTION_KEY (old keys in HERALD_ENCRYPTION_PREVIOUS_KEYS)',
    )
    .action(action(rotateKeysCommand));

  program
    .command('render <fixture>')
    .description('print the Discord or Slack message for a SocialPost JSON file (for their message builders)')
    .option('--for <platform>', 'chat platform: discord, slack', 'discord')
    .action(
      action(async (fixture: string, options: { for: string }) => {
        // Loaded on demand: only this command needs embeds/.
        const { parseRenderTarget, renderCommand } = await import('./render.js');
        await renderCommand(fixture, parseRenderTarget(options.for));
      }),
    );

  program
    .command('fetch <platform> <account>')
    .description('fetch one page of an account through its provider and print the posts as Herald sees them')
    .option('--since <cursor>', 'start after this cursor (as printed by an earlier fetch)')
    .option('--api-url <url>', "the platform's API base URL (or the Mastodon instance)")
    .option('--token <token>', 'use this access token instead of a linked account')
    .option('--json', 'print one JSON object per post')
    .addHelpText(
      'after',
      '\nThe account is a linked account (handle or id), or with --token the platform account id; for rss, the feed URL.\nThe next cursor is printed on stderr.',
    )
    .action(
      action(
        async (
          platform: string,
          account: string,
          options: { since?: string; apiUrl?: string; token?: string; json?: boolean },
        ) => {
          const { fetchCommand } = await import('./fetch.js');
          await fetchCommand(platform, account, options);
        },
      ),
    );

  addCatalogueCommands(program, action);

  return program;
}
