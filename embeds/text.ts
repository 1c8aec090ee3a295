/**
 * Text as chat platforms need it: split into graphemes (what a reader sees as one character), cut
 * without breaking one, tidied, and escaped so that a post's text shows as written and never pings.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// V8's segmenter takes time quadratic in the length of the string it is given (50,000 characters:
// ~0.4 s), so text is segmented in windows of this many UTF-16 units (~0.5 µs per character).
const WINDOW = 256;

// UTF-16 units next to which grapheme segmentation (UAX #29) is trivial: letters, digits, punctuation,
// symbols and spaces with Grapheme_Cluster_Break Other that are neither emoji (Extended_Pictographic:
// ©, ®, ‼, ⁉, 〰, 〽) nor Indic consonants, controls other than CR, and Hangul syllables. Two of them
// in a row always have a boundary between them (no rule but GB4, GB5, GB6–8 with no jamo, and GB999
// applies), and no rule looks back past one: GB9c, GB11 and GB12/13 see only through Extend, ZWJ,
// Linker and regional indicators. The tests check every unit against the segmenter.
const PLAIN_RANGES: readonly (readonly [number, number])[] = [
  [0x09, 0x0a], // tab, LF
  [0x20, 0x7e], // printable ASCII
  [0xa0, 0xa8], // Latin-1, Latin Extended, IPA and modifier letters, except © and ®
  [0xaa, 0xad],
  [0xaf, 0x2ff],
  [0x370, 0x377], // Greek and Cyrillic, except unassigned units and combining marks
  [0x37a, 0x37f],
  [0x384, 0x38a],
  [0x38c, 0x38c],
  [0x38e, 0x3a1],
  [0x3a3, 0x482],
  [0x48a, 0x52f],
  [0x2000, 0x200b], // spaces, dashes, quotes, bullets and ellipsis, except ZWNJ, ZWJ, ‼ and ⁉
  [0x200e, 0x203b],
  [0x203d, 0x2048],
  [0x204a, 0x205f],
  [0x20a0, 0x20c0], // currency signs
  [0x3000, 0x3029], // CJK punctuation and kana, except 〰, 〽 and combining marks
  [0x3031, 0x303c],
  [0x303e, 0x303f],
  [0x3041, 0x3096],
  [0x309b, 0x30ff],
  [0x3400, 0x4dbf], // CJK ideographs
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3], // Hangul syllables: a syllable never joins the next one
  [0xff01, 0xff9d], // full-width forms and half-width katakana, except the half-width sound marks
  [0xffe0, 0xffe6],
];

// One bit per BMP unit: 8 KB, and one load and shift per lookup.
const PLAIN = new Uint32Array(0x10000 / 32);
for (const [first, last] of PLAIN_RANGES) {
  for (let unit = first; unit <= last; unit += 1)
    PLAIN[unit >>> 5] = (PLAIN[unit >>> 5] ?? 0) | (1 << (unit & 31));
}

function isPlain(text: string, index: number): boolean {
  const unit = text.charCodeAt(index);
  return (((PLAIN[unit >>> 5] ?? 0) >>> (unit & 31)) & 1) === 1;
}

/**
 * Where the stretch of `text` from `start` (a boundary) that needs the segmenter ends: before the
 * first plain unit that follows another, where there is a boundary, or at the end of the text.
 */
function stretchEnd(text: string, start: number): number {
  let previous = isPlain(text, start);
  for (let end = start + 1; end < text.length; end += 1) {
    const current = isPlain(text, end);
    if (previous && current) return end;
    previous = current;
  }
  return text.length;
}

/**
 * Fills `ends` with the ends of the graphemes of `text` from `start` (a boundary) that one window of
 * the segmenter settles, up to `stop` (another boundary). Windowed segmentation is exact: a boundary
 * depends only on what precedes it and on the next character, so every segment of a window but the
 * last (which the window's end may have cut) is final, and the next window starts where that last
 * segment did. For the same reason the text before `start` does not matter: it ends with a plain
 * unit or `start` is 0.
 */
function segmentWindow(text: string, start: number, stop: number, ends: number[]): void {
  ends.length = 0;
  for (let size = WINDOW; ; size *= 2) {
    const end = Math.min(stop, start + size);
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
 * starts where the previous one ended, the first at 0), then -1. A plain unit followed by another or
 * by the end of the text is a grapheme of its own, which is most of most posts; only the stretches
 * around anything else go through `Intl.Segmenter`.
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
      if (isPlain(text, at) && (at + 1 === text.length || isPlain(text, at + 1))) {
        at += 1;
        return at;
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
