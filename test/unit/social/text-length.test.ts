import { describe, expect, it } from 'vitest';
import { checkLength, graphemeCount, measureText } from '../../../social/text-length.js';

const X = { counting: 'twitter-text', maxLength: 280 } as const;
const BLUESKY = { counting: 'graphemes', maxLength: 300 } as const;
const MASTODON = { counting: 'characters', maxLength: 500, urlLength: 23 } as const;

describe('text length per platform', () => {
  it('GIVEN X THEN 280 Latin characters fit and 281 do not', () => {
    expect(checkLength('a'.repeat(280), X).ok).toBe(true);
    expect(checkLength('a'.repeat(281), X)).toEqual({ length: 281, max: 280, ok: false });
  });

  it('GIVEN X THEN CJK and emoji weigh 2 and any URL weighs 23', () => {
    expect(checkLength('日'.repeat(140), X).ok).toBe(true);
    expect(checkLength('日'.repeat(141), X).ok).toBe(false);
    expect(measureText('👍🏽', X)).toBe(2);
    expect(measureText(`https://example.com/${'a'.repeat(200)}`, X)).toBe(23);
  });

  it('GIVEN Bluesky THEN an emoji with skin tone or a ZWJ family is one grapheme', () => {
    expect(graphemeCount('👨‍👩‍👧‍👦')).toBe(1);
    expect(graphemeCount('👍🏽')).toBe(1);
    expect(graphemeCount('é')).toBe(1);
    expect(checkLength('👨‍👩‍👧‍👦'.repeat(300), BLUESKY).ok).toBe(true);
    expect(checkLength('👨‍👩‍👧‍👦'.repeat(301), BLUESKY).ok).toBe(false);
  });

  it('GIVEN Mastodon THEN URLs count 23 and a remote mention counts only its local part', () => {
    expect(measureText(`see https://example.com/${'x'.repeat(100)}`, MASTODON)).toBe(4 + 23);
    expect(measureText('@alice@social.example.org hi', MASTODON)).toBe('@alice hi'.length);
    expect(checkLength('a'.repeat(500), MASTODON).ok).toBe(true);
    expect(checkLength('a'.repeat(501), MASTODON).ok).toBe(false);
    expect(measureText('👨‍👩‍👧‍👦 ok', MASTODON)).toBe(4);
  });
});
