/**
 * Who a feed is, for the account list: its title, site, picture and a short handle. A YouTube channel
 * is named by its @handle or channel id, a Reddit listing by `r/<sub>` or `u/<name>`, any other feed
 * by its site's host.
 */
import type { AccountProfile } from '../provider.js';
import { webUrl, type FeedPlatform } from './identity.js';
import { youtubeHandle } from './map-platforms.js';
import { digestText } from './map-shared.js';
import type { FeedDocument } from './normalize.js';

function redditHandle(doc: FeedDocument): string | undefined {
  const site = webUrl(doc.siteUrl);
  const path = site === undefined ? '' : new URL(site).pathname;
  const listing = /^\/(r|u|user)\/([^/]+)/i.exec(path);
  if (listing?.[1] && listing[2]) return `${listing[1].toLowerCase() === 'r' ? 'r' : 'u'}/${listing[2]}`;
  return doc.categories.find((category) => category.label?.startsWith('r/'))?.label?.trim();
}

function handleOf(doc: FeedDocument, platform: FeedPlatform, feedUrl: string, title: string): string {
  if (platform === 'youtube') {
    const uri = doc.author?.uri ?? doc.entries[0]?.authors[0]?.uri;
    return youtubeHandle(uri) ?? doc.youtubeChannelId ?? title;
  }
  if (platform === 'reddit') {
    const handle = redditHandle(doc);
    if (handle) return handle;
  }
  const site = webUrl(doc.siteUrl, feedUrl) ?? feedUrl;
  return new URL(site).hostname.replace(/^www\./, '');
}

/** The account profile of the feed at `feedUrl`; `answeredUrl` is where it was found after redirects. */
export function feedProfile(
  doc: FeedDocument,
  platform: FeedPlatform,
  urls: { feedUrl: string; answeredUrl: string },
  channelAvatarUrl?: string,
): AccountProfile {
  const title = digestText(doc.title).text || new URL(urls.feedUrl).hostname;
  const avatarUrl = channelAvatarUrl || webUrl(doc.imageUrl, urls.answeredUrl);
  const profileUrl = webUrl(doc.siteUrl, urls.answeredUrl);
  return {
    accountId: urls.feedUrl,
    handle: handleOf(doc, platform, urls.feedUrl, title),
    displayName: title,
    instanceUrl: urls.feedUrl,
    ...(avatarUrl ? { avatarUrl } : {}),
    ...(profileUrl ? { profileUrl } : {}),
  };
}
