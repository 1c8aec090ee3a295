/**
 * Bolt's installation store over core/slack-installations.ts: "Add to Slack" stores the workspace's
 * bot token (encrypted) on its tenant; every request of that workspace reads it back. Enterprise
 * Grid org-wide installs are refused: Herald's tenant is one workspace.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Keyring } from '../../core/crypto.js';
import type { Pool } from '../../core/db/pool.js';
import { findSlackInstall, removeSlackInstall, storeSlackInstall } from '../../core/slack-installations.js';

export function createInstallationStore(pool: Pool, keyring: Keyring): InstallationStore {
  return {
    async storeInstallation(installation: Installation) {
      if (installation.isEnterpriseInstall || !installation.team) {
        throw new Error(
          'Herald is installed per workspace; org-wide (Enterprise Grid) installs are not supported',
        );
      }
      if (!installation.bot) throw new Error('the install granted no bot token');
      await storeSlackInstall(pool, keyring, {
        teamId: installation.team.id,
        teamName: installation.team.name ?? '',
        botToken: installation.bot.token,
        botUserId: installation.bot.userId,
        installedBy: installation.user.id,
      });
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const install = query.teamId ? await findSlackInstall(pool, keyring, query.teamId) : undefined;
      if (!install) throw new Error(`Herald is not installed in Slack workspace ${query.teamId ?? '(none)'}`);
      return {
        team: { id: install.teamId, name: install.teamName },
        enterprise: undefined,
        user: { id: install.installedBy ?? '', token: undefined, scopes: undefined },
        bot: { token: install.botToken, userId: install.botUserId, id: '', scopes: [] },
        isEnterpriseInstall: false,
      };
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      if (query.teamId) await removeSlackInstall(pool, query.teamId);
    },
  };
}
