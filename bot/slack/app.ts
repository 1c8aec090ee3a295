/**
 * Herald's Slack app: Bolt over the command catalogue, in Socket Mode (SLACK_APP_TOKEN: no public
 * URL needed, the default for self-hosting) or HTTP mode on Herald's own web server
 * (`/slack/events`; Bolt checks the signing secret and Slack's 5-minute replay window). One
 * workspace with SLACK_BOT_TOKEN, or many with "Add to Slack" when SLACK_CLIENT_ID/SECRET are set:
 * `/slack/install` and `/slack/oauth_redirect` on Herald's web server, in either mode.
 */
import { createHash } from 'node:crypto';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { InstallProvider } from '@slack/oauth';
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import type { CommandDeps } from '../commands/context.js';
import type { Catalogue } from '../commands/dispatch.js';
import type { Route } from '../http/server.js';
import { registerHandlers, registerUninstall } from './handlers.js';
import { createInstallationStore } from './installation-store.js';

type SlackConfig = NonNullable<Config['slack']>;

export const SLACK_PATHS = {
  events: '/slack/events',
  install: '/slack/install',
  redirect: '/slack/oauth_redirect',
} as const;

/** The bot scopes of slack/manifest.yml: what each Web API call Herald makes needs. */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'channels:read',
  'groups:read',
  'channels:history',
  'groups:history',
  'users:read',
  'usergroups:read',
  'files:read',
];

export interface SlackAdapter {
  readonly mode: 'socket' | 'http';
  /** To mount on Herald's web server: events (HTTP mode), install and redirect (workspace installs). */
  readonly routes: readonly Route[];
  /** Socket Mode: connect; HTTP mode: nothing (the web server hands requests over). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Bolt's log lines as pino events of the `slack` subsystem. */
function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ subsystem: 'slack' });
  let level = LogLevel.INFO;
  const line = (msg: unknown[]) =>
    msg.map((part) => (part instanceof Error ? part.message : String(part))).join(' ');
  return {
    debug: (...msg: unknown[]) => log.debug(line(msg)),
    info: (...msg: unknown[]) => log.info(line(msg)),
    warn: (...msg: unknown[]) => log.warn(line(msg)),
    error: (...msg: unknown[]) => log.error(line(msg)),
    setLevel: (next: LogLevel) => (level = next),
    getLevel: () => level,
    setName: () => undefined,
  };
}

export interface SlackAdapterOptions {
  readonly config: SlackConfig;
  readonly publicUrl: string;
  readonly catalogue: Catalogue;
  readonly deps: CommandDeps;
}

function installProvider(
  config: SlackConfig,
  deps: CommandDeps,
  publicUrl: string,
  logger: BoltLogger,
): InstallProvider | undefined {
  if (!config.clientId || !config.clientSecret) return undefined;
  return new InstallProvider({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    // Stable across restarts and processes, and as secret as the client secret.
    stateSecret: createHash('sha256').update(`herald-slack-state:${config.clientSecret}`).digest('hex'),
    installationStore: createInstallationStore(deps.pool, deps.keyring),
    directInstall: true,
    installUrlOptions: { scopes: BOT_SCOPES, redirectUri: new URL(SLACK_PATHS.redirect, publicUrl).href },
    clientOptions: { slackApiUrl: config.apiUrl },
    logger,
  });
}

export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { config, deps } = options;
  const logger = boltLogger(deps.logger);
  // Slack's WebClient retries for up to 30 minutes by default: an answer to a command gets one try.
  const clientOptions = {
    slackApiUrl: config.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  };
  const installer = installProvider(config, deps, options.publicUrl, logger);
  const auth = installer ? { authorize: installer.authorize.bind(installer) } : { token: config.botToken };
  const socket = config.appToken !== undefined;
  const receiver = socket
    ? undefined
    : new HTTPReceiver({ signingSecret: config.signingSecret ?? '', endpoints: SLACK_PATHS.events, logger });
  const app = new App({
    logger,
    clientOptions,
    ...auth,
    ...(socket ? { socketMode: true, appToken: config.appToken } : { receiver }),
  });
  registerHandlers(app, { catalogue: options.catalogue, deps, adminUserGroup: config.adminUserGroup });
  registerUninstall(app, deps);
  app.error(async (err) => deps.logger.error({ err: err.message, code: err.code }, 'slack request failed'));

  const routes: Route[] = [];
  if (receiver) {
    const listener = receiver.requestListener;
    routes.push({ method: 'POST', path: SLACK_PATHS.events, handler: (req, res) => listener(req, res) });
  }
  if (installer) {
    routes.push(
      {
        method: 'GET',
        path: SLACK_PATHS.install,
        handler: (req, res) => installer.handleInstallPath(req, res),
      },
      {
        method: 'GET',
        path: SLACK_PATHS.redirect,
        handler: (req, res) => installer.handleCallback(req, res),
      },
    );
  }
  return {
    mode: socket ? 'socket' : 'http',
    routes,
    start: async () => {
      if (socket) await app.start();
    },
    stop: async () => {
      if (socket) await app.stop();
    },
  };
}
