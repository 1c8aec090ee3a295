/**
 * The `app.bsky.embed.external` card of a published link: Bluesky does not make cards by itself, the
 * client does. The title and description come from the page's Open Graph (or `<title>`, `description`)
 * tags, fetched through the SSRF guard since the URL is the user's. A page that cannot be read still
 * gets a card with the URL as its title: publishing never fails on a preview.
 */
import type { BlueskyContext } from './context.js';

export interface ExternalCard {
  readonly uri: string;
  readonly title: string;
  readonly description: string;
}

const PREVIEW_ENDPOINT = 'GET link preview';
const PREVIEW_TIMEOUT_MS = 5_000;
// The tags are in <head>; a page larger than this is read no further.
const PREVIEW_MAX_BYTES = 1_000_000;
const MAX_TITLE = 300;
const MAX_DESCRIPTION = 1_000;

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

function clean(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  const value = decodeEntities(text).replace(/\s+/g, ' ').trim();
  return value === '' ? undefined : [...value].slice(0, max).join('');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return match ? (match[1] ?? match[2]) : undefined;
}

/** The `content` of the first `<meta>` whose property or name is one of `keys`, in the order of `keys`. */
function meta(html: string, keys: readonly string[]): string | undefined {
  const tags = html.match(/<meta\s[^>]*>/gi) ?? [];
  for (const key of keys) {
    for (const tag of tags) {
      const name = (attribute(tag, 'property') ?? attribute(tag, 'name'))?.toLowerCase();
      if (name === key) return attribute(tag, 'content');
    }
  }
  return undefined;
}

/** Title and description of an HTML page, from its Open Graph tags first. */
export function describePage(html: string): { title?: string; description?: string } {
  const head = html.slice(0, html.search(/<\/head>/i) >= 0 ? html.search(/<\/head>/i) : html.length);
  const title = clean(
    meta(head, ['og:title', 'twitter:title']) ?? /<title[^>]*>([^<]*)<\/title>/i.exec(head)?.[1],
    MAX_TITLE,
  );
  const description = clean(
    meta(head, ['og:description', 'twitter:description', 'description']),
    MAX_DESCRIPTION,
  );
  return { ...(title ? { title } : {}), ...(description ? { description } : {}) };
}

function fallbackTitle(uri: string): string {
  return uri.replace(/^https?:\/\//, '').slice(0, MAX_TITLE);
}

export async function linkCard(ctx: BlueskyContext, uri: string): Promise<ExternalCard> {
  if (!ctx.linkPreviews) return { uri, title: fallbackTitle(uri), description: '' };
  try {
    const response = await ctx.http.request<string>({
      url: uri,
      endpoint: PREVIEW_ENDPOINT,
      untrusted: true,
      responseType: 'text',
      headers: { accept: 'text/html,application/xhtml+xml' },
      maxBodyBytes: PREVIEW_MAX_BYTES,
      timeoutMs: PREVIEW_TIMEOUT_MS,
    });
    const page = describePage(response.data);
    return { uri, title: page.title ?? fallbackTitle(uri), description: page.description ?? '' };
  } catch {
    // The card is a courtesy: an unreachable or refused page still publishes, with a plain card.
    return { uri, title: fallbackTitle(uri), description: '' };
  }
}
