/**
 * Puts the Slack fake together on one loopback port: the Web API under `/api/`, response URLs under
 * `/response/`, private files under `/files-pri/`, and Socket Mode WebSockets at `/socket-mode`, over
 * one world.
 */
import { randomBytes } from 'node:crypto';
import { startFakeServer } from '../fake-server.js';
import type { SlackFake, SlackFakeOptions, SlackWorldControls } from './api.js';
import { faultControls } from './faults.js';
import { createFiles, type Files } from './files.js';
import { createHttpMode } from './http-mode.js';
import { createMessageClock, type MessageClock } from './messages.js';
import { registerAppMethods } from './methods-apps.js';
import { botAuthor, registerChatMethods } from './methods-chat.js';
import { registerUserMethods } from './methods-users.js';
import { createTriggers, createViewStore, registerViewMethods } from './methods-views.js';
import { createPayloads } from './payloads.js';
import { createResponseUrls } from './response-urls.js';
import { createSocketMode } from './socket-mode.js';
import { createWebApi, type MethodTable } from './web-api.js';
import { createWorld, type Channel, type World } from './world.js';

const APP_ID = 'A0HERALD01';

type WorldDeps = Pick<SlackWorldControls, 'authorize'>;

function worldControls(
  world: World,
  clock: MessageClock,
  oauth: WorldDeps,
  methods: MethodTable,
  files: Files,
) {
  const defaultTeam = () => [...world.workspaces.keys()][0] ?? '';
  const channelOrThrow = (id: string): Channel => {
    const channel = world.channels.get(id);
    if (!channel) throw new Error(`fake Slack has no channel ${id}`);
    return channel;
  };

  const controls: SlackWorldControls = {
    addWorkspace: (options) => ({ ...world.addWorkspace(options) }),
    workspace: (teamId) => ({ ...world.workspaceOrThrow(teamId ?? defaultTeam()) }),
    uninstall(teamId) {
      world.workspaceOrThrow(teamId).installed = false;
    },
    authorize: oauth.authorize,
    addUser: (options = {}) => world.addUser(options, options.teamId ?? defaultTeam()).id,
    user: (id) => world.users.get(id),
    updateUser(id, changes) {
      const user = world.users.get(id);
      if (!user) throw new Error(`fake Slack has no user ${id}`);
      world.users.set(id, { ...user, ...changes });
    },
    addChannel: (options = {}) => world.addChannel(options, defaultTeam()),
    updateChannel(id, changes) {
      Object.assign(channelOrThrow(id), changes);
    },
    addUserGroup: (options = {}) => world.addUserGroup(options, defaultTeam()),
    messages: (channelId) => channelOrThrow(channelId).messages.map(({ message }) => message),
    addMessage(channelId, input = {}) {
      const channel = channelOrThrow(channelId);
      return clock.store(
        channel.messages,
        { ...input, files: files.objects(input.files ?? []) },
        botAuthor(world.workspaceOrThrow(channel.teamId), world.appId),
      );
    },
    uploadFile: (input) => files.upload(input),
    ephemerals: (filter = {}) =>
      world.ephemerals.filter(
        (entry) =>
          (filter.channelId === undefined || entry.channel === filter.channelId) &&
          (filter.userId === undefined || entry.user === filter.userId),
      ),
    homeView(userId, teamId) {
      const id = world.homeViews.get(`${teamId ?? defaultTeam()}:${userId}`);
      return id === undefined ? undefined : world.views.get(id)?.view;
    },
    view: (viewId) => world.views.get(viewId),
    views: (filter = {}) =>
      [...world.views.values()].filter(
        (entry) =>
          (filter.userId === undefined || entry.userId === filter.userId) &&
          (filter.callbackId === undefined || entry.view.callback_id === filter.callbackId),
      ),
    issueToken(teamId) {
      const workspace = world.workspaceOrThrow(teamId ?? defaultTeam());
      return world.issueToken('bot', workspace.id, workspace.botUserId);
    },
    revokeToken: world.revokeToken,
    onMethod(method, handler) {
      methods.set(method, { token: 'workspace', handler });
    },
  };
  return { controls, defaultTeam };
}

/**
 * A loopback Slack for one app. Every request is recorded (`requests`, `requestsTo`).
 * @see ./index.ts for an example.
 */
export async function startSlackFake(options: SlackFakeOptions = {}): Promise<SlackFake> {
  const now = options.now ?? Date.now;
  const server = await startFakeServer({
    notFound: { status: 404, text: 'Not Found' },
    // Requests only arrive once this function has returned, so `sockets` is set by then.
    upgrade: (request, socket, head) => sockets.handleUpgrade(request, socket, head),
  });
  const world = createWorld(APP_ID, now);
  const workspace = world.addWorkspace(options.scopes ? { scopes: options.scopes } : {});
  const identity = {
    appId: APP_ID,
    appToken: world.issueToken('app'),
    signingSecret: options.signingSecret ?? randomBytes(16).toString('hex'),
    verificationToken: randomBytes(12).toString('base64url'),
    clientId: `${1_000_000_000 + Math.floor(Math.random() * 1e9)}.${Date.now()}`,
    clientSecret: randomBytes(16).toString('hex'),
    teamId: workspace.id,
    botToken: workspace.botToken,
    botUserId: workspace.botUserId,
    botId: workspace.botId,
  };
  const clock = createMessageClock(now);
  const methods: MethodTable = new Map();
  const triggers = createTriggers(now);
  const views = createViewStore(world);
  const files = createFiles(server, world, now);
  registerUserMethods(methods, world);
  registerChatMethods(methods, world, clock);
  registerViewMethods(methods, world, triggers, views);
  const oauth = registerAppMethods(methods, world, identity, () => sockets.openUrl());
  const webApi = createWebApi({ server, world, methods, now });
  const responseUrls = createResponseUrls({ server, world, clock, now });
  const { controls, defaultTeam } = worldControls(world, clock, oauth, methods, files);
  const payloads = createPayloads({
    world,
    triggers,
    responseUrls,
    defaultTeam,
    verificationToken: identity.verificationToken,
  });
  const sockets = createSocketMode({
    appId: APP_ID,
    payloads,
    baseUrl: () => server.url.replace(/^http/u, 'ws'),
  });

  return {
    ...server,
    ...identity,
    ...controls,
    ...faultControls(server, webApi),
    ...createHttpMode({ payloads, ...identity, world, views, files }),
    apiUrl: `${server.url}/api/`,
    // The default workspace's current token: a reinstall after `uninstall` replaces it.
    get botToken() {
      return world.workspaceOrThrow(workspace.id).botToken;
    },
    payloads,
    issueTrigger: (userId, teamId) => triggers.issue(teamId ?? defaultTeam(), userId),
    responseUrl: responseUrls.find,
    socketMode: sockets.controls,
    async close() {
      // Upgraded sockets are not the HTTP server's to close: end them first, or close() never returns.
      await sockets.close();
      await server.close();
    },
  };
}
