/**
 * Herald's configuration: the only module that reads the environment. `loadConfig` parses every
 * variable at once and throws one ConfigError listing every problem, so nothing starts half-configured.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { PLATFORM_INFO, SOCIAL_PLATFORMS, platformEnvPrefix, type SocialPlatform } from './platforms.js';
import { DEFAULT_POLL_BUDGETS, parsePollBudget, type PollBudget } from './poll-budget.js';

export type Environment = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const KEY_HINT = 'generate one with `npx herald keys generate`';

/** A 32-byte AES key given as base64. */
const encryptionKey = z.string().transform((value, ctx) => {
  const bytes = Buffer.from(value, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || bytes.length !== 32) {
    ctx.addIssue({
      code: 'custom',
      message: `must be 32 bytes encoded in base64 (got ${bytes.length} bytes); ${KEY_HINT}`,
    });
    return z.NEVER;
  }
  return bytes;
});

const httpUrl = (what: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http(s) URL for ${what}, e.g. https://example.com` });

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
    error:
      'must be a PostgreSQL URL such as postgres://user:password@host:5432/herald; unset it to use the embedded database',
  });

const digits = (error: string) => z.string().regex(/^\d+$/, { error }).transform(Number);

const port = (what: string) =>
  digits(`must be a port number (0-65535) for ${what}`).pipe(
    z
      .number()
      .int({ error: `must be a whole port number for ${what}` })
      .min(0, { error: `must be between 0 and 65535 for ${what}` })
      .max(65535, { error: `must be between 0 and 65535 for ${what}` }),
  );

const positiveInt = (what: string, min: number, max: number) =>
  digits(`must be a whole number (${what})`).pipe(
    z
      .number()
      .int({ error: `must be a whole number (${what})` })
      .min(min, { error: `must be at least ${min} (${what})` })
      .max(max, { error: `must be at most ${max} (${what})` }),
  );

/** Per-platform variables, only where they mean something: client credentials for platforms whose
 * linking needs an app registered by the operator, an API URL where the host is not per account. */
function providerShape(platform: SocialPlatform): Record<string, z.ZodType<string | undefined>> {
  const prefix = platformEnvPrefix(platform);
  const info = PLATFORM_INFO[platform];
  return {
    ...(info.needsClientCredentials
      ? { [`${prefix}_CLIENT_ID`]: z.string().optional(), [`${prefix}_CLIENT_SECRET`]: z.string().optional() }
      : {}),
    ...(info.defaultApiUrl ? { [`${prefix}_API_URL`]: httpUrl(`${info.displayName}'s API`).optional() } : {}),
  };
}

type PollBudgets = Readonly<Partial<Record<SocialPlatform, PollBudget>>>;

/** `x=450/900, bluesky=off`: the operator's budgets over the documented defaults. */
const pollBudgets = z.string().transform((value, ctx): PollBudgets => {
  const budgets: Partial<Record<SocialPlatform, PollBudget>> = { ...DEFAULT_POLL_BUDGETS };
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name = '', text = ''] = part.split('=', 2).map((p) => p.trim());
    const platform = SOCIAL_PLATFORMS.find((candidate) => candidate === name.toLowerCase());
    const parsed = platform && parsePollBudget(text, DEFAULT_POLL_BUDGETS[platform]);
    if (!platform || !parsed) {
      ctx.addIssue({
        code: 'custom',
        message: `"${part}" must be <platform>=<requests>/<seconds> (x=450/900: 450 polls per 15 minutes) or <platform>=off`,
      });
      return z.NEVER;
    }
    if (parsed.budget) budgets[platform] = parsed.budget;
    else delete budgets[platform];
  }
  return budgets;
});

const providerSchema = z.object(
  Object.assign({}, ...SOCIAL_PLATFORMS.map(providerShape)) as Record<string, z.ZodType<string | undefined>>,
);

