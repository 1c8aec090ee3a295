/**
 * The requests behind the provider: the feed itself (a conditional GET through the SSRF guard, with
 * a size cap) and, for YouTube channel feeds, the channel page whose picture the feed lacks.
 */
import type { HttpClient, HttpResponse } from '../http.js';
import { readFeedDocument } from './document.js';
import { CHANNEL_PAGE_ENDPOINT, classifyRssError, feedError, FEED_ENDPOINT } from './errors.js';
import { findSharedImage } from './html.js';
import { webUrl } from './identity.js';
import type { FeedDocument } from './normalize.js';
import type { RssCursorState } from './schemas.js';

const ACCEPT = [
  'application/rss+xml',
  'application/atom+xml',
  'application/feed+json',
  'application/rdf+xml;q=0.9',
  'application/xml;q=0.8',
  'text/xml;q=0.8',
  '*/*;q=0.5',
].join(', ');

export interface FeedFetcher {
  /** GET the feed, conditional on the validators in `state`; a 304 is an answer, not a failure. */
  getFeed(url: string, state: RssCursorState | null): Promise<HttpResponse<Uint8Array>>;
  readBody(response: HttpResponse<Uint8Array>): FeedDocument;
  /**
   * The channel's picture, from the og:image of its page on the feed's own host (the feed has none).
   * '' when the page has none or refuses; undefined on a transient failure, so the next poll retries.
   */
  channelAvatar(doc: FeedDocument, feedUrl: string): Promise<string | undefined>;
}

/** The feed URL as given by a user, checked: absolute, http or https. */
export function feedUrlOf(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch (cause) {
    throw feedError(`"${input}" is not a URL`, {
      cause,
      hint: 'Give the full feed address, starting with https://.',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw feedError(`only http and https feeds can be read, not ${url.protocol.replace(':', '')}`);
  }
  return url.toString();
}

export function createFeedFetcher(http: HttpClient, maxBodyBytes: number): FeedFetcher {
  return {
    getFeed(url, state) {
      const headers: Record<string, string> = { accept: ACCEPT };
      if (state?.etag) headers['if-none-match'] = state.etag;
      if (state?.lastModified) headers['if-modified-since'] = state.lastModified;
      return http.request<Uint8Array>({
        url,
        endpoint: FEED_ENDPOINT,
        headers,
        untrusted: true,
        acceptStatus: [304],
        responseType: 'bytes',
        maxBodyBytes,
      });
    },

    readBody: (response) =>
      readFeedDocument({
        raw: response.data,
        contentType: response.header('content-type'),
        url: response.url,
      }),

    async channelAvatar(doc, feedUrl) {
      const channelId =
        doc.youtubeChannelId ?? doc.entries.find((entry) => entry.youtube?.channelId)?.youtube?.channelId;
      if (!channelId) return '';
      const page = new URL(`/channel/${encodeURIComponent(channelId)}`, feedUrl);
      try {
        const response = await http.request<string>({
          url: page,
          endpoint: CHANNEL_PAGE_ENDPOINT,
          headers: { accept: 'text/html' },
          untrusted: true,
          responseType: 'text',
          maxBodyBytes,
        });
        return webUrl(findSharedImage(response.data), response.url) ?? '';
      } catch (err) {
        return classifyRssError(err, page.host, CHANNEL_PAGE_ENDPOINT).kind === 'retry-later'
          ? undefined
          : '';
      }
    },
  };
}
