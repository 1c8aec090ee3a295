/** A small builder of valid SocialPosts for the renderer tests; each test states only what it varies. */
import { socialPostSchema, type SocialPost, type SocialPostInput } from '../../../core/social-post.js';

export function post(overrides: Partial<SocialPostInput> = {}): SocialPost {
  return socialPostSchema.parse({
    platform: 'x',
    platformId: '1',
    permalink: 'https://x.com/ann/status/1',
    author: { id: '1', displayName: 'Ann Lee', handle: 'ann', avatarUrl: 'https://pbs.twimg.com/ann.jpg' },
    text: 'hello',
    createdAt: '2024-05-01T14:30:00+02:00',
    kind: 'post',
    hashtags: [],
    links: [],
    media: [],
    metrics: {},
    ...overrides,
  });
}

export const image = (n: number, altText?: string) => ({
  type: 'image' as const,
  url: `https://pbs.twimg.com/media/${n}.jpg`,
  ...(altText === undefined ? {} : { altText }),
});
