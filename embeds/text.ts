/**
 * Text as chat platforms need it: split into graphemes (what a reader sees as one character), cut
 * without breaking one, tidied, and escaped so that a post's text shows as written and never pings.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// V8's segmenter takes time quadratic in the length of the string it is given (50,000 characters:
// ~0.4 s), so text is segmented in windows of this many UTF-16 units (~0.5 µs per character, and
// ~4 µs per call).
const WINDOW = 256;

// "Plain" characters, which need no segmenter (UAX #29) when two of them are next to each other:
// letters, digits, punctuation, symbols and emoji whose Grapheme_Cluster_Break is Other, tab, LF,
// and Hangul syllables. Two in a row always have a boundary between them (no rule but GB4, GB5 and
// GB999 applies: not GB3, which needs a CR, nor GB6–8, which need a jamo, nor GB9–9b, which need a
// mark or a prepended sign, nor GB9c, GB11 and GB12/13, which need an Indic consonant, a ZWJ or two
// regional indicators), and no rule looks back past one: those that look further back than one
// character see only through Extend, ZWJ, Linker and regional indicators. Left out: CR and the
// other controls, jamo, marks, prepended signs, regional indicators, skin tone modifiers, and the
// scripts not listed. The tests check every character here, and its neighbours, against the
// segmenter.
const PLAIN_RANGES: readonly (readonly [number, number])[] = [
  [0x0009, 0x000a], // tab, LF
  [0x0020, 0x007e], // ASCII
  [0x00a0, 0x00ac], // Latin-1 without the soft hyphen, Latin Extended, IPA and modifier letters
  [0x00ae, 0x02ff],
  [0x0370, 0x0377], // Greek and Cyrillic, without combining marks and unassigned code points
  [0x037a, 0x037f],
  [0x0384, 0x038a],
  [0x038c, 0x038c],
  [0x038e, 0x03a1],
  [0x03a3, 0x0482],
  [0x048a, 0x052f],
  [0x1e00, 0x1eff], // Latin Extended Additional (Vietnamese)
  [0x2000, 0x200a], // spaces, punctuation, super- and subscripts and currency signs
  [0x2010, 0x2027],
  [0x202f, 0x205f],
  [0x2070, 0x2071],
  [0x2074, 0x208e],
  [0x2090, 0x209c],
  [0x20a0, 0x20c0],
  [0x2100, 0x218b], // letterlike symbols, arrows, mathematical and technical signs, shapes, dingbats
  [0x2190, 0x2429],
  [0x2440, 0x244a],
  [0x2460, 0x2b73],
  [0x2b76, 0x2bff],
  [0x3000, 0x3029], // CJK punctuation, kana and ideographs, without the combining marks
  [0x3030, 0x303f],
  [0x3041, 0x3096],
  [0x309b, 0x30ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3], // Hangul syllables: a syllable never joins the next one (only a jamo)
  [0xff01, 0xff9d], // full-width forms and half-width katakana, without the half-width sound marks
  [0xffe0, 0xffe6],
  [0xffe8, 0xffee],
  [0x1f000, 0x1f1e5], // emoji and pictographs, without regional indicators and skin tone modifiers
  [0x1f200, 0x1f3fa],
  [0x1f400, 0x1faff],
];

// One bit per code point below U+20000: 16 KB.
const PLAIN = new Uint32Array(0x20000 / 32);
for (const [first, last] of PLAIN_RANGES) {
  for (let code = first; code <= last; code += 1)
    PLAIN[code >>> 5] = (PLAIN[code >>> 5] ?? 0) | (1 << (code & 31));
}

/** The UTF-16 length of the character at `index` when it is plain (2 for most emoji), else 0. */
function plainLength(text: string, index: number): number {
  const code = text.codePointAt(index) ?? 0x20000;
  if (code >= 0x20000 || (((PLAIN[code >>> 5] ?? 0) >>> (code & 31)) & 1) === 0) return 0;
  return code > 0xffff ? 2 : 1;
}

/**
 * The UTF-16 length of the character at `index` when it is one of the marks that posts put after a
 * letter or an emoji (all Grapheme_Cluster_Break Extend, none ZWJ): combining diacritics, marks for
 * symbols (keycaps), variation selectors (❤️), skin tone modifiers and tags (subdivision flags), else 0.
 */
function markLength(text: string, index: number): number {
  const code = text.codePointAt(index) ?? 0;
  if (code < 0x300) return 0;
  if (code <= 0x36f || (code >= 0x20d0 && code <= 0x20f0) || (code >= 0xfe00 && code <= 0xfe0f)) return 1;
  return (code >= 0x1f3fb && code <= 0x1f3ff) || (code >= 0xe0020 && code <= 0xe007f) ? 2 : 0;
}

// Plain text shorter than this between two stretches is segmented with them: a call to the
// segmenter costs about as much as segmenting ten more characters.
const GAP = 12;

/**
 * Where the stretch of `text` from `start` that needs the segmenter ends: after the first plain
 * character of a run of them at least GAP units long (where there is a boundary), or at the end.
 */
