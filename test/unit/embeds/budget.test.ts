import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_TEXT_LENGTH, fitTokens, resolveMaxTextLength } from '../../../embeds/budget.js';
import type { Token } from '../../../embeds/linkify.js';

const plain = (tokens: readonly Token[]) => tokens.map((token) => token.text).join('');
const markdown = (tokens: readonly Token[]) =>
  tokens.map((token) => (token.kind === 'link' ? `[${token.text}](${token.url})` : token.text)).join('');
const text = (value: string): Token => ({ kind: 'text', text: value });
const link = (value: string, url = 'https://example.com/'): Token => ({ kind: 'link', text: value, url });

describe('resolveMaxTextLength', () => {
  it('GIVEN nothing THEN 500; GIVEN more than a description holds THEN 4096; fractions round down', () => {
    expect(resolveMaxTextLength(undefined)).toBe(DEFAULT_MAX_TEXT_LENGTH);
    expect(resolveMaxTextLength(10_000)).toBe(4_096);
    expect(resolveMaxTextLength(99.9)).toBe(99);
  });

  it.each([0, -5, Number.NaN])('GIVEN %d THEN it throws a RangeError', (value) => {
    expect(() => resolveMaxTextLength(value)).toThrow(RangeError);
  });
});

describe('fitTokens', () => {
  it('GIVEN tokens that fit THEN they render whole and untruncated', () => {
    expect(
      fitTokens([text('hi '), link('@a')], { maxGraphemes: 10, maxLength: 100, render: markdown }),
    ).toEqual({
      text: 'hi [@a](https://example.com/)',
      truncated: false,
    });
  });

  it('GIVEN too many graphemes THEN the cut keeps whole words, then the ellipsis and the suffix', () => {
    const fitted = fitTokens([text('one two three four')], {
      maxGraphemes: 10,
      maxLength: 100,
      render: markdown,
      suffix: [text(' '), link('Read more')],
    });
    expect(fitted).toEqual({ text: 'one two… [Read more](https://example.com/)', truncated: true });
  });

  it('GIVEN a link that does not fit whole THEN it is left out rather than cut', () => {
    const fitted = fitTokens([text('see '), link('example.com/long')], {
      maxGraphemes: 8,
      maxLength: 100,
      render: markdown,
    });
    expect(fitted.text).toBe('see…');
  });

  it('GIVEN a rendered length limit THEN the escaped result, not the visible text, is what must fit', () => {
    const escape = (tokens: readonly Token[]) => plain(tokens).replace(/\*/gu, '\\*');
    const fitted = fitTokens([text('********')], { maxGraphemes: 100, maxLength: 9, render: escape });
    expect(fitted.text).toBe('\\*\\*\\*\\*…');
  });

  it('GIVEN a suffix that cannot fit THEN a bare ellipsis is used, and with no room at all nothing', () => {
    const options = { maxGraphemes: 100, render: markdown, suffix: [text(' '), link('Read more')] };
    expect(fitTokens([text('abcdef')], { ...options, maxLength: 4 }).text).toBe('abc…');
    expect(fitTokens([text('abcdef')], { ...options, maxLength: 0 })).toEqual({ text: '', truncated: true });
  });

  it('GIVEN a word longer than the back-off distance THEN it is cut inside the word', () => {
    const long = 'a'.repeat(60);
    expect(fitTokens([text(`x ${long}`)], { maxGraphemes: 40, maxLength: 1_000, render: plain }).text).toBe(
      `x ${'a'.repeat(38)}…`,
    );
  });

  it('GIVEN more UTF-16 units than the grapheme limit but no more graphemes THEN the text is whole', () => {
    const flags = '🇫🇷'.repeat(10);
    expect(fitTokens([text(flags), link('🇯🇵')], { maxGraphemes: 11, maxLength: 100, render: plain })).toEqual(
      {
        text: `${flags}🇯🇵`,
        truncated: false,
      },
    );
    expect(fitTokens([text(flags), link('🇯🇵')], { maxGraphemes: 10, maxLength: 100, render: plain })).toEqual(
      {
        text: `${flags}…`,
        truncated: true,
      },
    );
  });

  it('GIVEN graphemes made of several code points THEN each counts once and none is cut', () => {
    const family = '👨‍👩‍👧‍👦';
    const fitted = fitTokens([text(`${family} e\u0301\r\n❤️ 👍🏽 end`)], {
      maxGraphemes: 7,
      maxLength: 100,
      render: plain,
    });
    expect(fitted).toEqual({ text: `${family} e\u0301\r\n❤️ 👍🏽…`, truncated: true });
  });

  it('GIVEN one token object twice, a link between text tokens THEN the cut keeps each in place', () => {
    const word = text('ab ');
    const options = { maxGraphemes: 5, maxLength: 100, render: markdown };
    expect(fitTokens([word, word], options).text).toBe('ab ab…');
    expect(fitTokens([word, link('@c'), word, word], { ...options, maxGraphemes: 7 }).text).toBe(
      'ab [@c](https://example.com/)ab…',
    );
  });

  it('GIVEN the same input twice THEN the same output (cutting is deterministic)', () => {
    const options = { maxGraphemes: 7, maxLength: 50, render: markdown };
    const tokens = [text('👨‍👩‍👧‍👦 family 🇫🇷 flag')];
    expect(fitTokens(tokens, options)).toEqual(fitTokens(tokens, options));
  });
});
