/**
 * The loopback Slack for tests: the Web API methods Herald calls with Slack's envelopes and errors,
 * several workspaces to install in, and Slack's side of an app's conversation (signed HTTP requests,
 * response URLs, Socket Mode). Point Bolt or WebClient at `apiUrl`.
 * @example
 * const fake = await startSlackFake();
 * const userId = fake.addUser({ name: 'ann', isAdmin: true });
 * const channelId = fake.addChannel({ name: 'news' });
 * const app = new App({
 *   token: fake.botToken,
 *   signingSecret: fake.signingSecret,
 *   clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
 * });
 * const server = await app.start({ port: 0, host: '127.0.0.1' });
 * const { port } = server.address() as AddressInfo;
 * await fake.sendSlashCommand({ url: `http://127.0.0.1:${port}/slack/events`, userId, channelId, text: 'help' });
 */
export { startSlackFake, startSlackFake as startSlackApiFake } from './fake.js';
export type {
  FaultOptions,
  SlackAppIdentity,
  SlackAsSlackControls,
  SlackFake,
  SlackFake as SlackApiFake,
  SlackFakeOptions,
  SlackFakeOptions as SlackApiFakeOptions,
  SlackFaultControls,
  SlackWorldControls,
} from './api.js';
export type { HttpModeControls, HttpTarget, SlackHttpDelivery } from './http-mode.js';
export type { FakeMessageInput, FakeSlackMessage, SlackMessageMetadata } from './messages.js';
export type { FakeFileInput, SlackFileObject } from './files.js';
export { FILES_READ } from './files.js';
export type { AuthorizeOptions } from './methods-apps.js';
export { TRIGGER_LIFETIME_MS } from './methods-views.js';
export type {
  BlockActionInput,
  BlockActionPayload,
  Issued,
  MessageShortcutInput,
  Payloads,
  ShortcutInput,
  SlackEventInput,
  SlashCommandInput,
  ViewSubmissionInput,
} from './payloads.js';
export type { FakeResponseUrl, ResponseUrlPost } from './response-urls.js';
export { slackSignature, type SigningOptions, type SlackHttpResult } from './signing.js';
export type {
  FakeSocketMode,
  SocketModeAck,
  SocketModeConnection,
  SocketModeDelivery,
  SocketModeEnvelopeInput,
  SocketModeEnvelopeType,
} from './socket-mode.js';
export { SlackClientRefusal, type ViewInput } from './view-state.js';
export type { ViewSubmissionInput as ModalSubmissionInput, ViewSubmissionResult } from './view-submission.js';
export type { HeldSlackMessages, SlackMethodHandler } from './web-api.js';
export type {
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
