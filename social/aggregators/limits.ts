/**
 * What a post may hold on platforms Herald reaches only through an aggregator, for the preview:
 * text limits as the platforms (and Postiz's providers) state them, and media rules kept to what
 * every route accepts (Instagram takes JPEG only, up to 8 MiB; carousels up to 10).
 */
import type { SocialPlatform } from '../../core/platforms.js';
import type { PublishLimits } from '../provider.js';

const MIB = 1_048_576;
const STILLS = ['image/jpeg', 'image/png', 'image/webp'];

const limits = (maxLength: number, media: Partial<PublishLimits> = {}): PublishLimits => ({
  maxLength,
  counting: 'characters',
  maxMedia: 10,
  maxImageBytes: 8 * MIB,
  maxVideoBytes: 100 * MIB,
  imageTypes: STILLS,
  videoTypes: ['video/mp4', 'video/quicktime'],
  ...media,
});

export const AGGREGATOR_LIMITS: Readonly<Partial<Record<SocialPlatform, PublishLimits>>> = {
  instagram: limits(2_200, { imageTypes: ['image/jpeg'] }),
  facebook: limits(63_206),
  threads: limits(500),
  linkedin: limits(3_000, { maxMedia: 20 }),
  tiktok: limits(2_000, { maxMedia: 35, imageTypes: ['image/jpeg', 'image/webp'], maxImageBytes: 20 * MIB }),
  pinterest: limits(500, { maxMedia: 1 }),
  youtube: limits(5_000, { maxMedia: 1, imageTypes: [] }),
};
