import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, readDotEnv, type Environment } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';

const KEY = Buffer.alloc(32, 1).toString('base64');

function problemsOf(env: Environment): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('GIVEN an empty environment THEN starts with defaults: embedded database, port 3000, 60 s polls', () => {
    const config = loadConfig({}, '/srv/herald');
    expect(config.database.url).toBeUndefined();
    expect(config.dataDir).toBe(resolve('/srv/herald', '.herald'));
    expect(config.http).toEqual({ port: 3000, publicUrl: 'http://localhost:3000' });
    expect(config.worker.pollIntervalSeconds).toBe(60);
    expect(config.discord).toBeUndefined();
    expect(config.slack).toBeUndefined();
    expect(config.providers.x).toEqual({
      clientId: undefined,
      clientSecret: undefined,
      apiUrl: 'https://api.x.com',
    });
    expect(config.providers.mastodon.apiUrl).toBeUndefined();
  });

  it('GIVEN every kind of value THEN parses them into the nested config', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/herald',
      HERALD_ENCRYPTION_KEY: KEY,
      PORT: '8080',
      HERALD_PUBLIC_URL: 'https://herald.example.com/',
      HERALD_POLL_INTERVAL_SECONDS: '120',
      DISCORD_TOKEN: 'abc',
      DISCORD_APPLICATION_ID: '123456789012345678',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      HERALD_X_CLIENT_ID: 'id',
      HERALD_X_CLIENT_SECRET: 'secret',
      HERALD_BLUESKY_API_URL: 'http://127.0.0.1:9999',
    });
    expect(config.database.url).toBe('postgres://u:p@db:5432/herald');
    expect(config.encryption.key?.length).toBe(32);
    expect(config.http).toEqual({ port: 8080, publicUrl: 'https://herald.example.com' });
    expect(config.worker.pollIntervalSeconds).toBe(120);
    expect(config.discord?.applicationId).toBe('123456789012345678');
    expect(config.slack?.appToken).toBe('xapp-1');
    expect(config.providers.x.clientSecret).toBe('secret');
    expect(config.providers.bluesky.apiUrl).toBe('http://127.0.0.1:9999');
  });

  it('GIVEN no poll budgets THEN each platform polls within its documented limit; an operator can change or lift one', () => {
    const defaults = loadConfig({}).worker.pollBudgets;
    expect(defaults.x).toEqual({ scope: 'app', requests: 9_000, windowSeconds: 900 });
    expect(defaults.mastodon).toEqual({ scope: 'host', requests: 270, windowSeconds: 300 });
    expect(defaults.rss).toBeUndefined();
    const changed = loadConfig({
      HERALD_POLL_BUDGETS: 'x=450/900, Mastodon = 100 / 60s,bluesky=off,rss=600/60',
    }).worker.pollBudgets;
    expect(changed.x).toEqual({ scope: 'app', requests: 450, windowSeconds: 900 });
    // The scope stays the platform's: Mastodon's limit is per instance whatever the numbers.
    expect(changed.mastodon).toEqual({ scope: 'host', requests: 100, windowSeconds: 60 });
    expect(changed.bluesky).toBeUndefined();
    expect(changed.rss).toEqual({ scope: 'app', requests: 600, windowSeconds: 60 });
  });

  it('GIVEN empty values (FOO= in .env) THEN they count as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: ' ' }).http.port).toBe(3000);
  });

  it.each([
    ['DATABASE_URL', 'mysql://localhost/db', /DATABASE_URL: must be a PostgreSQL URL/],
    [
      'HERALD_ENCRYPTION_KEY',
      'c2hvcnQ=',
      /HERALD_ENCRYPTION_KEY: must be 32 bytes .*got 5 bytes.*keys generate/,
    ],
    ['HERALD_ENCRYPTION_PREVIOUS_KEYS', `${KEY},nope`, /HERALD_ENCRYPTION_PREVIOUS_KEYS: must be 32 bytes/],
    ['PORT', 'eighty', /PORT: must be a port number/],
    ['PORT', '70000', /PORT: must be between 0 and 65535/],
    ['HERALD_PUBLIC_URL', 'ftp://x', /HERALD_PUBLIC_URL: must be an http\(s\) URL/],
    ['HERALD_LOG_LEVEL', 'loud', /HERALD_LOG_LEVEL: must be one of fatal, error/],
    ['HERALD_LOG_FORMAT', 'xml', /HERALD_LOG_FORMAT: must be json or pretty/],
    ['HERALD_POLL_INTERVAL_SECONDS', '5', /HERALD_POLL_INTERVAL_SECONDS: must be at least 10/],
    ['HERALD_WORKER_CONCURRENCY', '0', /HERALD_WORKER_CONCURRENCY: must be at least 1/],
    ['HERALD_WORKER_HEARTBEAT_SECONDS', '1.5', /HERALD_WORKER_HEARTBEAT_SECONDS: must be a whole number/],
    ['PORT', '0x10', /PORT: must be a port number/],
    ['HERALD_EMBEDDED_POSTGRES_PORT', '-1', /HERALD_EMBEDDED_POSTGRES_PORT: must be a port number/],
    ['NODE_ENV', 'staging', /NODE_ENV: must be development, production or test/],
    ['DISCORD_API_URL', 'not a url', /DISCORD_API_URL: must be an http\(s\) URL/],
    ['SLACK_BOT_TOKEN', 'xoxp-user', /SLACK_BOT_TOKEN: must be a bot token starting with xoxb-/],
    ['SLACK_APP_TOKEN', 'abc', /SLACK_APP_TOKEN: must be an app-level token/],
    ['HERALD_REDDIT_API_URL', 'oauth.reddit.com', /HERALD_REDDIT_API_URL: must be an http\(s\) URL/],
    ['HERALD_POSTFORME_API_URL', '::', /HERALD_POSTFORME_API_URL: must be an http\(s\) URL/],
    [
      'HERALD_POLL_BUDGETS',
      'x=lots',
      /HERALD_POLL_BUDGETS: "x=lots" must be <platform>=<requests>\/<seconds>/,
    ],
    [
      'HERALD_API_RATE_LIMIT',
      'many',
      /HERALD_API_RATE_LIMIT: must be <requests>\/<seconds>, e\.g\. 30\/3600/,
    ],
    ['HERALD_POLL_BUDGETS', 'mastodon=0/60', /HERALD_POLL_BUDGETS: "mastodon=0\/60" must be/],
    ['HERALD_POLL_BUDGETS', 'twitter=10/60', /HERALD_POLL_BUDGETS: "twitter=10\/60" must be/],
  ])('GIVEN a bad %s THEN names it and says what is expected', (name, value, expected) => {
    const problems = problemsOf({ [name]: value }).filter((problem) => problem.startsWith(`${name}:`));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('GIVEN several bad values THEN one error lists every problem with how to fix it', () => {
    const err = (() => {
      try {
        loadConfig({ PORT: 'x', DATABASE_URL: 'nope', DISCORD_TOKEN: 't', HERALD_X_CLIENT_SECRET: 's' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems.map((p) => p.split(':')[0])).toEqual([
      'DATABASE_URL',
      'PORT',
      'DISCORD_APPLICATION_ID',
      'HERALD_X_CLIENT_ID',
    ]);
    expect(err.message).toContain('PORT: must be a port number');
    expect(err.message).toContain('DATABASE_URL: must be a PostgreSQL URL');
    expect(err.hint).toContain('.env.example');
  });

  it('GIVEN one half of a pair THEN names the missing half', () => {
    expect(problemsOf({ DISCORD_TOKEN: 't' })).toEqual([
      expect.stringMatching(/^DISCORD_APPLICATION_ID: is missing/),
    ]);
    expect(problemsOf({ HERALD_X_CLIENT_SECRET: 's' })).toEqual([
      expect.stringMatching(/^HERALD_X_CLIENT_ID: is missing; X needs/),
    ]);
    expect(problemsOf({ SLACK_CLIENT_ID: 'c', SLACK_SIGNING_SECRET: 's' })).toEqual([
      expect.stringMatching(/^SLACK_CLIENT_SECRET: is missing/),
    ]);
  });

  it('GIVEN Slack without a way to receive events THEN says what to add', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([
      expect.stringMatching(/^SLACK_SIGNING_SECRET: is missing/),
    ]);
    expect(problemsOf({ SLACK_APP_TOKEN: 'xapp-1' })).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN: is missing/),
    ]);
  });

  it('GIVEN production without an encryption key THEN refuses to start', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^HERALD_ENCRYPTION_KEY: is required when NODE_ENV=production/),
    ]);
    expect(loadConfig({ NODE_ENV: 'production', HERALD_ENCRYPTION_KEY: KEY }).env).toBe('production');
  });

  it('GIVEN an unknown HERALD_ variable THEN starts but warns about the likely typo', () => {
    const config = loadConfig({ HERALD_POLL_INTERVAL: '30', OTHER_TOOL_SETTING: 'x' });
    expect(config.warnings).toEqual([
      expect.stringContaining('HERALD_POLL_INTERVAL is not a Herald variable'),
    ]);
  });
});

describe('.env files', () => {
  it('GIVEN a .env file THEN its variables are read, comments and quotes handled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-env-'));
    try {
      await writeFile(
        join(dir, '.env'),
        '# comment\nPORT=4000\nHERALD_PUBLIC_URL="https://h.example"\nEMPTY=\n',
      );
      const vars = readDotEnv(join(dir, '.env'));
      expect(vars).toMatchObject({ PORT: '4000', HERALD_PUBLIC_URL: 'https://h.example' });
      expect(loadConfig(vars).http.publicUrl).toBe('https://h.example');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('GIVEN no .env file THEN reads nothing and does not fail', () => {
    expect(readDotEnv('/nonexistent/.env')).toEqual({});
  });
});
