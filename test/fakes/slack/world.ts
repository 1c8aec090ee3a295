/**
 * What the fake Slack knows: one app (id, signing secret, app-level token, OAuth client) installed in
 * one or more workspaces, each with its bot user and bot token, and the users, channels, user groups,
 * files, ephemeral messages and views in them. Tokens say which workspace and kind (bot, user, app)
 * they are.
 */
import type { FakeFile } from './files.js';
import type { MessageList } from './messages.js';

export interface FakeWorkspaceOptions {
  readonly id?: string;
  readonly name?: string;
  readonly domain?: string;
  /** Bot scopes granted at install, as `oauth.v2.access` reports them. */
  readonly scopes?: readonly string[];
}

/** A workspace the app is (or was) installed in. */
export interface FakeWorkspace {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  readonly botUserId: string;
  readonly botId: string;
  /** The current bot token; a reinstall after an uninstall issues a new one. */
  readonly botToken: string;
  readonly installed: boolean;
  readonly scopes: readonly string[];
}

export interface FakeUserOptions {
  readonly id?: string;
  /** The default workspace when absent. */
  readonly teamId?: string;
  readonly name?: string;
  readonly realName?: string;
  readonly isAdmin?: boolean;
  readonly isOwner?: boolean;
  readonly isPrimaryOwner?: boolean;
  readonly isRestricted?: boolean;
  readonly isUltraRestricted?: boolean;
  readonly isBot?: boolean;
  readonly deleted?: boolean;
}

export interface FakeUser {
  readonly id: string;
  readonly teamId: string;
  readonly name: string;
  readonly realName: string;
  readonly isAdmin: boolean;
  readonly isOwner: boolean;
  readonly isPrimaryOwner: boolean;
  readonly isRestricted: boolean;
  readonly isUltraRestricted: boolean;
  readonly isBot: boolean;
  readonly deleted: boolean;
  /** Set on a workspace's bot user. */
  readonly botId?: string;
}

export interface FakeChannelOptions {
  readonly id?: string;
  readonly name?: string;
  /** The default workspace when absent. */
  readonly teamId?: string;
  readonly archived?: boolean;
  /** False: the bot was never invited, so posting and reading answer `not_in_channel`. */
  readonly botIsMember?: boolean;
  /** True: a workspace preference stops the bot posting (`restricted_action`). */
  readonly postingRestricted?: boolean;
  /** A private channel the bot is not in is invisible to it (`channel_not_found`). */
  readonly isPrivate?: boolean;
  /** Human members; every user of the workspace when absent. */
  readonly members?: readonly string[];
  readonly topic?: string;
}

export interface FakeUserGroupOptions {
  readonly id?: string;
  readonly teamId?: string;
  readonly handle?: string;
  readonly name?: string;
  readonly users?: readonly string[];
  readonly disabled?: boolean;
}

/** An ephemeral message: only `user` sees it, and Slack keeps it in no history. */
export interface FakeEphemeral {
  readonly channel: string;
  readonly user: string;
  readonly ts: string;
  readonly text: string;
  readonly blocks?: readonly unknown[];
  readonly via: 'chat.postEphemeral' | 'response_url';
}

/** A view as `views.open` and `views.publish` return it. */
export interface SlackView {
  readonly id: string;
  readonly team_id: string;
  readonly type: string;
  readonly blocks: readonly unknown[];
  readonly private_metadata: string;
  readonly callback_id: string;
  readonly external_id: string;
  readonly state: { readonly values: Readonly<Record<string, unknown>> };
  readonly hash: string;
  readonly title: unknown;
  readonly submit: unknown;
  readonly close: unknown;
  readonly clear_on_close: boolean;
  readonly notify_on_close: boolean;
  readonly root_view_id: string;
  readonly previous_view_id: string | null;
  readonly app_id: string;
  readonly app_installed_team_id: string;
  readonly bot_id: string;
}

/** A view and whom it was shown to. */
export interface FakeView {
  readonly view: SlackView;
  readonly userId: string;
  readonly teamId: string;
  /** A modal the user submitted (and the app let close) or dismissed. */
  readonly closed?: boolean;
}

export interface Workspace extends FakeWorkspace {
  installed: boolean;
  botToken: string;
  scopes: readonly string[];
}

export interface Channel {
  readonly id: string;
  readonly teamId: string;
  readonly name: string;
  readonly created: number;
  archived: boolean;
  botIsMember: boolean;
  postingRestricted: boolean;
  isPrivate: boolean;
  members: readonly string[] | undefined;
  topic: string;
  readonly messages: MessageList;
}

export interface UserGroup {
  readonly id: string;
  readonly teamId: string;
  readonly handle: string;
  readonly name: string;
  readonly users: readonly string[];
  readonly disabled: boolean;
}

type TokenKind = 'bot' | 'user' | 'app';
interface TokenRecord {
  readonly kind: TokenKind;
  readonly teamId?: string;
  readonly userId?: string;
  revoked: boolean;
}

