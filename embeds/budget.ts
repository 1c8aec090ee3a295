/**
 * Every length limit the renderers respect, and the one place text is cut to fit one. Cutting is
 * deterministic: the same post and options always give the same output.
 */
import type { APIEmbed } from 'discord-api-types/v10';
import type { Token } from './linkify.js';
import { ELLIPSIS, MAX_LINK_URL_LENGTH, graphemeEnds } from './text.js';

/** Discord's message and embed limits, in UTF-16 units as discord.js validates them (`message.mdx`). */
export const DISCORD_LIMITS = {
  content: 2_000,
  embeds: 10,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footerText: 2_048,
  authorName: 256,
  /** Title, description, field names and values, footer text and author name over all embeds. */
  totalText: 6_000,
  /** An attachment's alt text; Discord stores embed image descriptions like one. */
  imageDescription: 1_024,
  /** Any URL field of an embed (url, author, image, thumbnail). */
  url: MAX_LINK_URL_LENGTH,
} as const;

/** Slack's Block Kit limits for one message (docs.slack.dev, "Blocks" and each block's reference). */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3_000,
  contextElements: 10,
  altText: 2_000,
  imageUrl: 3_000,
  buttonText: 75,
  buttonUrl: 3_000,
} as const;

export const DEFAULT_MAX_TEXT_LENGTH = 500;

/**
 * The most graphemes of post text to show: 500 unless configured, never more than a Discord
 * description holds. @throws RangeError for a value below 1 or not a number.
 */
export function resolveMaxTextLength(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_TEXT_LENGTH;
  if (!(value >= 1)) throw new RangeError(`maxTextLength must be at least 1, got ${value}`);
  return Math.min(Math.floor(value), DISCORD_LIMITS.description);
}

/** What Discord counts towards the 6,000 characters of one embed (discord.js `embedLength`). */
export function embedTextLength(embed: APIEmbed): number {
  const fields = (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    fields +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0)
  );
}

export interface FitOptions {
  /** The most graphemes of visible text to keep. */
  readonly maxGraphemes: number;
  /** The most UTF-16 units the rendered result may have, suffix included. */
  readonly maxLength: number;
  /** Writes tokens in the target's syntax; its length is what `maxLength` limits. */
  readonly render: (tokens: readonly Token[]) => string;
  /** Follows the "…" of cut text (" Read more" as a link); left out when it does not fit. */
  readonly suffix?: readonly Token[];
}

export interface Fitted {
  readonly text: string;
  readonly truncated: boolean;
}

// One visible grapheme, `token.text` from `start` to `end`, or a whole link (which is never cut: a
// half link would point elsewhere).
type Unit = { readonly token: Token; readonly start: number; readonly end: number; readonly width: number };

/** The number of graphemes in `text`. */
function graphemeCount(text: string): number {
  const next = graphemeEnds(text);
  let count = 0;
  while (next() !== -1) count += 1;
  return count;
}

/**
 * Whether the units of `tokens` are at most `limit` wide. Only counts, so the usual post, which fits,
 * is never split into units, and a long one is only read as far as the limit.
 */
function fitsWidth(tokens: readonly Token[], limit: number): boolean {
  // A grapheme takes at least one UTF-16 unit, so text no longer than the limit needs no segmenting.
  if (tokens.reduce((length, token) => length + token.text.length, 0) <= limit) return true;
  let width = 0;
  for (const token of tokens) {
    const next = graphemeEnds(token.text);
    while (next() !== -1) {
      width += 1;
      if (width > limit) return false;
    }
  }
  return true;
}

/**
 * The units of `tokens` up to the first that takes the width past `limit`: a long post is only
 * segmented as far as it can be shown.
 */
