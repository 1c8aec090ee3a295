/**
 * The bench's command line: `npm run bench -- --accounts 1000 --posts 3 --json`. Unknown flags stop
 * the run with the usage, so a typo never silently measures the defaults.
 */
import { parseArgs } from 'node:util';

export interface BenchArgs {
  /** RSS accounts seeded, one feed each. */
  readonly accounts: number;
  /** New posts each account publishes at t0. */
  readonly posts: number;
  /** Worker concurrency, for the pipeline and for the raw no-op queue alike (the ratio compares them). */
  readonly concurrency: number;
  /** Share of feeds delivered to a Slack workspace instead of the Discord guild. */
  readonly slackShare: number;
  /**
   * The Discord REST client's global requests per second. Discord's real limit is 50 per bot; the
   * bench raises it so that the pipeline, not the pacing, is what gets measured.
   */
  readonly discordRps: number;
  /** Embedded PostgreSQL without fsync (synchronous_commit off): not what production runs. */
  readonly fastDb: boolean;
  /** Skip the crypto and embedded-startup figures (they do not depend on the pipeline). */
  readonly pipelineOnly: boolean;
  /** Write a CPU profile of the burst and print where the Node process spent its time. */
  readonly profile: boolean;
  /**
   * Attribute round trips to the task issuing them: an AsyncLocalStorage scope around every task,
   * which slows every promise, so it is off unless asked for.
   */
  readonly byTask: boolean;
  /** The steady phase's poll interval in seconds (each account polled on its own schedule). */
  readonly steadyInterval: number;
  readonly json: boolean;
}

const USAGE = `usage: npm run bench -- [--accounts N] [--posts M] [--concurrency C] [--slack-share F]
                       [--discord-rps R] [--steady-interval S] [--fast-db] [--pipeline-only]
                       [--profile] [--by-task] [--json]`;

function positive(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`--${name} must be a whole number from 1 to ${max}, not "${raw}"\n${USAGE}`);
  }
  return value;
}

/** Herald polls no account more often than every 10 s (social_accounts' check). */
function steadyInterval(raw: string | undefined): number {
  const value = positive('steady-interval', raw, 20, 3600);
  if (value < 10) throw new Error(`--steady-interval must be at least 10 seconds, not ${value}\n${USAGE}`);
  return value;
}

export function parseBenchArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BenchArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        accounts: { type: 'string' },
        posts: { type: 'string' },
        concurrency: { type: 'string' },
        'slack-share': { type: 'string' },
        'discord-rps': { type: 'string' },
        'steady-interval': { type: 'string' },
        'fast-db': { type: 'boolean', default: false },
        'pipeline-only': { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
        'by-task': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`, { cause: err });
  }
  const share = Number(values['slack-share'] ?? '0.2');
  if (!(share >= 0 && share <= 1)) throw new Error(`--slack-share must be from 0 to 1\n${USAGE}`);
  return {
    accounts: positive('accounts', values.accounts, 1000, 100_000),
    posts: positive('posts', values.posts, 3, 50),
    // Herald's own setting (HERALD_WORKER_CONCURRENCY, max 100) unless the flag says otherwise.
    concurrency: positive('concurrency', values.concurrency ?? env.HERALD_WORKER_CONCURRENCY, 8, 100),
    slackShare: share,
    discordRps: positive('discord-rps', values['discord-rps'], 10_000, 1_000_000),
    steadyInterval: steadyInterval(values['steady-interval']),
    fastDb: values['fast-db'],
    pipelineOnly: values['pipeline-only'],
    profile: values.profile,
    byTask: values['by-task'],
    json: values.json,
  };
}
