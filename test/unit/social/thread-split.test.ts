import { describe, expect, it } from 'vitest';
import { measureText } from '../../../social/text-length.js';
import { splitIntoThread } from '../../../social/thread-split.js';

const X = { counting: 'twitter-text', urlLength: 23, maxLength: 280 } as const;
const BLUESKY = { counting: 'graphemes', maxLength: 300 } as const;
const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('splitIntoThread', () => {
  it('GIVEN a text that fits THEN one piece, unchanged', () => {
    expect(splitIntoThread('  Short and sweet.  ', X)).toEqual(['Short and sweet.']);
  });

  it('GIVEN a long text THEN every piece fits counted the platform way, and together they are the text', () => {
    const text = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} says something useful.`).join(
      ' ',
    );
    const pieces = splitIntoThread(text, X);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(measureText(piece, X)).toBeLessThanOrEqual(280);
    expect(words(pieces.join(' '))).toEqual(words(text));
    // Cut at sentence ends where one is near.
    for (const piece of pieces.slice(0, -1)) expect(piece.endsWith('.')).toBe(true);
  });

  it('GIVEN URLs THEN each counts as 23 on X, so a piece may hold more characters than the limit', () => {
    const url = `https://example.com/${'a'.repeat(200)}`;
    const pieces = splitIntoThread(`${'word '.repeat(40)}${url} ${url} ${'end '.repeat(30)}`, X);
    expect(pieces.some((p) => p.length > 280)).toBe(true);
    for (const piece of pieces) expect(measureText(piece, X)).toBeLessThanOrEqual(280);
  });

  it('GIVEN one word longer than a post THEN it is cut between graphemes, never inside an emoji', () => {
    const pieces = splitIntoThread('👩‍👩‍👧'.repeat(400), BLUESKY);
    expect(pieces.map((p) => measureText(p, BLUESKY))).toEqual([300, 100]);
    expect(pieces.join('')).toBe('👩‍👩‍👧'.repeat(400));
  });

  it('GIVEN paragraphs THEN a cut prefers the paragraph break', () => {
    const first = 'First paragraph, quite long. '.repeat(6).trim();
    const second = 'Second paragraph follows here. '.repeat(6).trim();
    expect(splitIntoThread(`${first}\n\n${second}`, X)[0]).toBe(first);
  });
});