function stretchEnd(text: string, start: number): number {
  // Where the run of plain characters that `end` is in starts, or -1.
  let run = -1;
  let end = start;
  while (end < text.length) {
    const length = plainLength(text, end);
    if (length === 0) {
      run = -1;
      end += 1;
    } else {
      if (run === -1) run = end;
      end += length;
      if (end - run >= GAP) return run + plainLength(text, run);
    }
  }
  return text.length;
}

/**
 * Fills `ends` with the ends of the graphemes of `text` from `start` (a boundary) that one window of
 * the segmenter settles, up to `stop` (another boundary). Windowed segmentation is exact: a boundary
 * depends only on what precedes it and on the next character, so every segment of a window but the
 * last (which the window's end may have cut) is final, and the next window starts where that last
 * segment did.
 */
function segmentWindow(text: string, start: number, stop: number, ends: number[]): void {
  ends.length = 0;
  for (let size = WINDOW; ; size *= 2) {
    let end = Math.min(stop, start + size);
    // Not between the halves of a surrogate pair: the segmenter would see a lone surrogate there, a
    // control, and settle a boundary before it that the whole character may not have (🇫|🇷, 👍|🏽).
    const last = text.charCodeAt(end - 1);
    if (end < stop && last >= 0xd800 && last <= 0xdbff) end += 1;
    // Each segment but the first starts where the one before it ends.
    for (const { index } of segmenter.segment(text.slice(start, end)))
      if (index > 0) ends.push(start + index);
    if (end === stop) {
      ends.push(stop);
      return;
    }
    // One grapheme longer than the window (thousands of combining marks): widen until it ends.
    if (ends.length > 0) return;
  }
}

/**
 * The graphemes of `text` as offsets, lazily: each call returns the end of the next grapheme (which
 * starts where the previous one ended, the first at 0), then -1. Most of a post needs no segmenter:
 * a plain character followed by another or by the end is a grapheme of its own, and so is one with
 * marks after it (👍🏽, ❤️) when a plain character or the end follows them; so are CR, LF and CR LF,
 * whatever follows (GB3, GB4). Only the stretches around anything else are segmented, each from a
 * boundary that nothing before it can move: the start of the text, a plain character (no rule looks
 * back past one), or the character after a CR or LF (no rule looks back to one).
 */
export function graphemeEnds(text: string): () => number {
  let at = 0;
  // The end of the stretch being segmented, and the ends the last window gave that are not read yet.
  let stop = 0;
  const ends: number[] = [];
  let read = 0;
  return () => {
    if (read < ends.length) {
      at = ends[read] ?? text.length;
      read += 1;
      return at;
    }
    if (at === text.length) return -1;
    if (at >= stop) {
      const unit = text.charCodeAt(at);
      if (unit === 0x0d || unit === 0x0a) {
        at += unit === 0x0d && text.charCodeAt(at + 1) === 0x0a ? 2 : 1;
        return at;
      }
      const length = plainLength(text, at);
      if (length > 0) {
        let end = at + length;
        // Marks join what they follow (GB9) unless it is a control (GB4), and a plain character after
        // them starts a new grapheme (GB9c and GB11 would need a virama or a ZWJ before it).
        let mark = unit === 0x09 ? 0 : markLength(text, end);
        while (mark > 0) {
          end += mark;
          mark = markLength(text, end);
        }
        if (end === text.length || plainLength(text, end) > 0) {
          at = end;
          return at;
        }
      }
      stop = stretchEnd(text, at);
    }
    segmentWindow(text, at, stop, ends);
    at = ends[0] ?? text.length;
    read = 1;
    return at;
  };
}

/**
 * The user-perceived characters of `text`, lazily: an emoji ZWJ sequence, a flag or "é" + accent is
 * one each.
 */
export function* eachGrapheme(text: string): Generator<string, void, undefined> {
  const next = graphemeEnds(text);
  for (let start = 0, end = next(); end !== -1; start = end, end = next()) yield text.slice(start, end);
}

/** Every grapheme of `text`, in order. */
export function graphemes(text: string): string[] {
  const parts: string[] = [];
  const next = graphemeEnds(text);
  for (let start = 0, end = next(); end !== -1; start = end, end = next()) parts.push(text.slice(start, end));
  return parts;
}

export const ELLIPSIS = '…';

/**
 * The longest prefix of whole graphemes of `text` such that it plus `ellipsis` is at most `maxLength`
 * UTF-16 units (the unit Discord's and Slack's validators count) and `maxGraphemes` graphemes;
 * `text` itself when it already fits.
 */
export function truncateText(
  text: string,
  maxLength: number,
  { maxGraphemes = Number.POSITIVE_INFINITY, ellipsis = ELLIPSIS } = {},
): string {
  const room = maxLength - ellipsis.length;
  // The end of each grapheme kept so far.
  const kept: number[] = [];
  const next = graphemeEnds(text);
  for (let end = next(); end !== -1; end = next()) {
    if (kept.length === maxGraphemes || end > maxLength) {
      if (room < 0) return '';
      while ((kept.at(-1) ?? 0) > room) kept.pop();
      return `${text.slice(0, kept.at(-1) ?? 0).trimEnd()}${ellipsis}`;
    }
    kept.push(end);
  }
  return text;
}

