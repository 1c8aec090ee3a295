/**
 * Counting a post's length the way each platform counts it: X weights characters with twitter-text
 * (URLs count 23, CJK and emoji 2), Bluesky counts graphemes, Mastodon counts characters with every
 * URL as 23 and a remote mention as its local part only.
 */
import twitterText from 'twitter-text';
import type { LengthCounting, PublishLimits } from './provider.js';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function graphemeCount(text: string): number {
  let count = 0;
  for (const _ of segmenter.segment(text)) count++;
  return count;
}

const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;
const REMOTE_MENTION = /(^|[^\w/])@(\w+)@[\w.-]+\w/g;

/** Mastodon's count: graphemes, each URL as `urlLength`, `@user@domain` as `@user`. */
function mastodonCount(text: string, urlLength: number): number {
  const withoutDomains = text.replace(REMOTE_MENTION, '$1@$2');
  const urls = withoutDomains.match(URL_PATTERN) ?? [];
  const rest = withoutDomains.replace(URL_PATTERN, '');
  return graphemeCount(rest) + urls.length * urlLength;
}

export function measureText(text: string, limits: Pick<PublishLimits, 'counting' | 'urlLength'>): number {
  const counting: LengthCounting = limits.counting;
  switch (counting) {
    case 'twitter-text':
      return twitterText.parseTweet(text).weightedLength;
    case 'graphemes':
      return graphemeCount(text);
    case 'characters':
      return limits.urlLength === undefined ? [...text].length : mastodonCount(text, limits.urlLength);
  }
}

export interface LengthCheck {
  readonly length: number;
  readonly max: number;
  readonly ok: boolean;
}

export function checkLength(
  text: string,
  limits: Pick<PublishLimits, 'counting' | 'urlLength' | 'maxLength'>,
): LengthCheck {
  const length = measureText(text, limits);
  return { length, max: limits.maxLength, ok: length <= limits.maxLength };
}
