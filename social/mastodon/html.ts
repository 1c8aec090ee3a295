/**
 * Mastodon's status HTML to plain text. Mastodon sends sanitized HTML (`<p>`, `<br>`, `<span>`, `<a>`,
 * plus lists, quotes and code from some remote servers) and shortens links for display with hidden
 * spans, so a link is written as its `href`, a mention as `@user@domain`, a hashtag as its text.
 * Paragraphs are separated by a blank line and `<br>` becomes a newline, as Mastodon's own plain-text
 * rendering does.
 * @see https://docs.joinmastodon.org/api/guidelines/#formatting
 */
import { compile, type FormatCallback } from 'html-to-text';

export interface HtmlMention {
  readonly acct: string;
  readonly url?: string | null | undefined;
}

export interface HtmlToTextContext {
  readonly mentions: readonly HtmlMention[];
  /** The host that local `acct`s (no `@domain`) belong to when a mention's own URL does not say. */
  readonly localDomain: string | undefined;
  /** Drop the `RE: <link>` fallback Mastodon adds to quote posts for old clients. */
  readonly stripQuoteInline: boolean;
}

export interface PlainText {
  readonly text: string;
  /** Every link the text carries (not mentions, not hashtags), in order, each once. */
  readonly links: readonly string[];
}

interface RenderState {
  readonly context: HtmlToTextContext;
  readonly links: string[];
}

type Builder = Parameters<FormatCallback>[2] & { readonly metadata: RenderState };

function classesOf(attribs: Record<string, string> | undefined): string[] {
  return (attribs?.class ?? '').split(/\s+/).filter((name) => name !== '');
}

function webUrl(href: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

function sameUrl(a: string, b: string): boolean {
  return webUrl(a) === webUrl(b);
}

/** `user@domain` for a mention, adding the local domain to a local account's bare `acct`. */
export function fullAcct(acct: string, localDomain: string | undefined): string {
  return acct.includes('@') || localDomain === undefined ? acct : `${acct}@${localDomain}`;
}

const anchor: FormatCallback = (elem, walk, builder) => {
  const { context, links } = (builder as Builder).metadata;
  const classes = classesOf(elem.attribs);
  const href = elem.attribs?.href;
  if (classes.includes('hashtag')) return walk(elem.children, builder);
  if (classes.includes('mention')) {
    const mention = href ? context.mentions.find((m) => m.url && sameUrl(m.url, href)) : undefined;
    if (mention) {
      const profile = webUrl(mention.url ?? undefined);
      return builder.addInline(
        `@${fullAcct(mention.acct, profile ? new URL(profile).host : context.localDomain)}`,
      );
    }
    return walk(elem.children, builder);
  }
  const url = webUrl(href);
  if (url === undefined) return walk(elem.children, builder);
  if (!links.includes(url)) links.push(url);
  builder.addInline(url);
};

/** @types/html-to-text predates the metadata argument that html-to-text passes to formatters. */
type Converter = (html: string, metadata: RenderState) => string;

function converter(stripQuoteInline: boolean): Converter {
  const headings = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
    selector,
    options: { uppercase: false },
  }));
  return compile({
    wordwrap: false,
    formatters: { mastodonAnchor: anchor },
    selectors: [
      { selector: 'a', format: 'mastodonAnchor' },
      { selector: 'img', format: 'skip' },
      ...headings,
      ...(stripQuoteInline ? [{ selector: '.quote-inline', format: 'skip' }] : []),
    ],
  });
}

const convertKeepingQuote = converter(false);
const convertStrippingQuote = converter(true);

export function statusHtmlToText(html: string, context: HtmlToTextContext): PlainText {
  const state: RenderState = { context, links: [] };
  const convert = context.stripQuoteInline ? convertStrippingQuote : convertKeepingQuote;
  const text = convert(html, state).trim();
  return { text, links: state.links };
}
