/**
 * The filter options `feed add` and `feed edit` share, and their translation into stored filters.
 * Lists are comma-separated, quoted phrases may hold commas (`keywords:"product launch",beta`).
 */
import { z } from 'zod';
import { feedFiltersSchema, splitList, type FeedFilters } from '../../core/feed-filters.js';
import type { OptionSpec } from './command.js';

export const FILTER_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'hashtags',
    kind: 'string',
    list: true,
    description: 'Only posts with one of these hashtags (comma-separated)',
  },
  {
    name: 'keywords',
    kind: 'string',
    list: true,
    description: 'Only posts with one of these words or "phrases"',
  },
  {
    name: 'exclude',
    kind: 'string',
    list: true,
    description: 'Never posts with one of these words or "phrases"',
  },
  {
    name: 'min-engagement',
    kind: 'integer',
    description: 'Likes + reposts + replies + quotes a post needs (re-checked for a day)',
    min: 1,
    max: 100_000_000,
  },
  { name: 'no-reposts', kind: 'boolean', description: 'Leave out reposts' },
  { name: 'no-replies', kind: 'boolean', description: 'Leave out replies' },
  { name: 'no-quotes', kind: 'boolean', description: 'Leave out quote posts' },
  { name: 'media-only', kind: 'boolean', description: 'Only posts with images or video' },
  {
    name: 'regex',
    kind: 'string',
    description: 'Only posts whose text matches this regular expression',
    maxLength: 500,
  },
  { name: 'mention', kind: 'role', description: 'A role to mention with each post' },
];

const list = z
  .string()
  .optional()
  .transform((value) => (value === undefined ? undefined : splitList(value)));

/** The raw filter options, as every adapter hands them over. */
export const filterInput = {
  hashtags: list,
  keywords: list,
  exclude: list,
  'min-engagement': z
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .optional(),
  'no-reposts': z.boolean().optional(),
  'no-replies': z.boolean().optional(),
  'no-quotes': z.boolean().optional(),
  'media-only': z.boolean().optional(),
  regex: z.string().optional(),
  mention: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'is not a role' })
    .optional(),
};

type FilterRaw = {
  hashtags?: string[] | undefined;
  keywords?: string[] | undefined;
  exclude?: string[] | undefined;
  'min-engagement'?: number | undefined;
  'no-reposts'?: boolean | undefined;
  'no-replies'?: boolean | undefined;
  'no-quotes'?: boolean | undefined;
  'media-only'?: boolean | undefined;
  regex?: string | undefined;
};

/** Only the options that were given; `base` keeps the rest (feed edit). */
export function filtersFrom(raw: FilterRaw, base: FeedFilters = {}): z.ZodSafeParseResult<FeedFilters> {
  const given: Record<string, unknown> = { ...base };
  const set = (key: keyof FeedFilters, value: unknown) => {
    if (value === undefined) return;
    // An empty list or false removes the condition.
    if ((Array.isArray(value) && value.length === 0) || value === false || value === '') delete given[key];
    else given[key] = value;
  };
  set('hashtags', raw.hashtags);
  set('keywords', raw.keywords);
  set('excludeKeywords', raw.exclude);
  set('minEngagement', raw['min-engagement']);
  set('excludeReposts', raw['no-reposts']);
  set('excludeReplies', raw['no-replies']);
  set('excludeQuotes', raw['no-quotes']);
  set('mediaOnly', raw['media-only']);
  set('regex', raw.regex);
  return feedFiltersSchema.safeParse(given);
}

const OPTION_OF: Record<string, string> = {
  hashtags: 'hashtags',
  keywords: 'keywords',
  excludeKeywords: 'exclude',
  minEngagement: 'min-engagement',
  regex: 'regex',
};

/** The filter schema's problems, named by the options the admin typed. */
export function filterProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    return `${OPTION_OF[key] ?? key}: ${issue.message}`;
  });
}
