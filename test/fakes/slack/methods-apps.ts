/**
 * The app's own methods. `oauth.v2.access` exchanges a code the fake issued with `authorize(teamId)`
 * (a user approving the install) for the workspace's bot token, once; the client id and secret may
 * come as form fields (what WebClient sends) or HTTP Basic auth. `apps.connections.open` takes only
 * the app-level token, in the header, and answers with a one-time Socket Mode URL on the fake.
 * @see https://docs.slack.dev/reference/methods/oauth.v2.access
 * @see https://docs.slack.dev/reference/methods/apps.connections.open
 */
import { randomBytes } from 'node:crypto';
import type { RecordedRequest } from '../fake-server.js';
import type { MethodTable } from './web-api.js';
import { error, text, type Args, type SlackBody } from './wire.js';
import type { World } from './world.js';

export interface AuthorizeOptions {
  /** Who approves the install: the workspace's first human user by default (an admin is added if none). */
  readonly userId?: string;
  /** Bot scopes granted; the workspace's current ones by default. */
  readonly scopes?: readonly string[];
  /** User scopes: the answer then carries a user token in `authed_user`. */
  readonly userScopes?: readonly string[];
  /** The `redirect_uri` of the authorize step; the exchange must repeat it. */
  readonly redirectUri?: string;
}

export interface AppCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

interface Grant extends AuthorizeOptions {
  readonly teamId: string;
  readonly userId: string;
  used: boolean;
}

/** The client id and secret from HTTP Basic auth, else from the form. */
function credentials(args: Args, request: RecordedRequest): { id?: string; secret?: string } {
  const basic = /^Basic\s+(.+)$/iu.exec(request.headers.authorization ?? '');
  if (basic?.[1]) {
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { id, secret: rest.join(':') };
  }
  return { id: text(args.client_id), secret: text(args.client_secret) };
}

export function registerAppMethods(
  methods: MethodTable,
  world: World,
  app: AppCredentials,
  socketModeUrl: () => string,
) {
  const grants = new Map<string, Grant>();

  function installer(teamId: string): string {
    const human = [...world.users.values()].find((user) => user.teamId === teamId && !user.isBot);
    return human?.id ?? world.addUser({ name: 'installer', isAdmin: true }, teamId).id;
  }

  function exchange(args: Args, request: RecordedRequest): SlackBody {
    const client = credentials(args, request);
    if (client.id !== app.clientId) return error('invalid_client_id');
    if (client.secret !== app.clientSecret) return error('bad_client_secret');
    const grant = grants.get(text(args.code) ?? '');
    if (!grant || grant.used) return error('invalid_code');
    if (grant.redirectUri !== undefined && text(args.redirect_uri) !== grant.redirectUri)
      return error('bad_redirect_uri');
    grant.used = true;
    const workspace = world.install(grant.teamId);
    if (grant.scopes) workspace.scopes = grant.scopes;
    const user = grant.userScopes
      ? {
          scope: grant.userScopes.join(','),
          access_token: world.issueToken('user', workspace.id, grant.userId),
          token_type: 'user',
        }
      : {};
    return {
      ok: true,
      app_id: world.appId,
      authed_user: { id: grant.userId, ...user },
      scope: workspace.scopes.join(','),
      token_type: 'bot',
      access_token: workspace.botToken,
      bot_user_id: workspace.botUserId,
      team: { id: workspace.id, name: workspace.name },
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  methods.set('oauth.v2.access', { token: 'none', handler: exchange });
  methods.set('apps.connections.open', { token: 'app', handler: () => ({ ok: true, url: socketModeUrl() }) });

  return {
    /** A user approves installing the app in `teamId`: the code Slack would redirect with. */
    authorize(teamId: string, options: AuthorizeOptions = {}): string {
      world.workspaceOrThrow(teamId);
      const code = `${Date.now()}.${grants.size + 1}.${randomBytes(32).toString('hex')}`;
      grants.set(code, { ...options, teamId, userId: options.userId ?? installer(teamId), used: false });
      return code;
    },
  };
}
