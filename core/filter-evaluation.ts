/**
 * Deciding whether a post goes to a feed's channel, and saying why. Every configured condition must
 * hold; each one reports its own result, so `/feed test` and the history can show the condition that
 * blocked a post or the ones it passed. Minimum engagement may *hold* a post: counts start near zero,
 * so a post below the threshold is re-checked until a window ends instead of being dropped at once.
 */
import type { FeedFilters } from './feed-filters.js';
import { testWithTimeLimit, REGEX_TIME_LIMIT_MS } from './safe-regex.js';
import { engagementTotal, type SocialPost } from './social-post.js';

export type FilterCondition =
  | 'hashtags'
  | 'keywords'
  | 'exclude-keywords'
  | 'min-engagement'
  | 'exclude-reposts'
  | 'exclude-replies'
  | 'exclude-quotes'
  | 'media-only'
  | 'regex';

export interface ConditionResult {
  readonly condition: FilterCondition;
  readonly passed: boolean;
  /** What was found, in words: "has #launch", "12 of 50 so far". */
  readonly detail: string;
}

export type FilterDecision = 'deliver' | 'hold' | 'block';

export interface FilterVerdict {
  readonly decision: FilterDecision;
  readonly results: readonly ConditionResult[];
  /** One sentence: the blocking condition, or what passed. */
  readonly summary: string;
}

export interface EvaluationContext {
  readonly now: Date;
  /** When Herald first saw the post: the engagement window runs from here. */
  readonly firstSeenAt: Date;
  readonly engagementWindowMs: number;
}

