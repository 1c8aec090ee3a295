/**
 * Publishing the slash commands: one bulk overwrite, so commands removed from the catalogue disappear
 * and unchanged ones keep their ids. Global commands by default; a development guild's own commands
 * when `devGuildId` is set (they update at once there).
 * @see https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
 * @see https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-guild-application-commands
 */
import type { REST } from '@discordjs/rest';
import {
  Routes,
  type RESTPutAPIApplicationCommandsJSONBody,
  type RESTPutAPIApplicationCommandsResult,
} from 'discord-api-types/v10';

export interface RegistrationTarget {
  readonly applicationId: string;
  readonly devGuildId?: string | undefined;
}

export interface Registration {
  readonly scope: 'global' | 'guild';
  readonly count: number;
}

export async function registerCommands(
  rest: Pick<REST, 'put'>,
  target: RegistrationTarget,
  body: RESTPutAPIApplicationCommandsJSONBody,
): Promise<Registration> {
  const route =
    target.devGuildId === undefined
      ? Routes.applicationCommands(target.applicationId)
      : Routes.applicationGuildCommands(target.applicationId, target.devGuildId);
  const stored = (await rest.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
  return { scope: target.devGuildId === undefined ? 'global' : 'guild', count: stored.length };
}