/** Who called: a workspace's bot or user token, or the app-level token. */
export type Caller =
  | { readonly kind: 'bot' | 'user'; readonly workspace: Workspace; readonly userId: string }
  | { readonly kind: 'app' };

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function createWorld(appId: string, now: () => number) {
  const workspaces = new Map<string, Workspace>();
  const users = new Map<string, FakeUser>();
  const channels = new Map<string, Channel>();
  const userGroups = new Map<string, UserGroup>();
  const tokens = new Map<string, TokenRecord>();
  const ephemerals: FakeEphemeral[] = [];
  const views = new Map<string, FakeView>();
  const files = new Map<string, FakeFile>();
  /** `<team>:<user>` → id of the user's Home tab view. */
  const homeViews = new Map<string, string>();
  let tokenSequence = 0;
  let userSequence = 0;

  function issueToken(kind: TokenKind, teamId?: string, userId?: string): string {
    tokenSequence += 1;
    const tail = `${1000 + tokenSequence}-fake${tokenSequence.toString(36).padStart(8, '0')}`;
    const token =
      kind === 'app' ? `xapp-1-${appId}-${tail}` : `${kind === 'bot' ? 'xoxb' : 'xoxp'}-${teamId}-${tail}`;
    tokens.set(token, { kind, teamId, userId, revoked: false });
    return token;
  }

  function workspaceOrThrow(teamId: string): Workspace {
    const workspace = workspaces.get(teamId);
    if (!workspace) throw new Error(`fake Slack has no workspace ${teamId}`);
    return workspace;
  }

  function addUser(options: FakeUserOptions & { readonly botId?: string }, teamId: string): FakeUser {
    userSequence += 1;
    const id = options.id ?? `U${pad(userSequence, 10)}`;
    const user: FakeUser = {
      id,
      teamId,
      name: options.name ?? `user${userSequence}`,
      realName: options.realName ?? options.name ?? `User ${userSequence}`,
      isAdmin: options.isAdmin ?? false,
      isOwner: options.isOwner ?? false,
      isPrimaryOwner: options.isPrimaryOwner ?? false,
      isRestricted: options.isRestricted ?? false,
      isUltraRestricted: options.isUltraRestricted ?? false,
      isBot: options.isBot ?? false,
      deleted: options.deleted ?? false,
      ...(options.botId === undefined ? {} : { botId: options.botId }),
    };
    users.set(id, user);
    return user;
  }

  function addWorkspace(options: FakeWorkspaceOptions = {}): Workspace {
    const n = workspaces.size + 1;
    const id = options.id ?? `T0HERALD${pad(n, 2)}`;
    if (workspaces.has(id)) throw new Error(`fake Slack already has workspace ${id}`);
    // The first workspace keeps the ids the delivery tests were written against.
    const botUserId = n === 1 ? 'U0HERALDBOT' : `U0HERALDBOT${n}`;
    const workspace: Workspace = {
      id,
      name: options.name ?? (n === 1 ? 'Herald Test' : `Herald Test ${n}`),
      domain: options.domain ?? (n === 1 ? 'herald-test' : `herald-test-${n}`),
      botUserId,
      botId: `B0HERALD${pad(n, 2)}`,
      botToken: issueToken('bot', id, botUserId),
      installed: true,
      scopes: options.scopes ?? ['commands', 'chat:write', 'users:read', 'channels:read', 'groups:read'],
    };
    workspaces.set(id, workspace);
    addUser({ id: botUserId, name: 'herald', realName: 'Herald', isBot: true, botId: workspace.botId }, id);
    return workspace;
  }

  function resolveToken(token: string): Caller | string {
    const record = tokens.get(token);
    if (!record) return 'invalid_auth';
    if (record.revoked) return 'token_revoked';
    if (record.kind === 'app') return { kind: 'app' };
    const workspace = workspaceOrThrow(record.teamId ?? '');
    if (!workspace.installed) return 'account_inactive';
    return { kind: record.kind, workspace, userId: record.userId ?? workspace.botUserId };
  }

  /** Reinstalls a workspace whose install was removed, with a fresh bot token. */
  function install(teamId: string): Workspace {
    const workspace = workspaceOrThrow(teamId);
    if (!workspace.installed) {
      // Removing the app revoked the old install's bot tokens; the new install has its own.
      for (const record of tokens.values())
        if (record.kind === 'bot' && record.teamId === teamId) record.revoked = true;
      workspace.installed = true;
      workspace.botToken = issueToken('bot', teamId, workspace.botUserId);
    }
    return workspace;
  }

  function addChannel(options: FakeChannelOptions, defaultTeam: string): string {
    const id = options.id ?? `C${pad(channels.size + 1, 10)}`;
    const teamId = options.teamId ?? defaultTeam;
    workspaceOrThrow(teamId);
    channels.set(id, {
      id,
      teamId,
      name: options.name ?? `channel-${channels.size + 1}`,
      created: Math.floor(now() / 1000),
      archived: options.archived ?? false,
      botIsMember: options.botIsMember ?? true,
      postingRestricted: options.postingRestricted ?? false,
      isPrivate: options.isPrivate ?? false,
      members: options.members,
      topic: options.topic ?? '',
      messages: [],
    });
    return id;
  }

  function addUserGroup(options: FakeUserGroupOptions, defaultTeam: string): string {
    const id = options.id ?? `S${pad(userGroups.size + 1, 10)}`;
    const handle = options.handle ?? `group-${userGroups.size + 1}`;
    userGroups.set(id, {
      id,
      teamId: options.teamId ?? defaultTeam,
      handle,
      name: options.name ?? handle,
      users: options.users ?? [],
      disabled: options.disabled ?? false,
    });
    return id;
  }

  /** Whether a human user may see the channel: its member list, or everyone in the workspace. */
  const isMember = (channel: Channel, userId: string) =>
    channel.members === undefined
      ? users.get(userId)?.teamId === channel.teamId
      : channel.members.includes(userId);

  return {
    appId,
    workspaces,
    users,
    channels,
    userGroups,
    ephemerals,
    views,
    files,
    homeViews,
    issueToken,
    resolveToken,
    revokeToken(token: string) {
      const record = tokens.get(token);
      if (record) record.revoked = true;
    },
    workspaceOrThrow,
    addWorkspace,
    install,
    addUser,
    addChannel,
    addUserGroup,
    isMember,
  };
}

export type World = ReturnType<typeof createWorld>;
