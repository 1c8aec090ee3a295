/**
 * fast-check generators of SocialPosts: any platform and kind, 0-10 media, any subset of metrics,
 * and text that mixes arbitrary Unicode with the mention and markdown syntax of Discord and Slack.
 */
import fc from 'fast-check';
import { SOCIAL_PLATFORMS, type SocialPlatform } from '../../../core/platforms.js';
import {
  MEDIA_TYPES,
  SOCIAL_POST_KINDS,
  socialPostSchema,
  type SocialPost,
  type SocialPostInput,
} from '../../../core/social-post.js';

/** Graphemes a careless cut would break: ZWJ families, skin tones, flags, combining marks, conjuncts. */
export const CLUSTERS = [
  '👨‍👩‍👧‍👦',
  '👩🏽‍💻',
  '👍🏿',
  '🏳️‍🌈',
  '🇯🇵',
  '🇫🇷',
  'é',
  'é̃',
  'a͂',
  'ক্ষ',
  'न्दी',
  '각',
  '❤️',
  '1️⃣',
] as const;

const HOSTILE = [
  '@everyone',
  '@here',
  '@channel',
  '@EVERYONE',
  '<@123456789012345678>',
  '<@!123456789012345678>',
  '<@&123456789012345678>',
  '<#123456789012345678>',
  '</ban:123456789012345678>',
  '<t:0:R>',
  '<!here>',
  '<!channel>',
  '<!everyone>',
  '<@U024BE7LH>',
  '<!subteam^SAZ94GDB8>',
  '<https://evil.example|click>',
  '[free nitro](https://evil.example)',
  '**',
  '__',
  '~~',
  '||',
  '`',
  '```',
  '\\',
  '> ',
  '>>> ',
  '# ',
  '-# ',
  '- ',
  '1. ',
  '\n',
  '\r\n',
  '&amp;',
  '&',
  '|',
  '#tag',
  '@alice',
  '@bob.bsky.social',
  '@carol@example.social',
  'https://example.com/a_(b)*c',
  'مرحبا',
  'שלום',
  '\u202E',
  '\u200B',
  ' ',
  ...CLUSTERS,
];

/** Text of any Unicode mixed with every hostile fragment; sometimes far past every limit. */
export const hostileText: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })),
      {
        maxLength: 40,
      },
    ),
    fc.constantFrom(1, 1, 1, 20, 200),
  )
  .map(([parts, times]) => parts.join('').repeat(times));

const LONG_URL = `https://example.com/${'a'.repeat(3_100)}`;

export const webUrl: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc.webUrl({ validSchemes: ['https', 'http'], withQueryParameters: true, withFragments: true }),
    weight: 8,
  },
  { arbitrary: fc.constantFrom(LONG_URL, 'https://x.com/@here', 'https://a.example/(x)|y'), weight: 1 },
);

// fc.stringMatching is slow enough to dominate the run; a string of chosen characters is the same.
const word = (alphabet: string, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength });
const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const count = fc.oneof(fc.nat({ max: 2_000 }), fc.nat(), fc.constant(0));

export const metrics = fc.record(
  { likes: count, reposts: count, replies: count, quotes: count, views: count },
  { requiredKeys: [] },
);

const media = fc.record(
  {
    type: fc.constantFrom(...MEDIA_TYPES),
    url: webUrl,
    previewUrl: webUrl,
    altText: hostileText,
  },
  { requiredKeys: ['type', 'url'] },
);

const handle = fc.oneof(
  word(`${LOWER}ABCXYZ_`, 15),
  fc.constantFrom('alice.bsky.social', 'carol@example.social', 'everyone', 'here', '@here'),
  hostileText.filter((text) => text.trim() !== ''),
);

function base(platform: SocialPlatform) {
  return fc.record({
    platform: fc.constant(platform),
    platformId: word(LOWER, 12),
    permalink: webUrl,
    author: fc.record(
      {
        id: fc.constant('author-1'),
        displayName: hostileText,
        handle,
        avatarUrl: webUrl,
        profileUrl: webUrl,
      },
      { requiredKeys: ['id', 'displayName', 'handle'] },
    ),
    text: hostileText,
    createdAt: fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((date) => date.toISOString()),
    kind: fc.constant('post' as const),
    hashtags: fc.array(word(LOWER, 12), { maxLength: 3 }),
    links: fc.array(webUrl, { maxLength: 2 }),
    media: fc.array(media, { maxLength: 10 }),
    metrics,
  });
}

const inReplyTo = fc.record(
  { platformId: fc.constant('parent-1'), permalink: webUrl, authorHandle: handle },
  { requiredKeys: ['platformId'] },
);

/** Any valid SocialPost, normalized by the schema exactly as a provider's output would be. */
export const socialPost: fc.Arbitrary<SocialPost> = fc
  .constantFrom(...SOCIAL_PLATFORMS)
  .chain((platform) =>
    fc.record({
      post: base(platform),
      kind: fc.constantFrom(...SOCIAL_POST_KINDS),
      original: base(platform),
      inReplyTo: optional(inReplyTo),
    }),
  )
  .map(({ post, kind, original, inReplyTo: parent }): SocialPostInput => ({
    ...post,
    kind,
    ...(kind === 'repost' || kind === 'quote' ? { original } : {}),
    ...(parent === undefined ? {} : { inReplyTo: parent }),
  }))
  .map((input) => socialPostSchema.safeParse(input))
  .filter((result) => result.success)
  .map((result) => result.data as SocialPost);