// Control characters other than tab and newline only garble chat clients; ZWJ and marks are not Cc.
function dropControls(text: string, replacement: string): string {
  return text.replace(/\p{Cc}/gu, (char) => (char === '\n' || char === '\t' ? char : replacement));
}

/** Post text tidied for display: CRLF to LF, no control characters, at most one empty line in a row. */
export function tidyText(text: string): string {
  return dropControls(text.replace(/\r\n?/gu, '\n'), '')
    .replace(/[ \t]+\n/gu, '\n')
    .replace(/\n{3,}/gu, '\n\n')
    .trim();
}

/** A name or label on one line: every run of whitespace (newlines included) becomes one space. */
export function oneLine(text: string): string {
  return dropControls(text, ' ').replace(/\s+/gu, ' ').trim();
}

// Right-to-left letters and explicit direction controls: either can reorder the text around a name.
const BIDI_SENSITIVE =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/**
 * Wraps a name in a first-strong isolate when it could reorder its surroundings: an Arabic name would
 * otherwise swap places with the "(@handle)" after it, and an unclosed override in a display name
 * would reverse the rest of the line. PDI closes every embedding opened inside the isolate.
 */
export function isolate(name: string): string {
  return BIDI_SENSITIVE.test(name) ? `\u2068${name}\u2069` : name;
}

const ZWSP = '\u200B';

// Discord and Slack both treat these words after '@' as mass mentions; a zero-width space breaks them.
const MASS_MENTION = /@(everyone|here|channel)/giu;

function breakMassMentions(text: string): string {
  return text.replace(MASS_MENTION, `@${ZWSP}$1`);
}

// Inline markdown anywhere in a line: emphasis, strike, code, spoilers, masked-link brackets, the
// '<' of <@user>, <@&role>, <#channel>, </command:id>, <t:…> and custom emoji, and '\' itself.
const DISCORD_INLINE = /[\\*_~`|[\]<]/gu;
// Block markdown only at the start of a line: headers and subtext (#, -#), quotes (>), lists (-, +, 1.).
const DISCORD_LINE_START = /^([ \t]*)(?:([#>+-])|(\d+)\.)/gmu;

/**
 * `text` with Discord markdown escaped, so it shows as written, and mentions made inert. `atLineStart`
 * says whether the text begins a line of the message (then a leading '#' would be a header).
 * Escapes only ever add a backslash before ASCII punctuation, so a grapheme is never split.
 */
export function escapeDiscord(text: string, atLineStart = true): string {
  const inline = text.replace(DISCORD_INLINE, (char) => `\\${char}`);
  const blocks = inline.replace(
    DISCORD_LINE_START,
    (match, indent: string, marker?: string, digits?: string, offset?: number) => {
      if (offset === 0 && !atLineStart) return match;
      return marker === undefined ? `${indent}${digits}\\.` : `${indent}\\${marker}`;
    },
  );
  return breakMassMentions(blocks);
}

/**
 * `text` for an embed title or a field name: Discord renders emphasis, code and spoilers there but no
 * links or block markdown, so brackets and line starts stay as they are; `<` is escaped in case a
 * client ever renders mentions there.
 */
export function escapeDiscordInline(text: string): string {
  return breakMassMentions(text.replace(/[\\*_~`|<]/gu, (char) => `\\${char}`));
}

const SLACK_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * `text` for Slack mrkdwn: only `&`, `<` and `>` are control characters there, and escaping them
 * already makes `<!here>`, `<!channel>`, `<@U…>` and `<#C…>` plain text. Mass-mention words are also
 * broken, in case a client or a future setting parses bare `@here`.
 */
export function escapeSlack(text: string): string {
  return breakMassMentions(text.replace(/[&<>]/gu, (char) => SLACK_ENTITIES[char] ?? char));
}

/** The label of a Slack `<url|label>` link: escaped, with `|` swapped for a look-alike that ends nothing. */
export function slackLabel(text: string): string {
  return escapeSlack(text.replace(/\|/gu, '¦'));
}

/** Text inside Slack `*bold*`: a `*` in it would close the bold early, so it becomes a look-alike. */
export function slackBold(text: string): string {
  return text === '' ? '' : `*${slackLabel(text.replace(/\*/gu, '∗'))}*`;
}

// Discord's limit for a URL field, and more than any real link needs: longer ones are left unlinked.
export const MAX_LINK_URL_LENGTH = 2_048;

/**
 * A URL safe to put inside a Discord `[label](url)` or a Slack `<url|label>`, or undefined when it
 * is not http(s) or too long. Parentheses would end a Discord link and `|` a Slack one, so both are
 * percent-encoded (equivalent in a URL); WHATWG serialisation already encodes spaces, `<` and `>`.
 */
export function linkTarget(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  const safe = parsed.href.replace(
    /[()|\\]/gu,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return safe.length <= MAX_LINK_URL_LENGTH ? safe : undefined;
}
