/**
 * Text as chat platforms need it: split into graphemes (what a reader sees as one character), cut
 * without breaking one, tidied, and escaped so that a post's text shows as written and never pings.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// V8's segmenter takes time quadratic in the length of the string it is given (50,000 characters:
// ~0.4 s), so text is segmented in windows of this many UTF-16 units (~0.5 µs per character).
const WINDOW = 256;

/**
 * The user-perceived characters of `text`, lazily: an emoji ZWJ sequence, a flag or "é" + accent is
 * one each. Windowed segmentation is exact: a boundary depends only on what precedes it and on the
 * next character, so every segment of a window but the last (which the window's end may have cut)
 * is final, and the next window starts where that last segment did.
 */
export function* eachGrapheme(text: string): Generator<string, void, undefined> {
  let start = 0;
  let size = WINDOW;
  while (start < text.length) {
    const end = Math.min(text.length, start + size);
    const parts = Array.from(segmenter.segment(text.slice(start, end)), (part) => part.segment);
    if (end === text.length) {
      yield* parts;
      return;
    }
    const last = parts.pop() ?? '';
    // One grapheme longer than the window (thousands of combining marks): widen until it ends.
    if (parts.length === 0) {
      size *= 2;
      continue;
    }
    yield* parts;
    start = end - last.length;
    size = WINDOW;
  }
}

/** Every grapheme of `text`, in order. */
export function graphemes(text: string): string[] {
  return [...eachGrapheme(text)];
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
  const kept: string[] = [];
  let length = 0;
  for (const part of eachGrapheme(text)) {
    if (kept.length === maxGraphemes || length + part.length > maxLength) {
      if (room < 0) return '';
      while (length > room) length -= kept.pop()?.length ?? 0;
      return `${kept.join('').trimEnd()}${ellipsis}`;
    }
    kept.push(part);
    length += part.length;
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
