import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { socialPostSchema, type SocialPost } from '../../../core/social-post.js';
import { fitTokens } from '../../../embeds/budget.js';
import { engagementItems } from '../../../embeds/engagement.js';
import { toDiscordMessage, toSlackMessage } from '../../../embeds/index.js';
import type { Token } from '../../../embeds/linkify.js';
import { PLATFORM_STYLE } from '../../../embeds/platform-style.js';
import { graphemes } from '../../../embeds/text.js';
import { CLUSTERS, hostileText, metrics, socialPost } from './arbitraries.js';
import {
  discordPings,
  expectValidDiscordMessage,
  expectValidSlackMessage,
  slackMarkdown,
  slackPings,
} from './validate.js';

const RUNS = { numRuns: 300 };
const roleId = fc.option(fc.constantFrom('123456789012345678', '98765432109876543'), { nil: undefined });
const groupId = fc.option(fc.constantFrom('S0614TZR7', 'SAZ94GDB8'), { nil: undefined });
const maxTextLength = fc.option(
  fc.oneof(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 4_000, max: 100_000 })),
  {
    nil: undefined,
  },
);

describe('any SocialPost on Discord', () => {
  it('GIVEN any post and options THEN every embed limit holds and only the feed role can be pinged', () => {
    fc.assert(
      fc.property(socialPost, roleId, maxTextLength, (post, role, max) => {
        const message = toDiscordMessage(post, { mentionRoleId: role, maxTextLength: max });
        expectValidDiscordMessage(message);
        expect(message.allowed_mentions?.parse).toEqual([]);
        expect(message.allowed_mentions?.roles).toEqual(role === undefined ? undefined : [role]);
        expect(message.content).toBe(role === undefined ? undefined : `<@&${role}>`);
        for (const embed of message.embeds ?? []) {
          const texts = [
            embed.description,
            embed.title,
            ...(embed.fields ?? []).flatMap((f) => [f.name, f.value]),
          ];
          for (const text of texts) expect(discordPings(text ?? '')).toEqual([]);
        }
      }),
      RUNS,
    );
  });
});

describe('any SocialPost on Slack', () => {
  it('GIVEN any post and options THEN every Block Kit limit holds and only the feed group can be pinged', () => {
    fc.assert(
      fc.property(socialPost, groupId, maxTextLength, (post, group, max) => {
        const message = toSlackMessage(post, { mentionUserGroupId: group, maxTextLength: max });
        expectValidSlackMessage(message);
        for (const text of slackMarkdown(message)) expect(slackPings(text, group)).toEqual([]);
        if (group !== undefined) expect(message.text.startsWith(`<!subteam^${group}>`)).toBe(true);
      }),
      RUNS,
    );
  });
});

/** A plain post (no links, no title, no counts) whose text is only `text`, so the body is all there is. */
function bare(text: string): SocialPost {
  return socialPostSchema.parse({
    platform: 'instagram',
    platformId: '1',
    permalink: 'https://www.instagram.com/p/C1/',
    author: { id: '1', displayName: 'Ann', handle: 'ann' },
    text,
    createdAt: '2024-01-01T00:00:00Z',
    kind: 'post',
    hashtags: [],
    links: [],
    media: [],
    metrics: {},
  });
}

const READ_MORE = /… \[Read more\]\([^)]*\)$|…$/u;
const SLACK_READ_MORE = /… <[^|]*\|Read more>$|…$/u;

describe('cutting text', () => {
  const clusterText = fc
    .array(fc.constantFrom(...CLUSTERS, ' '), { minLength: 1, maxLength: 700 })
    .map((parts) => parts.join(''));

  it('GIVEN text made of multi-code-point graphemes THEN neither platform ever splits one', () => {
    fc.assert(
      fc.property(clusterText, fc.integer({ min: 1, max: 800 }), (text, max) => {
        const allowed = new Set<string>([...CLUSTERS, ' ', '\n']);
        const discord = toDiscordMessage(bare(text), { maxTextLength: max }).embeds?.[0]?.description ?? '';
        const slack = toSlackMessage(bare(text), { maxTextLength: max }).blocks.find(
          (b) => b.type === 'section',
        );
        const slackText = slack?.type === 'section' ? (slack.text?.text ?? '') : '';
        for (const kept of [discord.replace(READ_MORE, ''), slackText.replace(SLACK_READ_MORE, '')]) {
          for (const grapheme of graphemes(kept)) expect(allowed).toContain(grapheme);
          expect(graphemes(kept).length).toBeLessThanOrEqual(max);
        }
      }),
      RUNS,
    );
  });

  it('GIVEN any text and limits THEN the fitted text is whole graphemes of the original, within both limits', () => {
    fc.assert(
      fc.property(
        hostileText,
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 5_000 }),
        (text, max, length) => {
          const render = (tokens: readonly Token[]) => tokens.map((t) => t.text).join('');
          const fitted = fitTokens([{ kind: 'text', text }], {
            maxGraphemes: max,
            maxLength: length,
            render,
          });
          expect(fitted.text.length).toBeLessThanOrEqual(length);
          const kept = fitted.truncated ? fitted.text.replace(/…$/u, '') : fitted.text;
          const original = graphemes(text);
          const parts = graphemes(kept);
          expect(parts.length).toBeLessThanOrEqual(max);
          // Every kept grapheme is the original's grapheme at the same place (a cut never splits one).
          expect(parts).toEqual(original.slice(0, parts.length));
        },
      ),
      RUNS,
    );
  });
});

describe('engagement', () => {
  it('GIVEN any metrics THEN exactly the reported ones are shown, and an unknown one never as 0', () => {
    fc.assert(
      fc.property(metrics, fc.constantFrom(...Object.values(PLATFORM_STYLE)), (counts, style) => {
        const shown = engagementItems(counts, style).map((item) => item.metric);
        const known = (['replies', 'reposts', 'quotes', 'likes', 'views'] as const).filter(
          (m) => counts[m] !== undefined,
        );
        expect(shown).toEqual(known);
        const post = { ...bare(''), metrics: counts };
        const description = toDiscordMessage(post).embeds?.[0]?.description ?? '';
        const zeros = known.filter((m) => counts[m] === 0).length;
        expect(description.match(/ 0(?= ·|$)/gu)?.length ?? 0).toBe(zeros);
      }),
      RUNS,
    );
  });
});
