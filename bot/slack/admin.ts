/**
 * Who may configure Herald in a workspace: its admins and owners (`users.info`), and members of the
 * user group named in SLACK_ADMIN_USERGROUP (`usergroups.users.list`). Asked on every command, so a
 * right taken away counts at once. A failed lookup counts as "not an admin": refusing is safe.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/logger.js';

export async function isWorkspaceAdmin(
  client: WebClient,
  userId: string,
  options: { readonly adminUserGroup: string | undefined; readonly logger: Logger },
): Promise<boolean> {
  try {
    const info = await client.users.info({ user: userId });
    const user = info.user;
    if (user && !user.deleted && (user.is_admin || user.is_owner || user.is_primary_owner)) return true;
    if (!options.adminUserGroup) return false;
    const group = await client.usergroups.users.list({ usergroup: options.adminUserGroup });
    return (group.users ?? []).includes(userId);
  } catch (err) {
    options.logger.warn(
      { userId, err: err instanceof Error ? err.message : String(err) },
      'slack admin check failed',
    );
    return false;
  }
}
