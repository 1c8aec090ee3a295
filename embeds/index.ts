/**
 * embeds/: a SocialPost as the message a chat platform shows. Pure functions, no I/O; the delivery
 * code sends what they return.
 */
export { toDiscordMessage, type DiscordMessageOptions } from './discord.js';
export {
  SLACK_OPEN_POST_ACTION_ID,
  toSlackMessage,
  type SlackMessage,
  type SlackMessageOptions,
} from './slack.js';
export { DEFAULT_MAX_TEXT_LENGTH, DISCORD_LIMITS, SLACK_LIMITS } from './budget.js';
