/**
 * A feed's filters: the zod schema of what is stored (feeds.filters) and the parser for what an admin
 * types (`hashtags:launch,#release keywords:"product launch",beta min-engagement:10`).
 */
import { z } from 'zod';
import { checkPattern } from './safe-regex.js';

const tag = z
  .string()
  .transform((value) =>
    value
      .trim()
      .replace(/^[#＃]+/u, '')
      .normalize('NFC')
      .toLowerCase(),
  )
  .pipe(
    z
      .string()
      .min(1, { error: 'a hashtag cannot be empty' })
      .regex(/^[^\s#＃]+$/u, { error: 'a hashtag has no spaces' }),
  );

const keyword = z
  .string()
  .transform((value) => value.trim().normalize('NFC'))
  .pipe(
    z
      .string()
      .min(1, { error: 'a keyword cannot be empty' })
      .max(200, { error: 'a keyword is at most 200 characters' }),
  );

const list = <T extends z.ZodType>(item: T) => z.array(item).max(50, { error: 'at most 50 entries' });

export const feedFiltersSchema = z
  .object({
    hashtags: list(tag).optional(),
    keywords: list(keyword).optional(),
    excludeKeywords: list(keyword).optional(),
    minEngagement: z.int().min(1).max(100_000_000).optional(),
    excludeReposts: z.boolean().optional(),
    excludeReplies: z.boolean().optional(),
    excludeQuotes: z.boolean().optional(),
    mediaOnly: z.boolean().optional(),
    regex: z
      .string()
      .superRefine((pattern, ctx) => {
        const check = checkPattern(pattern);
        if (!check.ok)
          ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${check.reason}` });
      })
      .optional(),
  })
  .strict();

export type FeedFilters = z.infer<typeof feedFiltersSchema>;

/** Split a comma-separated list where "quoted phrases" may contain commas. */
export function splitList(input: string): string[] {
  const items: string[] = [];
  const pattern = /\s*(?:"([^"]*)"|([^,]+))\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < input.length && (match = pattern.exec(input)) !== null) {
    const item = (match[1] ?? match[2] ?? '').trim();
    if (item) items.push(item);
    if (match[0] === '') break;
  }
  return items;
}

/** Whether any filter is set at all (no filters means every post passes). */
export function hasFilters(filters: FeedFilters): boolean {
  return Object.values(filters).some((value) =>
    Array.isArray(value) ? value.length > 0 : value !== undefined && value !== false,
  );
}

/** One line per configured condition, for `feed list` and the App Home. */
export function describeFilters(filters: FeedFilters): string[] {
  const lines: string[] = [];
  const quote = (items: readonly string[]) =>
    items.map((item) => (/[\s,]/.test(item) ? `"${item}"` : item)).join(', ');
  if (filters.hashtags?.length) lines.push(`hashtags: ${filters.hashtags.map((t) => `#${t}`).join(', ')}`);
  if (filters.keywords?.length) lines.push(`keywords: ${quote(filters.keywords)}`);
  if (filters.excludeKeywords?.length) lines.push(`exclude: ${quote(filters.excludeKeywords)}`);
  if (filters.minEngagement !== undefined) lines.push(`min engagement: ${filters.minEngagement}`);
  if (filters.excludeReposts) lines.push('no reposts');
  if (filters.excludeReplies) lines.push('no replies');
  if (filters.excludeQuotes) lines.push('no quotes');
  if (filters.mediaOnly) lines.push('media only');
  if (filters.regex !== undefined) lines.push(`regex: /${filters.regex}/iu`);
  return lines;
}