const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], {
      error: 'must be development, production or test',
    })
    .default('development'),
  DATABASE_URL: postgresUrl.optional(),
  HERALD_EMBEDDED_POSTGRES_PORT: port('the embedded PostgreSQL server').optional(),
  HERALD_DATA_DIR: z.string().default('./.herald'),
  HERALD_ENCRYPTION_KEY: encryptionKey.optional(),
  HERALD_ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(encryptionKey))
    .optional(),
  PORT: port("Herald's web server").default(3000),
  HERALD_PUBLIC_URL: httpUrl('the address people reach Herald at (OAuth callbacks, links)').optional(),
  HERALD_HTTP_TIMEOUT_SECONDS: positiveInt('seconds to wait for a social platform to answer', 1, 300).default(
    15,
  ),
  HERALD_ALLOW_LOOPBACK_URLS: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((value) => value === 'true')
    .default(false),
  HERALD_LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  HERALD_LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional(),
  HERALD_POLL_INTERVAL_SECONDS: positiveInt('seconds between two polls of one account', 10, 86_400).default(
    60,
  ),
  HERALD_POLL_BUDGETS: pollBudgets.optional(),
  HERALD_API_RATE_LIMIT: z
    .string()
    .transform((value, ctx) => {
      const match = /^\s*(\d{1,7})\s*\/\s*(\d{1,7})\s*s?\s*$/.exec(value);
      const requests = Number(match?.[1]);
      const windowSeconds = Number(match?.[2]);
      if (!match || requests < 1 || windowSeconds < 1) {
        ctx.addIssue({ code: 'custom', message: 'must be <requests>/<seconds>, e.g. 30/3600 (30 an hour)' });
        return z.NEVER;
      }
      return { requests, windowSeconds };
    })
    .optional(),
  HERALD_WORKER_CONCURRENCY: positiveInt('jobs one worker process runs at once', 1, 100).default(4),
  HERALD_WORKER_HEARTBEAT_SECONDS: positiveInt('seconds between worker heartbeats', 1, 300).default(15),
  HERALD_MAX_POLL_FAILURES: positiveInt('failed polls in a row before an account is paused', 1, 1000).default(
    10,
  ),
  HERALD_ENGAGEMENT_WINDOW_HOURS: positiveInt(
    'hours a post below a minimum engagement is re-checked',
    1,
    720,
  ).default(24),
  DISCORD_TOKEN: z.string().optional(),
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{17,20}$/, { error: 'must be the numeric application id' })
    .optional(),
  DISCORD_API_URL: httpUrl("Discord's REST API").default('https://discord.com/api'),
  DISCORD_DEV_GUILD_ID: z
    .string()
    .regex(/^\d{17,20}$/, { error: 'must be the numeric id of a Discord server (guild)' })
    .optional(),
  SLACK_BOT_TOKEN: z
    .string()
    .startsWith('xoxb-', { error: 'must be a bot token starting with xoxb-' })
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .startsWith('xapp-', { error: 'must be an app-level token starting with xapp-' })
    .optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_CLIENT_ID: z.string().optional(),
  SLACK_CLIENT_SECRET: z.string().optional(),
  SLACK_API_URL: httpUrl("Slack's Web API").default('https://slack.com/api/'),
  SLACK_ADMIN_USERGROUP: z
    .string()
    .regex(/^S[A-Z0-9]+$/, { error: 'must be the id of a Slack user group (S…)' })
    .optional(),
  HERALD_POSTFORME_API_KEY: z.string().optional(),
  HERALD_POSTFORME_API_URL: httpUrl("PostForMe's API").default('https://api.postforme.dev'),
  HERALD_LATE_API_KEY: z.string().optional(),
  HERALD_LATE_API_URL: httpUrl("LATE's API").default('https://getlate.dev/api'),
});

type ParsedEnv = z.infer<typeof envSchema>;

export interface ProviderConfig {
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  /** Base URL of the platform's API; undefined where it is per account (Mastodon instance, RSS URL). */
  readonly apiUrl: string | undefined;
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  /** Absolute path of the folder holding the embedded database and the generated key file. */
  readonly dataDir: string;
  readonly database: { readonly url: string | undefined; readonly embeddedPort: number | undefined };
  readonly encryption: { readonly key: Buffer | undefined; readonly previousKeys: readonly Buffer[] };
  readonly http: { readonly port: number; readonly publicUrl: string };
  /** The public HTTP API: requests allowed per key and window. */
  readonly api: { readonly rateLimit: { readonly requests: number; readonly windowSeconds: number } };
  readonly log: { readonly level: LogLevel; readonly format: 'json' | 'pretty' | undefined };
  /** Calls Herald makes to social platforms. */
  readonly outbound: {
    readonly timeoutMs: number;
    /** Let URLs from users or payloads reach loopback addresses: for tests and local fakes only. */
    readonly allowLoopbackUrls: boolean;
  };
  readonly worker: {
    readonly concurrency: number;
    readonly pollIntervalSeconds: number;
    readonly heartbeatSeconds: number;
    /** Failed polls in a row before the account is paused and its channels told. */
    readonly maxPollFailures: number;
    /** How long a post below a feed's minimum engagement is re-checked before it is dropped. */
    readonly engagementWindowMs: number;
    /** Polls allowed per window, per platform app or API host, across every worker process. */
    readonly pollBudgets: PollBudgets;
  };
  readonly discord:
    | {
        readonly token: string;
        readonly applicationId: string;
        readonly apiUrl: string;
        /** Register the slash commands in this guild only (instant updates while developing), not globally. */
        readonly devGuildId: string | undefined;
      }
    | undefined;
  readonly slack:
    | {
        readonly botToken: string | undefined;
        readonly appToken: string | undefined;
        readonly signingSecret: string | undefined;
        readonly clientId: string | undefined;
        readonly clientSecret: string | undefined;
        readonly apiUrl: string;
        /** Members of this user group may configure Herald, besides workspace admins and owners. */
        readonly adminUserGroup: string | undefined;
      }
    | undefined;
  readonly providers: Readonly<Record<SocialPlatform, ProviderConfig>>;
  readonly aggregators: {
    readonly postforme: { readonly apiKey: string | undefined; readonly apiUrl: string };
    readonly late: { readonly apiKey: string | undefined; readonly apiUrl: string };
  };
  /** Things worth a warning that do not stop the start (an unknown HERALD_ variable, say). */
  readonly warnings: readonly string[];
}

