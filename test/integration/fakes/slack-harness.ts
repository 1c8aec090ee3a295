/**
 * A real Bolt `App` pointed at the Slack fake, in HTTP mode (Bolt's own `HTTPReceiver` on a free
 * loopback port) or Socket Mode (`apps.connections.open` on the fake). Bolt logs nothing; errors its
 * listeners throw are collected for the test to check.
 */
import type { AddressInfo } from 'node:net';
import { App, LogLevel, SocketModeReceiver, type Logger } from '@slack/bolt';
import type { SlackFake } from '../../fakes/slack/index.js';

export interface BoltHarness {
  readonly app: App;
  /** The app's request URL in HTTP mode (`/slack/events`); empty in Socket Mode. */
  readonly url: string;
  /** What the app's listeners threw. */
  readonly errors: unknown[];
  stop(): Promise<void>;
}

/** Bolt's logger interface, silenced: the tests assert on behaviour, not log lines. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/** No retries: a fake's refusal should fail the call at once, not after WebClient's 30-minute backoff. */
export const clientOptions = (fake: SlackFake) => ({ slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });

function collectErrors(app: App): unknown[] {
  const errors: unknown[] = [];
  app.error(async (error) => {
    errors.push(error);
  });
  return errors;
}

/** Registers listeners with `setup`, then starts the app's HTTP server on 127.0.0.1 and a free port. */
export async function startHttpApp(fake: SlackFake, setup: (app: App) => void): Promise<BoltHarness> {
  const app = new App({
    token: fake.botToken,
    signingSecret: fake.signingSecret,
    logger: silentLogger,
    clientOptions: clientOptions(fake),
  });
  const errors = collectErrors(app);
  setup(app);
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}/slack/events`,
    errors,
    stop: async () => void (await app.stop()),
  };
}

/**
 * Socket Mode: Bolt's WebClient options reach the Socket Mode client, so `slackApiUrl` sends
 * `apps.connections.open` to the fake. `reconnectAfterMs` builds the receiver itself, because only
 * `SocketModeReceiver` takes `clientPingTimeout`, which is also the client's reconnect delay.
 */
export async function startSocketModeApp(
  fake: SlackFake,
  setup: (app: App) => void,
  options: { readonly reconnectAfterMs?: number } = {},
): Promise<BoltHarness> {
  const receiver =
    options.reconnectAfterMs === undefined
      ? undefined
      : new SocketModeReceiver({
          appToken: fake.appToken,
          logger: silentLogger,
          clientPingTimeout: options.reconnectAfterMs,
          installerOptions: { clientOptions: clientOptions(fake) },
        });
  const app = new App({
    token: fake.botToken,
    logger: silentLogger,
    clientOptions: clientOptions(fake),
    ...(receiver ? { receiver } : { socketMode: true, appToken: fake.appToken }),
  });
  const errors = collectErrors(app);
  setup(app);
  await app.start();
  return {
    app,
    url: '',
    errors,
    async stop() {
      await app.stop();
      // Bolt's stop() does not wait for the socket to close; the fake sees it go.
      await fake.socketMode.disconnected();
    },
  };
}

/** A promise the app's listener settles, so a test waits for the listener rather than for a clock. */
export function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
