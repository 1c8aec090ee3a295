/**
 * Who is who: `auth.test` (the caller's workspace and user), `users.info` (with the admin, owner,
 * guest, bot and deleted flags Herald's permission checks read), `usergroups.list` and
 * `usergroups.users.list`. Each sees only the caller's workspace.
 * @see https://docs.slack.dev/reference/methods/auth.test
 * @see https://docs.slack.dev/reference/methods/users.info
 * @see https://docs.slack.dev/reference/methods/usergroups.users.list
 */
import type { MethodTable } from './web-api.js';
import { error, flag, type SlackBody } from './wire.js';
import type { FakeUser, UserGroup, World } from './world.js';

export function registerUserMethods(methods: MethodTable, world: World): void {
  methods.set('auth.test', {
    token: 'workspace',
    handler(_args, _request, caller) {
      const { workspace } = caller;
      const user = world.users.get(caller.userId);
      return {
        ok: true,
        url: `https://${workspace.domain}.slack.com/`,
        team: workspace.name,
        user: user?.name ?? 'herald',
        team_id: workspace.id,
        user_id: caller.userId,
        ...(caller.kind === 'bot' ? { bot_id: workspace.botId } : {}),
        is_enterprise_install: false,
      };
    },
  });

  methods.set('users.info', {
    token: 'workspace',
    handler(args, _request, caller) {
      const user = world.users.get(String(args.user ?? ''));
      if (!user || user.teamId !== caller.workspace.id) return error('user_not_found');
      return { ok: true, user: slackUser(user, world.appId) };
    },
  });

  methods.set('usergroups.list', {
    token: 'workspace',
    handler(args, _request, caller) {
      const groups = [...world.userGroups.values()].filter(
        (group) => group.teamId === caller.workspace.id && (!group.disabled || flag(args.include_disabled)),
      );
      return { ok: true, usergroups: groups.map((group) => usergroup(group, flag(args.include_users))) };
    },
  });

  methods.set('usergroups.users.list', {
    token: 'workspace',
    handler(args, _request, caller) {
      const group = world.userGroups.get(String(args.usergroup ?? ''));
      if (!group || group.teamId !== caller.workspace.id) return error('no_such_subteam');
      if (group.disabled && !flag(args.include_disabled)) return error('no_such_subteam');
      return { ok: true, users: group.users };
    },
  });
}

/** A user as `users.info` returns it. */
function slackUser(user: FakeUser, appId: string): SlackBody {
  const profile = {
    real_name: user.realName,
    real_name_normalized: user.realName,
    display_name: user.name,
    display_name_normalized: user.name,
    avatar_hash: 'g0000000000',
    image_24: `https://avatars.slack-edge.invalid/${user.id}_24.png`,
    image_72: `https://avatars.slack-edge.invalid/${user.id}_72.png`,
    team: user.teamId,
    ...(user.botId === undefined ? {} : { bot_id: user.botId, api_app_id: appId, always_active: true }),
  };
  return {
    id: user.id,
    team_id: user.teamId,
    name: user.name,
    deleted: user.deleted,
    color: '9f69e7',
    real_name: user.realName,
    tz: 'Europe/London',
    tz_label: 'Greenwich Mean Time',
    tz_offset: 0,
    profile,
    is_admin: user.isAdmin,
    is_owner: user.isOwner,
    is_primary_owner: user.isPrimaryOwner,
    is_restricted: user.isRestricted,
    is_ultra_restricted: user.isUltraRestricted,
    is_bot: user.isBot,
    is_app_user: false,
    updated: 1_700_000_000,
    is_email_confirmed: !user.isBot,
    who_can_share_contact_card: 'EVERYONE',
  };
}

function usergroup(group: UserGroup, withUsers: boolean): SlackBody {
  return {
    id: group.id,
    team_id: group.teamId,
    is_usergroup: true,
    is_subteam: true,
    name: group.name,
    description: '',
    handle: group.handle,
    is_external: false,
    date_create: 1_700_000_000,
    date_update: 1_700_000_000,
    date_delete: group.disabled ? 1_700_000_001 : 0,
    auto_type: null,
    created_by: '',
    updated_by: '',
    deleted_by: null,
    prefs: { channels: [], groups: [] },
    user_count: group.users.length,
    ...(withUsers ? { users: group.users } : {}),
  };
}
