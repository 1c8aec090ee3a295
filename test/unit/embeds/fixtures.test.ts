import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { socialPostSchema, type SocialPost } from '../../../core/social-post.js';
import { toDiscordMessage, toSlackMessage } from '../../../embeds/index.js';
import {
  discordPings,
  expectValidDiscordMessage,
  expectValidSlackMessage,
  slackMarkdown,
  slackPings,
} from './validate.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'posts');
const names = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .map((file) => basename(file, '.json'))
  .sort();

function load(name: string): SocialPost {
  return socialPostSchema.parse(JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')));
}

const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe('post fixtures', () => {
  it('GIVEN the fixture folder THEN it covers every kind of post the embeds must show', () => {
    const posts = names.map(load);
    const kinds = new Set(posts.map((post) => post.kind));
    expect([...kinds].sort()).toEqual(['post', 'quote', 'reply', 'repost']);
    const images = new Set(posts.map((post) => post.media.filter((media) => media.type === 'image').length));
    for (const n of [0, 1, 2, 4, 5]) expect(images).toContain(n);
    expect(posts.some((post) => post.media.some((media) => media.type === 'video'))).toBe(true);
    expect(posts.some((post) => post.text.length > 1_000)).toBe(true);
    expect(names).toContain('x-hostile');
  });

  it.each(names)('GIVEN %s THEN it is a valid SocialPost', (name) => {
    const raw: unknown = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
    const result = socialPostSchema.safeParse(raw);
    expect(result.error?.issues ?? []).toEqual([]);
  });
});

describe.each(names)('%s', (name) => {
  const post = load(name);

  it('GIVEN Discord THEN the message passes discord.js validation, pings no one, and matches its snapshot', async () => {
    const message = toDiscordMessage(post);
    expectValidDiscordMessage(message);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    for (const embed of message.embeds ?? []) {
      const texts = [
        embed.description,
        embed.title,
        ...(embed.fields ?? []).flatMap((f) => [f.name, f.value]),
      ];
      for (const text of texts) expect(discordPings(text ?? '')).toEqual([]);
    }
    await expect(pretty(message)).toMatchFileSnapshot(`./__snapshots__/discord/${name}.json`);
  });

  it('GIVEN Slack THEN the message is within Block Kit limits, pings no one, and matches its snapshot', async () => {
    const message = toSlackMessage(post);
    expectValidSlackMessage(message);
    for (const text of slackMarkdown(message)) expect(slackPings(text)).toEqual([]);
    await expect(pretty(message)).toMatchFileSnapshot(`./__snapshots__/slack/${name}.json`);
  });
});