const KNOWN_VARIABLES = new Set([...Object.keys(envSchema.shape), ...Object.keys(providerSchema.shape)]);
const KNOWN_PREFIXES = ['HERALD_', 'DISCORD_', 'SLACK_'];

/** Pairs that make no sense alone: both or neither. */
const PAIRS: ReadonlyArray<readonly [string, string, string]> = [
  ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID', 'Discord needs both the bot token and the application id'],
  ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'Slack workspace installs need both the client id and secret'],
  ...SOCIAL_PLATFORMS.map((platform): readonly [string, string, string] => {
    const prefix = platformEnvPrefix(platform);
    return [
      `${prefix}_CLIENT_ID`,
      `${prefix}_CLIENT_SECRET`,
      `${PLATFORM_INFO[platform].displayName} needs both its client id and client secret`,
    ];
  }),
];

/** Rules between variables; they look only at which variables are set, so they run even when a
 * value failed to parse and every problem is reported in one go. */
function crossFieldProblems(env: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const values: Readonly<Record<string, string | undefined>> = env;
  for (const [a, b, why] of PAIRS.filter(([a]) => KNOWN_VARIABLES.has(a))) {
    if ((values[a] === undefined) !== (values[b] === undefined)) {
      const missing = values[a] === undefined ? a : b;
      problems.push(`${missing}: is missing; ${why} (set it, or unset ${missing === a ? b : a})`);
    }
  }
  if (values.NODE_ENV === 'production' && values.HERALD_ENCRYPTION_KEY === undefined) {
    problems.push(
      `HERALD_ENCRYPTION_KEY: is required when NODE_ENV=production, so that secrets never depend on a file Herald made itself; ${KEY_HINT}`,
    );
  }
  const slackAny = values.SLACK_BOT_TOKEN ?? values.SLACK_APP_TOKEN ?? values.SLACK_CLIENT_ID;
  if (
    slackAny !== undefined &&
    values.SLACK_APP_TOKEN === undefined &&
    values.SLACK_SIGNING_SECRET === undefined
  ) {
    problems.push(
      'SLACK_SIGNING_SECRET: is missing; Slack needs an app-level token (SLACK_APP_TOKEN, Socket Mode) or a signing secret (HTTP mode)',
    );
  }
  if (
    values.SLACK_APP_TOKEN !== undefined &&
    values.SLACK_BOT_TOKEN === undefined &&
    values.SLACK_CLIENT_ID === undefined
  ) {
    problems.push(
      'SLACK_BOT_TOKEN: is missing; Socket Mode needs a bot token (one workspace) or SLACK_CLIENT_ID/SECRET (workspace installs)',
    );
  }
  return problems;
}

/** Empty values are unset: `FOO=` in a .env file means "not configured", not "the empty string". */
function withoutEmpty(env: Environment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') out[name] = value.trim();
  }
  return out;
}

function formatIssues(error: z.ZodError, env: Record<string, string>): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    return `${name}: ${name in env ? issue.message : 'is required'}`;
  });
}

