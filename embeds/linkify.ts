/**
 * A post's text as tokens: plain text, and links for its URLs and, where the platform has them, its
 * @mentions and #hashtags. Discord and Slack write the same tokens in their own syntax, so linking
 * and truncation are decided once.
 */
import type { PlatformLinks, PlatformStyle } from './platform-style.js';
import { linkTarget, truncateText } from './text.js';

/** A piece of rich text: `text` is what the reader sees, `url` where a link goes. */
export type Token =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly url: string };

export const textToken = (text: string): Token => ({ kind: 'text', text });

/** A link token, or plain text when the URL cannot be a chat link (not http(s), too long). */
export function linkToken(text: string, url: string | undefined): Token {
  const target = url === undefined ? undefined : linkTarget(url);
  return target === undefined ? textToken(text) : { kind: 'link', text, url: target };
}

const URL_SOURCE = String.raw`(?<url>https?://[^\s<>"]+)`;
// A tag needs one non-digit ("#1" is a number), and must not follow a word, '&' (an entity), '/'
// or '<' (chat channel syntax such as <#C1>).
const HASHTAG_SOURCE = String.raw`(?<![\p{L}\p{M}\p{N}_&/#＃<])[#＃](?<tag>[\p{L}\p{M}\p{N}_]*[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*)`;

const patterns = new WeakMap<PlatformLinks, RegExp>();
const URL_ONLY = new RegExp(URL_SOURCE, 'gu');

function patternFor(links: PlatformLinks | undefined): RegExp {
  if (links === undefined) return URL_ONLY;
  let pattern = patterns.get(links);
  if (pattern === undefined) {
    pattern = new RegExp(`${URL_SOURCE}|(?<mention>${links.mention.source})|${HASHTAG_SOURCE}`, 'gu');
    patterns.set(links, pattern);
  }
  return pattern;
}

const CLOSERS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

const count = (text: string, char: string) => text.split(char).length - 1;

/**
 * A URL found in prose without the punctuation that ends the sentence around it; a closing bracket
 * stays when the URL opened it (https://en.wikipedia.org/wiki/Mercury_(planet)).
 */
export function trimUrl(url: string): string {
  let trimmed = url;
  for (;;) {
    const last = trimmed.at(-1) ?? '';
    const opener = CLOSERS[last];
    const unbalanced = opener !== undefined && count(trimmed, opener) < count(trimmed, last);
    if (!unbalanced && !/[.,:;!?'"…»”’]/u.test(last)) return trimmed;
    trimmed = trimmed.slice(0, -1);
  }
}

const LABEL_GRAPHEMES = 32;

/** How a URL reads in text: no scheme or "www.", decoded, cut short ("example.com/a/long/pa…"). */
export function displayUrl(url: string): string {
  let label = url.replace(/^https?:\/\/(?:www\.)?/iu, '').replace(/\/$/u, '');
  try {
    label = decodeURI(label);
  } catch {
    // A malformed escape: keep the encoded form, which is still readable.
  }
  // Discord prints a masked link literally when its label contains a URL, which a query string can.
  const nested = label.search(/[a-z][a-z0-9+.-]*:\/\//iu);
  if (nested > 0) label = `${label.slice(0, nested)}…`;
  return truncateText(label, Number.POSITIVE_INFINITY, { maxGraphemes: LABEL_GRAPHEMES });
}

function matchToken(groups: Record<string, string | undefined>, style: PlatformStyle, home: URL): Token {
  const { url, mention, user, host, tag } = groups;
  // A URL that cannot be a link (a '|' in its host, say) stays exactly as written.
  if (url !== undefined)
    return linkTarget(url) === undefined ? textToken(url) : linkToken(displayUrl(url), url);
  const links = style.links;
  if (links !== undefined && mention !== undefined && user !== undefined) {
    return linkToken(mention, links.profileUrl(user, home, host));
  }
  if (links !== undefined && tag !== undefined) return linkToken(`#${tag}`, links.hashtagUrl(tag, home));
  return textToken(mention ?? '');
}

/** Appends `token`, merging adjacent plain text so renderers see each run of text once. */
function push(tokens: Token[], token: Token): void {
  const last = tokens.at(-1);
  if (token.kind === 'text' && token.text === '') return;
  if (token.kind === 'text' && last?.kind === 'text')
    tokens[tokens.length - 1] = textToken(last.text + token.text);
  else tokens.push(token);
}

/**
 * Splits `text` into plain text and links. `home` is the post's own server (its permalink's origin),
 * where Mastodon resolves a mention without a host.
 */
export function linkify(text: string, style: PlatformStyle, home: URL): Token[] {
  const tokens: Token[] = [];
  let cursor = 0;
  for (const match of text.matchAll(patternFor(style.links))) {
    const start = match.index;
    const groups = match.groups ?? {};
    const raw = groups.url === undefined ? match[0] : trimUrl(match[0]);
    push(tokens, textToken(text.slice(cursor, start)));
    push(tokens, matchToken({ ...groups, url: groups.url === undefined ? undefined : raw }, style, home));
    // The punctuation trimmed off a URL is ordinary text.
    if (raw.length < match[0].length) push(tokens, textToken(match[0].slice(raw.length)));
    cursor = start + match[0].length;
  }
  push(tokens, textToken(text.slice(cursor)));
  return tokens;
}

/** The visible text of tokens, as a reader sees it. */
export function visibleText(tokens: readonly Token[]): string {
  return tokens.map((token) => token.text).join('');
}