function unitsOf(tokens: readonly Token[], limit: number): Unit[] {
  const units: Unit[] = [];
  let width = 0;
  for (const token of tokens) {
    if (token.kind === 'link') {
      const unit = { token, start: 0, end: token.text.length, width: graphemeCount(token.text) };
      units.push(unit);
      width += unit.width;
      if (width > limit) return units;
      continue;
    }
    const next = graphemeEnds(token.text);
    for (let start = 0, end = next(); end !== -1; start = end, end = next()) {
      units.push({ token, start, end, width: 1 });
      width += 1;
      if (width > limit) return units;
    }
  }
  return units;
}

/** The tokens of the first units whose widths add up to at most `keep`, trailing whitespace dropped. */
function cut(units: readonly Unit[], keep: number): Token[] {
  const tokens: Token[] = [];
  let width = 0;
  // Where the run of graphemes of one text token being kept starts: it is taken as one slice.
  let start: number | undefined;
  for (let index = 0; index < units.length; index += 1) {
    const unit = units[index];
    if (unit === undefined || width + unit.width > keep) break;
    width += unit.width;
    if (unit.token.kind === 'link') {
      tokens.push(unit.token);
      continue;
    }
    start ??= unit.start;
    const following = units[index + 1];
    const runGoesOn =
      following?.token === unit.token && following.start === unit.end && width + following.width <= keep;
    if (runGoesOn) continue;
    const text = unit.token.text.slice(start, unit.end);
    start = undefined;
    const last = tokens.at(-1);
    if (last?.kind === 'text') tokens[tokens.length - 1] = { kind: 'text', text: last.text + text };
    else tokens.push({ kind: 'text', text });
  }
  const last = tokens.at(-1);
  if (last?.kind === 'text') {
    const trimmed = last.text.trimEnd();
    if (trimmed === '') tokens.pop();
    else tokens[tokens.length - 1] = { kind: 'text', text: trimmed };
  }
  return tokens;
}

// When a cut lands inside a word, step back to the space before it if that loses at most this many.
const WORD_BACKOFF = 24;

function backOffToSpace(units: readonly Unit[], keep: number): number {
  const isSpace = (unit: Unit | undefined) =>
    unit?.token.kind === 'text' && /^\s+$/u.test(unit.token.text.slice(unit.start, unit.end));
  let index = 0;
  let width = 0;
  const widths: number[] = [];
  for (; index < units.length && width + (units[index]?.width ?? 0) <= keep; index += 1) {
    widths.push(width);
    width += units[index]?.width ?? 0;
  }
  if (index === units.length || isSpace(units[index]) || isSpace(units[index - 1])) return keep;
  for (let back = index - 1; back > 0 && keep - (widths[back] ?? 0) <= WORD_BACKOFF; back -= 1) {
    if (isSpace(units[back])) return widths[back] ?? keep;
  }
  return keep;
}

/**
 * Renders `tokens` whole when they fit, else the longest prefix of whole graphemes (and whole links)
 * that fits with the suffix, found by binary search: rendered length grows with the kept prefix.
 */
export function fitTokens(tokens: readonly Token[], options: FitOptions): Fitted {
  const { maxGraphemes, maxLength, render } = options;
  if (fitsWidth(tokens, maxGraphemes)) {
    const whole = render(tokens);
    if (whole.length <= maxLength) return { text: whole, truncated: false };
  }
  const units = unitsOf(tokens, maxGraphemes);
  const total = units.reduce((sum, unit) => sum + unit.width, 0);
  for (const suffix of [options.suffix ?? [], []]) {
    const ending: readonly Token[] = [{ kind: 'text', text: ELLIPSIS }, ...suffix];
    const attempt = (keep: number) => render([...cut(units, keep), ...ending]);
    if (attempt(0).length > maxLength) continue;
    let low = 0;
    let high = Math.min(total, maxGraphemes);
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (attempt(middle).length <= maxLength) low = middle;
      else high = middle - 1;
    }
    const atWord = attempt(backOffToSpace(units, low));
    return { text: atWord.length <= maxLength ? atWord : attempt(low), truncated: true };
  }
  return { text: '', truncated: true };
}