function toConfig(
  env: ParsedEnv,
  values: Readonly<Record<string, string | undefined>>,
  cwd: string,
  warnings: string[],
): Config {
  const providers = Object.fromEntries(
    SOCIAL_PLATFORMS.map((platform) => {
      const prefix = platformEnvPrefix(platform);
      const provider: ProviderConfig = {
        clientId: values[`${prefix}_CLIENT_ID`],
        clientSecret: values[`${prefix}_CLIENT_SECRET`],
        apiUrl: values[`${prefix}_API_URL`] ?? PLATFORM_INFO[platform].defaultApiUrl,
      };
      return [platform, provider];
    }),
  ) as Record<SocialPlatform, ProviderConfig>;

  const slackConfigured = [env.SLACK_BOT_TOKEN, env.SLACK_APP_TOKEN, env.SLACK_CLIENT_ID].some(
    (v) => v !== undefined,
  );
  return {
    env: env.NODE_ENV,
    dataDir: resolve(cwd, env.HERALD_DATA_DIR),
    database: { url: env.DATABASE_URL, embeddedPort: env.HERALD_EMBEDDED_POSTGRES_PORT },
    encryption: { key: env.HERALD_ENCRYPTION_KEY, previousKeys: env.HERALD_ENCRYPTION_PREVIOUS_KEYS ?? [] },
    http: {
      port: env.PORT,
      publicUrl: (env.HERALD_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    },
    // The hosted service the API follows documents 30 requests an hour; self-hosters raise it freely.
    api: { rateLimit: env.HERALD_API_RATE_LIMIT ?? { requests: 30, windowSeconds: 3600 } },
    log: { level: env.HERALD_LOG_LEVEL, format: env.HERALD_LOG_FORMAT },
    outbound: {
      timeoutMs: env.HERALD_HTTP_TIMEOUT_SECONDS * 1000,
      allowLoopbackUrls: env.HERALD_ALLOW_LOOPBACK_URLS,
    },
    worker: {
      concurrency: env.HERALD_WORKER_CONCURRENCY,
      pollIntervalSeconds: env.HERALD_POLL_INTERVAL_SECONDS,
      heartbeatSeconds: env.HERALD_WORKER_HEARTBEAT_SECONDS,
      maxPollFailures: env.HERALD_MAX_POLL_FAILURES,
      engagementWindowMs: env.HERALD_ENGAGEMENT_WINDOW_HOURS * 3_600_000,
      pollBudgets: env.HERALD_POLL_BUDGETS ?? DEFAULT_POLL_BUDGETS,
    },
    discord:
      env.DISCORD_TOKEN !== undefined && env.DISCORD_APPLICATION_ID !== undefined
        ? {
            token: env.DISCORD_TOKEN,
            applicationId: env.DISCORD_APPLICATION_ID,
            apiUrl: env.DISCORD_API_URL,
            devGuildId: env.DISCORD_DEV_GUILD_ID,
          }
        : undefined,
    slack: slackConfigured
      ? {
          botToken: env.SLACK_BOT_TOKEN,
          appToken: env.SLACK_APP_TOKEN,
          signingSecret: env.SLACK_SIGNING_SECRET,
          clientId: env.SLACK_CLIENT_ID,
          clientSecret: env.SLACK_CLIENT_SECRET,
          apiUrl: env.SLACK_API_URL,
          adminUserGroup: env.SLACK_ADMIN_USERGROUP,
        }
      : undefined,
    providers,
    aggregators: {
      postforme: { apiKey: env.HERALD_POSTFORME_API_KEY, apiUrl: env.HERALD_POSTFORME_API_URL },
      late: { apiKey: env.HERALD_LATE_API_KEY, apiUrl: env.HERALD_LATE_API_URL },
    },
    warnings,
  };
}

/**
 * Parse Herald's configuration from `env` (default: the process environment merged over `.env`).
 * @throws ConfigError listing every problem at once.
 */
export function loadConfig(env: Environment = readEnvironment(), cwd: string = process.cwd()): Config {
  const cleaned = withoutEmpty(env);
  const warnings = Object.keys(cleaned)
    .filter((name) => KNOWN_PREFIXES.some((prefix) => name.startsWith(prefix)) && !KNOWN_VARIABLES.has(name))
    .map((name) => `${name} is not a Herald variable and is ignored (a typo? see .env.example)`);
  const parsed = envSchema.safeParse(cleaned);
  const providers = providerSchema.safeParse(cleaned);
  const problems = [
    ...(parsed.success ? [] : formatIssues(parsed.error, cleaned)),
    ...(providers.success ? [] : formatIssues(providers.error, cleaned)),
    ...crossFieldProblems(cleaned),
  ];
  if (!parsed.success || !providers.success || problems.length > 0) throw new ConfigError(problems);
  return toConfig(parsed.data, providers.data, cwd, warnings);
}

/** The process environment over the variables of `.env` (when present): the real environment wins. */
export function readEnvironment(dotEnvPath: string = resolve(process.cwd(), '.env')): Environment {
  return { ...readDotEnv(dotEnvPath), ...process.env };
}

/** The variables of a .env file, or none when it does not exist. */
export function readDotEnv(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  try {
    return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (cause) {
    throw new ConfigError([
      `${path}: could not be read (${(cause as Error).message}); fix its permissions or remove it`,
    ]);
  }
}

/** Every variable Herald reads, for `.env.example` checks and `doctor`. */
export function knownVariables(): readonly string[] {
  return [...KNOWN_VARIABLES];
}
