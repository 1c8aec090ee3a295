/**
 * Checks that a rendered message is one Discord or Slack would accept and that nothing from the
 * post in it can ping. Shared by the fixture, unit and property tests.
 */
import { EmbedBuilder, embedLength } from '@discordjs/builders';
import type { APIEmbed, RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import type { KnownBlock } from '@slack/types';
import { expect } from 'vitest';
import { DISCORD_LIMITS, SLACK_LIMITS } from '../../../embeds/budget.js';
import type { SlackMessage } from '../../../embeds/slack.js';

/**
 * Replays `embed` through EmbedBuilder's setters: in @discordjs/builders 1.x only the setters run the
 * shapeshift validators (`new EmbedBuilder(data).toJSON()` copies data unchecked). Throws on failure.
 */
export function buildEmbed(embed: APIEmbed): void {
  const builder = new EmbedBuilder();
  if (embed.title !== undefined) builder.setTitle(embed.title);
  if (embed.description !== undefined) builder.setDescription(embed.description);
  if (embed.url !== undefined) builder.setURL(embed.url);
  if (embed.color !== undefined) builder.setColor(embed.color);
  if (embed.timestamp !== undefined) builder.setTimestamp(new Date(embed.timestamp));
  if (embed.author !== undefined) {
    builder.setAuthor({ name: embed.author.name, iconURL: embed.author.icon_url, url: embed.author.url });
  }
  if (embed.footer !== undefined)
    builder.setFooter({ text: embed.footer.text, iconURL: embed.footer.icon_url });
  if (embed.image !== undefined) builder.setImage(embed.image.url);
  if (embed.thumbnail !== undefined) builder.setThumbnail(embed.thumbnail.url);
  if (embed.fields !== undefined) builder.setFields(embed.fields);
}

/** Every limit of a Discord message with embeds; fails the test on the first one broken. */
export function expectValidDiscordMessage(message: RESTPostAPIChannelMessageJSONBody): void {
  const embeds = message.embeds ?? [];
  expect(embeds.length).toBeGreaterThan(0);
  expect(embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
  expect((message.content ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
  for (const embed of embeds) {
    expect(() => buildEmbed(embed)).not.toThrow();
    // Discord, unlike the builders, also rejects empty strings.
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeGreaterThan(0);
      expect(field.value.length).toBeGreaterThan(0);
    }
    expect(embed.description?.length ?? 1).toBeGreaterThan(0);
    expect(embed.title?.length ?? 1).toBeGreaterThan(0);
    expect((embed.image?.description ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.imageDescription);
    // A gallery only works when every embed points at the same page.
    expect(embed.url).toBe(embeds[0]?.url);
    const urls = [
      embed.url,
      embed.author?.url,
      embed.author?.icon_url,
      embed.image?.url,
      embed.thumbnail?.url,
    ];
    for (const url of urls) expect((url ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.url);
  }
  const total = embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
  expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.totalText);
}

function textsOfBlock(block: KnownBlock): Array<{ text: string; markdown: boolean }> {
  if (block.type === 'section') {
    return block.text === undefined
      ? []
      : [{ text: block.text.text, markdown: block.text.type === 'mrkdwn' }];
  }
  if (block.type === 'context') {
    return block.elements.flatMap((element) =>
      element.type === 'mrkdwn' || element.type === 'plain_text'
        ? [{ text: element.text, markdown: element.type === 'mrkdwn' }]
        : [],
    );
  }
  return [];
}

/** The mrkdwn strings of a Slack message (where Slack would parse mentions), fallback `text` first. */
export function slackMarkdown(message: SlackMessage): string[] {
  return [
    message.text,
    ...message.blocks
      .flatMap(textsOfBlock)
      .filter((t) => t.markdown)
      .map((t) => t.text),
  ];
}

function expectSlackImage(url: string, alt: string): void {
  expect(url.length).toBeLessThanOrEqual(SLACK_LIMITS.imageUrl);
  expect(alt.length).toBeGreaterThan(0);
  expect(alt.length).toBeLessThanOrEqual(SLACK_LIMITS.altText);
}

/** Every Block Kit limit Herald's messages can touch. */
export function expectValidSlackMessage(message: SlackMessage): void {
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.unfurl_links).toBe(false);
  expect(message.unfurl_media).toBe(false);
  expect(message.blocks.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const block of message.blocks) {
    expect(['section', 'context', 'image', 'actions']).toContain(block.type);
    for (const { text } of textsOfBlock(block)) {
      expect(text.length).toBeGreaterThan(0);
      expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    if (block.type === 'section' && block.accessory?.type === 'image' && 'image_url' in block.accessory) {
      expectSlackImage(block.accessory.image_url, block.accessory.alt_text);
    }
    if (block.type === 'context') {
      expect(block.elements.length).toBeGreaterThan(0);
      expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
      for (const element of block.elements) {
        if (element.type === 'image' && 'image_url' in element)
          expectSlackImage(element.image_url, element.alt_text);
      }
    }
    if (block.type === 'image' && 'image_url' in block) expectSlackImage(block.image_url, block.alt_text);
    if (block.type === 'actions') {
      for (const element of block.elements) {
        if (element.type !== 'button') continue;
        expect(element.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
        expect((element.url ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.buttonUrl);
      }
    }
  }
}

// Link targets are never parsed for mentions, and may legitimately contain "@here" (a profile URL).
const withoutLinkTargets = (markdown: string) => markdown.replace(/\]\(https?:[^\s)]*\)/gu, ']()');

/**
 * Mention syntax in Discord markdown that could ping: a bare @everyone/@here, or a `<` not escaped
 * by an odd run of backslashes (so `<@id>`, `<@&id>`, `<#id>`, `</cmd:id>` in a post stay text).
 */
export function discordPings(markdown: string): string[] {
  const text = withoutLinkTargets(markdown);
  const found = [...text.matchAll(/@(?:everyone|here)/giu)].map((match) => match[0]);
  for (const match of text.matchAll(/(\\*)<[@#!/:&a-z]/giu)) {
    if ((match[1] ?? '').length % 2 === 0) found.push(match[0]);
  }
  return found;
}

/**
 * Mentions Slack would parse in mrkdwn: any `<!…>` or `<@…>` other than Herald's own date token and
 * the configured user group, and bare @channel/@here/@everyone.
 */
export function slackPings(markdown: string, userGroupId?: string): string[] {
  const ours = markdown.replace(/<https?:[^|>]*\|/gu, '<link|').replace(/<!date\^\d+\^[^|>]*\|[^>]*>/gu, '');
  const text = userGroupId === undefined ? ours : ours.replaceAll(`<!subteam^${userGroupId}>`, '');
  return [...text.matchAll(/<[!@#]|@(?:everyone|here|channel)/giu)].map((match) => match[0]);
}