/** Scripts written without spaces between words, where "whole word" cannot mean anything. */
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Case-insensitive whole-word (or whole-phrase) search; substring search for unspaced scripts. */
export function containsKeyword(text: string, keyword: string): boolean {
  const haystack = text.normalize('NFC');
  const needle = keyword.normalize('NFC');
  if (UNSPACED_SCRIPT.test(needle)) return haystack.toLocaleLowerCase().includes(needle.toLocaleLowerCase());
  const words = escapeRegExp(needle).replace(/\s+/g, '\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}\\p{M}_])${words}(?![\\p{L}\\p{N}\\p{M}_])`, 'iu').test(haystack);
}

/** The words a filter reads: a repost's own text is usually empty, so its original's counts too. */
function contentOf(post: SocialPost): { text: string; hashtags: readonly string[]; mediaCount: number } {
  const original = post.kind === 'repost' ? post.original : undefined;
  return {
    text: [post.text, original?.text].filter(Boolean).join('\n'),
    hashtags: [...post.hashtags, ...(original?.hashtags ?? [])],
    mediaCount: post.media.length + (original?.media.length ?? 0),
  };
}

function quoteList(items: readonly string[]): string {
  return items.map((item) => `“${item}”`).join(', ');
}

function checkEngagement(
  post: SocialPost,
  min: number,
  ctx: EvaluationContext,
): ConditionResult & { pending: boolean } {
  const own = engagementTotal(post.metrics);
  const total = own ?? (post.kind === 'repost' ? engagementTotal(post.original?.metrics ?? {}) : undefined);
  if (total !== undefined && total >= min) {
    return {
      condition: 'min-engagement',
      passed: true,
      pending: false,
      detail: `engagement ${total} ≥ ${min}`,
    };
  }
  const deadline = ctx.firstSeenAt.getTime() + ctx.engagementWindowMs;
  const soFar = total === undefined ? `engagement not reported yet` : `engagement ${total} of ${min} so far`;
  if (ctx.now.getTime() < deadline) {
    return {
      condition: 'min-engagement',
      passed: false,
      pending: true,
      detail: `${soFar}; re-checked until ${new Date(deadline).toISOString()}`,
    };
  }
  const hours = Math.round(ctx.engagementWindowMs / 3_600_000);
  return {
    condition: 'min-engagement',
    passed: false,
    pending: false,
    detail:
      total === undefined
        ? `engagement never reported within ${hours} h`
        : `engagement stayed below ${min} for ${hours} h (reached ${total})`,
  };
}

function checkConditions(post: SocialPost, filters: FeedFilters): ConditionResult[] {
  const content = contentOf(post);
  const results: ConditionResult[] = [];
  if (filters.hashtags?.length) {
    const found = filters.hashtags.filter((tag) => content.hashtags.includes(tag));
    results.push({
      condition: 'hashtags',
      passed: found.length > 0,
      detail:
        found.length > 0
          ? `has ${found.map((t) => `#${t}`).join(', ')}`
          : `has none of ${filters.hashtags.map((t) => `#${t}`).join(', ')}`,
    });
  }
  if (filters.keywords?.length) {
    const found = filters.keywords.filter((word) => containsKeyword(content.text, word));
    results.push({
      condition: 'keywords',
      passed: found.length > 0,
      detail:
        found.length > 0 ? `contains ${quoteList(found)}` : `contains none of ${quoteList(filters.keywords)}`,
    });
  }
  if (filters.excludeKeywords?.length) {
    const found = filters.excludeKeywords.filter((word) => containsKeyword(content.text, word));
    results.push({
      condition: 'exclude-keywords',
      passed: found.length === 0,
      detail: found.length === 0 ? 'contains no excluded words' : `contains excluded ${quoteList(found)}`,
    });
  }
  const kinds: Array<[FilterCondition, boolean | undefined, SocialPost['kind'], string]> = [
    ['exclude-reposts', filters.excludeReposts, 'repost', 'a repost'],
    ['exclude-replies', filters.excludeReplies, 'reply', 'a reply'],
    ['exclude-quotes', filters.excludeQuotes, 'quote', 'a quote'],
  ];
  for (const [condition, enabled, kind, words] of kinds) {
    if (enabled)
      results.push({
        condition,
        passed: post.kind !== kind,
        detail: post.kind === kind ? `is ${words}` : `is not ${words}`,
      });
  }
  if (filters.mediaOnly) {
    results.push({
      condition: 'media-only',
      passed: content.mediaCount > 0,
      detail: content.mediaCount > 0 ? `has ${content.mediaCount} media` : 'has no media',
    });
  }
  if (filters.regex !== undefined) {
    const outcome = testWithTimeLimit(filters.regex, content.text);
    const detail = {
      match: `matches /${filters.regex}/`,
      'no-match': `does not match /${filters.regex}/`,
      'timed-out': `/${filters.regex}/ took longer than ${REGEX_TIME_LIMIT_MS} ms and was stopped (counts as no match)`,
      invalid: `/${filters.regex}/ is not a valid pattern (counts as no match)`,
    }[outcome];
    results.push({ condition: 'regex', passed: outcome === 'match', detail });
  }
  return results;
}

/** Evaluate every configured condition of `filters` for `post`. No filters: every post is delivered. */
export function evaluateFilters(
  post: SocialPost,
  filters: FeedFilters,
  ctx: EvaluationContext,
): FilterVerdict {
  const results = checkConditions(post, filters);
  const engagement =
    filters.minEngagement !== undefined ? checkEngagement(post, filters.minEngagement, ctx) : undefined;
  if (engagement)
    results.push({ condition: engagement.condition, passed: engagement.passed, detail: engagement.detail });

  const blocking = results.find(
    (result) => !result.passed && !(result.condition === 'min-engagement' && engagement?.pending),
  );
  if (blocking) return { decision: 'block', results, summary: `blocked: ${blocking.detail}` };
  if (engagement?.pending) return { decision: 'hold', results, summary: `held: ${engagement.detail}` };
  const passed = results.map((result) => result.detail);
  return {
    decision: 'deliver',
    results,
    summary: passed.length > 0 ? `delivers: ${passed.join('; ')}` : 'delivers: no filters set',
  };
}
