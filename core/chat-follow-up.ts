/**
 * A private answer in chat after the command that asked for it (a sign-in completed, a post went
 * out). The chat adapter leaves an opaque handle on the command (`ctx.followUp`): Discord, an
 * ephemeral follow-up on the interaction (its token lives 15 minutes); Slack, the command's
 * response_url (30 minutes). Best effort: a late answer is simply not sent.
 */

/** Discord's handle: `discord:<application id>:<interaction token>`. */
export const discordFollowUp = (applicationId: string, token: string): string =>
  `discord:${applicationId}:${token}`;
/** Slack's handle: `slack:<response_url>`. */
export const slackFollowUp = (responseUrl: string): string => `slack:${responseUrl}`;

export interface FollowUpTargets {
  /** Discord's REST base (DISCORD_API_URL), when Discord is configured. */
  readonly discordApiUrl: string | undefined;
}

const EPHEMERAL = 1 << 6;

/** Sends `text` privately to whoever ran the command; resolves false when it could not. */
export async function sendFollowUp(handle: string, text: string, targets: FollowUpTargets): Promise<boolean> {
  const [kind, ...rest] = handle.split(':');
  let url: string;
  let body: Record<string, unknown>;
  if (kind === 'discord' && targets.discordApiUrl && rest.length === 2) {
    const [applicationId = '', token = ''] = rest;
    url = `${targets.discordApiUrl.replace(/\/+$/, '')}/v10/webhooks/${applicationId}/${token}`;
    body = { content: text, flags: EPHEMERAL, allowed_mentions: { parse: [] } };
  } else if (kind === 'slack') {
    url = rest.join(':');
    body = { text, response_type: 'ephemeral', replace_original: false };
  } else {
    return false;
  }
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}
