/**
 * What a test calls on the Slack fake beyond the HTTP server itself: the world (workspaces, users,
 * channels, user groups, and what the app posted or showed), faults, and acting as Slack toward an
 * app over HTTP or Socket Mode.
 */
import type { FakeServer, RecordedRequest } from '../fake-server.js';
import type { FakeFileInput, SlackFileObject } from './files.js';
import type { HttpModeControls } from './http-mode.js';
import type { FakeMessageInput, FakeSlackMessage } from './messages.js';
import type { AuthorizeOptions } from './methods-apps.js';
import type { Payloads } from './payloads.js';
import type { FakeResponseUrl } from './response-urls.js';
import type { FakeSocketMode } from './socket-mode.js';
import type { HeldSlackMessages, SlackMethodHandler } from './web-api.js';
import type {
  FakeChannelOptions,
  FakeEphemeral,
  FakeUser,
  FakeUserGroupOptions,
  FakeUserOptions,
  FakeView,
  FakeWorkspace,
  FakeWorkspaceOptions,
  SlackView,
} from './world.js';

export interface SlackFakeOptions {
  /** The fake's clock (ms since the epoch): message `ts`, the posting limit, trigger and response URL expiry. */
  readonly now?: () => number;
  /** The app's signing secret; a random one by default. */
  readonly signingSecret?: string;
  /** Bot scopes granted in the default workspace (private files need `files:read`). */
  readonly scopes?: readonly string[];
}

/** The app's identity and the default workspace it is installed in (the first one). */
export interface SlackAppIdentity {
  readonly appId: string;
  /** The app-level token (`xapp-…`) for `apps.connections.open`. */
  readonly appToken: string;
  readonly signingSecret: string;
  /** The deprecated verification token Slack still puts in payloads. */
  readonly verificationToken: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly teamId: string;
  /** A valid bot token for the default workspace. */
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId: string;
}

export interface SlackWorldControls {
  /** Another workspace the app is installed in, with its own bot user and token. */
  addWorkspace(options?: FakeWorkspaceOptions): FakeWorkspace;
  /** A workspace as it is now (its bot token changes on reinstall); the default one without an id. */
  workspace(teamId?: string): FakeWorkspace;
  /** Removes the app from a workspace: its tokens answer `account_inactive` until `authorize` + exchange. */
  uninstall(teamId: string): void;
  /** A user approves installing the app: the code `oauth.v2.access` exchanges once. */
  authorize(teamId: string, options?: AuthorizeOptions): string;
  /** A user (in the default workspace unless `teamId`); returns its id. */
  addUser(options?: FakeUserOptions): string;
  user(id: string): FakeUser | undefined;
  updateUser(id: string, changes: Omit<FakeUserOptions, 'id' | 'teamId'>): void;
  addChannel(options?: FakeChannelOptions): string;
  updateChannel(id: string, changes: Omit<FakeChannelOptions, 'id' | 'name' | 'teamId'>): void;
  addUserGroup(options?: FakeUserGroupOptions): string;
  /** The channel's messages, oldest first, metadata included. */
  messages(channelId: string): readonly FakeSlackMessage[];
  /** Puts a message in a channel's history without a request (e.g. one posted before a crash). */
  addMessage(channelId: string, input?: FakeMessageInput): FakeSlackMessage;
  /**
   * A user uploads a file (to share in a message with `addMessage`, or to pick in a modal's file
   * input): Slack's file object, its `url_private` on the fake's origin.
   */
  uploadFile(input: FakeFileInput): SlackFileObject;
  /** Ephemeral messages (from `chat.postEphemeral` or a response URL), oldest first, optionally filtered. */
  ephemerals(filter?: { readonly channelId?: string; readonly userId?: string }): readonly FakeEphemeral[];
  /** The Home tab last published for a user. */
  homeView(userId: string, teamId?: string): SlackView | undefined;
  /** A view the app opened or published, by id. */
  view(viewId: string): FakeView | undefined;
  /** Views the app opened or published, oldest first, optionally only a user's or one callback id's. */
  views(filter?: { readonly userId?: string; readonly callbackId?: string }): readonly FakeView[];
  /** Another valid bot token for a workspace (the default one without an id). */
  issueToken(teamId?: string): string;
  /** Later calls with it answer `token_revoked`. */
  revokeToken(token: string): void;
  /** Adds or replaces a Web API method taking a workspace token; the token is checked before it runs. */
  onMethod(method: string, handler: SlackMethodHandler): void;
}

export interface FaultOptions {
  readonly method?: string;
  readonly times?: number;
}

export interface SlackFaultControls {
  /** At most this many posts per channel per second, then 429s (off by default, to stay fast). */
  limitPostsPerChannel(perSecond: number | undefined): void;
  /** HTTP 429, `Retry-After` seconds and `{ ok: false, error: "ratelimited" }`. */
  rateLimit(retryAfterSeconds: number, options?: FaultOptions): void;
  /** `{ ok: false, error }` at HTTP 200 for the next matching call. */
  platformError(error: string, options?: FaultOptions & { readonly extra?: Record<string, unknown> }): void;
  serverError(status?: number, options?: FaultOptions): void;
  slow(ms: number, options?: FaultOptions): void;
  malformed(body?: string, options?: FaultOptions): void;
  drop(options?: FaultOptions): void;
  /**
   * The next `times` (default 1) `chat.postMessage` calls that succeed store their message as usual,
   * then keep the answer back until `release()`: the message is in the channel, but the sender never
   * hears of it (a process killed between send and record).
   */
  holdPostedMessages(options?: { readonly times?: number }): HeldSlackMessages;
  /** Resolves with the next call of a Web API method once the fake has handled it. */
  nextCall(method: string): Promise<RecordedRequest>;
}

export interface SlackAsSlackControls extends HttpModeControls {
  /** Builders of what Slack sends (slash commands, interactions, events), for either transport. */
  readonly payloads: Payloads;
  /** A trigger for `views.open`, as if the user had just clicked something. */
  issueTrigger(userId: string, teamId?: string): string;
  /** A response URL the fake issued, and what the app posted to it. */
  responseUrl(url: string): FakeResponseUrl | undefined;
  readonly socketMode: FakeSocketMode;
}

export interface SlackFake
  extends FakeServer, SlackAppIdentity, SlackWorldControls, SlackFaultControls, SlackAsSlackControls {
  /** What `slackApiUrl` / `config.slack.apiUrl` should be: `<url>/api/`. */
  readonly apiUrl: string;
}
