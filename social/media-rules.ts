/**
 * What an image or video really is (its first bytes, not the name or the type a chat platform
 * reported) and whether a platform takes it: count, type and size, checked before any upload so
 * the preview can say which platform refuses what, and why.
 */
import type { PublishLimits } from './provider.js';

/** The media type from the file's signature; undefined for anything Herald does not publish. */
export function sniffMimeType(data: Uint8Array): string | undefined {
  const at = (offset: number, bytes: readonly number[]) => bytes.every((b, i) => data[offset + i] === b);
  const ascii = (offset: number, text: string) =>
    at(
      offset,
      [...text].map((c) => c.charCodeAt(0)),
    );
  if (at(0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'image/gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  if (ascii(4, 'ftyp')) return ascii(8, 'qt  ') ? 'video/quicktime' : 'video/mp4';
  return undefined;
}

export interface MediaFacts {
  readonly mimeType: string;
  readonly byteSize: number;
  /** How the person knows it: the file name, else "image 2". */
  readonly label: string;
}

export type MediaCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const megabytes = (bytes: number) =>
  `${(bytes / 1_048_576).toFixed(bytes < 10 * 1_048_576 ? 1 : 0).replace(/\.0$/, '')} MB`;

/** Whether a platform with these limits takes all of `media` on one post; the first reason if not. */
export function checkMedia(
  media: readonly MediaFacts[],
  limits: PublishLimits,
  platformName: string,
): MediaCheck {
  if (media.length === 0) return { ok: true };
  if (limits.maxMedia === 0) return { ok: false, reason: `${platformName} posts cannot carry images here` };
  if (media.length > limits.maxMedia) {
    return { ok: false, reason: `${media.length} files; ${platformName} takes at most ${limits.maxMedia}` };
  }
  for (const item of media) {
    const video = limits.videoTypes.includes(item.mimeType);
    if (!video && !limits.imageTypes.includes(item.mimeType)) {
      const accepted = [...limits.imageTypes, ...limits.videoTypes].map((t) => t.split('/')[1]).join(', ');
      return { ok: false, reason: `${item.label} is ${item.mimeType}; ${platformName} takes ${accepted}` };
    }
    const max = video ? (limits.maxVideoBytes ?? 0) : limits.maxImageBytes;
    if (item.byteSize > max) {
      return {
        ok: false,
        reason: `${item.label} is ${megabytes(item.byteSize)}; ${platformName} takes up to ${megabytes(max)}`,
      };
    }
  }
  return { ok: true };
}
