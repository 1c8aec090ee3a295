/**
 * The media of a generic feed item, from the places publishers put it: RSS enclosures and Atom
 * rel="enclosure" links, Media RSS (`media:content`, `media:group`, `media:thumbnail`), an iTunes or
 * JSON Feed image, and, only when there is nothing else, the first picture in the item's HTML.
 */
import type { SocialPostMedia } from '../../core/social-post.js';
import type { HtmlImage } from './html.js';
import { webUrl } from './identity.js';
import type { FeedEntry } from './normalize.js';
import type { MediaContentPayload, MediaPayload } from './schemas.js';

type MediaKind = SocialPostMedia['type'];

/** Embeds show a handful; a gallery feed must not make a post of hundreds. */
export const MAX_MEDIA = 10;

const EXTENSIONS: ReadonlyArray<readonly [MediaKind, RegExp]> = [
  ['image', /\.(?:jpe?g|png|gif|webp|avif)$/i],
  ['video', /\.(?:mp4|m4v|webm|mov)$/i],
  ['audio', /\.(?:mp3|m4a|aac|ogg|oga|opus|wav|flac)$/i],
];

/** image, video or audio from a Media RSS medium, a MIME type, or the file name; undefined otherwise. */
export function mediaKind(mime: string | undefined, url: string, medium?: string): MediaKind | undefined {
  if (medium === 'image' || medium === 'video' || medium === 'audio') return medium;
  const major = mime?.split('/')[0]?.trim().toLowerCase();
  if (major === 'image' || major === 'video' || major === 'audio') return major;
  if (mime !== undefined && mime.trim() !== '') return undefined;
  const path = new URL(url).pathname;
  return EXTENSIONS.find(([, pattern]) => pattern.test(path))?.[0];
}

// Feeds write 0 for "unknown" (length="0" is the usual placeholder), so only positive values count.
const positive = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined);

function compact(media: SocialPostMedia): SocialPostMedia {
  return Object.fromEntries(
    Object.entries(media).filter(([, value]) => value !== undefined),
  ) as SocialPostMedia;
}

type Group = NonNullable<NonNullable<MediaPayload>['groups']>[number];

/** Every Media RSS group of an item, the item itself first (its top-level elements form a group too). */
function groups(media: MediaPayload): Group[] {
  return media === undefined ? [] : [media, ...(media.groups ?? [])];
}

function fromMediaContent(content: MediaContentPayload, base: string): SocialPostMedia | undefined {
  const url = webUrl(content.url, base);
  const type = url === undefined ? undefined : mediaKind(content.type, url, content.medium);
  if (url === undefined || type === undefined) return undefined;
  return compact({
    type,
    url,
    previewUrl: webUrl(content.thumbnails?.[0]?.url, base),
    altText: (content.description?.value ?? content.title?.value)?.trim() || undefined,
    width: positive(content.width),
    height: positive(content.height),
    sizeBytes: positive(content.fileSize),
    durationSeconds: content.duration !== undefined && content.duration >= 0 ? content.duration : undefined,
  });
}

function fromEnclosures(entry: FeedEntry, base: string): SocialPostMedia[] {
  return entry.enclosures.flatMap((enclosure) => {
    const url = webUrl(enclosure.url, base);
    const type = url === undefined ? undefined : mediaKind(enclosure.type, url);
    return url === undefined || type === undefined
      ? []
      : [compact({ type, url, sizeBytes: positive(enclosure.length) })];
  });
}

const isVisual = (media: SocialPostMedia) => media.type === 'image' || media.type === 'video';

/**
 * One entry per file. Publishers list one picture at several widths (the Guardian sends 140 and
 * 460): the widest wins. A file listed twice (Mastodon sends audio as an enclosure and as
 * media:content) keeps the first entry, completed by the second.
 */
function withoutRepeats(media: readonly SocialPostMedia[]): SocialPostMedia[] {
  const kept = new Map<string, SocialPostMedia>();
  for (const item of media) {
    const { origin, pathname } = new URL(item.url);
    const key = item.type === 'image' ? `${origin}${pathname}` : item.url;
    const previous = kept.get(key);
    if (previous === undefined) kept.set(key, item);
    else if (item.type === 'image' && previous.url !== item.url) {
      if ((item.width ?? 0) > (previous.width ?? 0)) kept.set(key, item);
    } else kept.set(key, { ...item, ...previous });
  }
  return [...kept.values()];
}

/** The item's media, resolved against `base`, in the order the feed gives them. */
export function collectMedia(
  entry: FeedEntry,
  bodyImages: readonly HtmlImage[],
  base: string,
): SocialPostMedia[] {
  const all = groups(entry.media);
  const media = [
    ...fromEnclosures(entry, base),
    ...all.flatMap((group) =>
      (group.contents ?? []).flatMap((content) => fromMediaContent(content, base) ?? []),
    ),
  ];
  const thumbnail = webUrl(all.flatMap((group) => group.thumbnails ?? [])[0]?.url, base);
  const fallbacks = [
    thumbnail,
    webUrl(entry.imageUrl, base),
    ...bodyImages.map((image) => webUrl(image.src, base)),
  ].filter((url): url is string => url !== undefined);
  const withPreviews = media.map((item) =>
    item.type === 'video' && item.previewUrl === undefined && thumbnail
      ? { ...item, previewUrl: thumbnail }
      : item,
  );
  if (!withPreviews.some(isVisual) && fallbacks[0] !== undefined) {
    const alt = bodyImages.find((image) => webUrl(image.src, base) === fallbacks[0])?.alt?.trim();
    withPreviews.push(compact({ type: 'image', url: fallbacks[0], altText: alt || undefined }));
  }
  return withoutRepeats(withPreviews).slice(0, MAX_MEDIA);
}
