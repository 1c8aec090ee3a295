/**
 * Splitting a text that is too long for one platform into a thread for that platform: pieces that
 * each fit its limit counted its way, cut at a paragraph or sentence end where one is near, else
 * between words, and inside a word only when a single word is longer than a whole post.
 */
import type { PublishLimits } from './provider.js';
import { measureText } from './text-length.js';

type Counting = Pick<PublishLimits, 'counting' | 'urlLength' | 'maxLength'>;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest start of `word` (whole graphemes) that fits. */
function fittingStart(word: string, limits: Counting): string {
  let fitted = '';
  for (const { segment } of segmenter.segment(word)) {
    if (measureText(fitted + segment, limits) > limits.maxLength) break;
    fitted += segment;
  }
  return fitted;
}

/** Where to cut `piece` (which fits) so that the next piece starts cleanly: a paragraph or sentence end. */
function preferredCut(piece: string): number {
  const paragraph = piece.lastIndexOf('\n\n');
  if (paragraph > piece.length / 2) return paragraph;
  const sentence = Math.max(piece.lastIndexOf('. '), piece.lastIndexOf('! '), piece.lastIndexOf('? '));
  if (sentence > piece.length / 2) return sentence + 1;
  return piece.length;
}

/** The pieces of a thread, each within `limits.maxLength`; one piece when the text already fits. */
export function splitIntoThread(text: string, limits: Counting, maxPieces = 25): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > 0 && pieces.length < maxPieces) {
    if (measureText(rest, limits) <= limits.maxLength) {
      pieces.push(rest);
      break;
    }
    // Grow word by word while it fits.
    const words = rest.split(/(?<=\s)/);
    let piece = '';
    for (const word of words) {
      if (measureText(piece + word, limits) > limits.maxLength) break;
      piece += word;
    }
    if (piece.trim() === '') piece = fittingStart(words[0] ?? rest, limits);
    else if (piece !== rest) piece = piece.slice(0, preferredCut(piece));
    pieces.push(piece.trim());
    rest = rest.slice(piece.length).trim();
  }
  return pieces.filter((p) => p.length > 0);
}
