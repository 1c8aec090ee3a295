/**
 * Which chat platforms this installation can serve, and what to set for the ones it cannot.
 */
import type { Config } from '../core/config.js';
import type { ChatPlatform } from '../core/platforms.js';

export interface ChatPlatformStatus {
  readonly platform: ChatPlatform;
  readonly displayName: string;
  readonly configured: boolean;
  /** What is configured, or exactly what to set. */
  readonly detail: string;
}

export function chatPlatformStatus(config: Pick<Config, 'discord' | 'slack'>): ChatPlatformStatus[] {
  const slack = config.slack;
  const slackMode = slack?.appToken ? 'Socket Mode' : 'HTTP mode (/slack/events)';
  const slackScope = slack?.clientId ? 'workspace installs' : 'one workspace';
  return [
    {
      platform: 'discord',
      displayName: 'Discord',
      configured: config.discord !== undefined,
      detail: config.discord
        ? `application ${config.discord.applicationId}`
        : 'set DISCORD_TOKEN and DISCORD_APPLICATION_ID (Discord Developer Portal → your app → Bot)',
    },
    {
      platform: 'slack',
      displayName: 'Slack',
      configured: slack !== undefined,
      detail: slack
        ? `${slackMode}, ${slackScope}`
        : 'set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode, no public URL needed), or SLACK_SIGNING_SECRET for HTTP mode',
    },
  ];
}
