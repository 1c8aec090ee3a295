/**
 * Downloading an image a person attached in chat (or linked), once, through the SSRF guard: chat
 * attachment URLs expire, so the bytes are fetched when the preview is made and kept with the post.
 * The type is read from the bytes; the size is capped while reading, so a huge file costs nothing.
 */
import { ProviderError } from '../core/errors.js';
import { createHttpClient, type HttpClient } from './http.js';
import { sniffMimeType } from './media-rules.js';

export type MediaErrorKind = 'too-large' | 'unsupported-type' | 'unreachable';

/** Why an attachment cannot be used, in words for the person who attached it. */
export class MediaError extends Error {
  override name = 'MediaError';
  constructor(
    readonly kind: MediaErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface DownloadedMedia {
  readonly data: Uint8Array;
  readonly mimeType: string;
  readonly fileName: string;
}

export interface MediaRequest {
  readonly url: string;
  readonly fileName?: string | undefined;
  /** The size the chat platform reported, if any: refused before downloading when over the cap. */
  readonly size?: number | undefined;
  /** Slack's private file URLs need the workspace's bot token. */
  readonly bearer?: string | undefined;
}

export interface MediaDownloader {
  download(request: MediaRequest, maxBytes: number): Promise<DownloadedMedia>;
  close(): Promise<void>;
}

const looksLikeHtml = (data: Uint8Array) =>
  /^\s*<(!doctype|html)/i.test(Buffer.from(data.subarray(0, 64)).toString('latin1'));

const megabytes = (bytes: number) => `${Math.floor(bytes / 1_048_576)} MB`;

function nameOf(request: MediaRequest): string {
  if (request.fileName) return request.fileName;
  try {
    return decodeURIComponent(new URL(request.url).pathname.split('/').pop() ?? '') || 'attachment';
  } catch {
    return 'attachment';
  }
}

export function createMediaDownloader(options: {
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly allowLoopback: boolean;
  readonly http?: HttpClient;
}): MediaDownloader {
  const http =
    options.http ??
    createHttpClient({
      platform: 'media',
      userAgent: options.userAgent,
      rateLimitStyle: 'none',
      timeoutMs: options.timeoutMs,
      allowLoopback: options.allowLoopback,
    });
  return {
    async download(request, maxBytes) {
      const fileName = nameOf(request);
      if (request.size !== undefined && request.size > maxBytes) {
        throw new MediaError('too-large', `${fileName} is larger than ${megabytes(maxBytes)}`);
      }
      let data: Uint8Array;
      try {
        const response = await http.request<Uint8Array>({
          url: request.url,
          endpoint: 'GET attachment',
          untrusted: true,
          responseType: 'bytes',
          maxBodyBytes: maxBytes,
          ...(request.bearer ? { bearer: request.bearer } : {}),
        });
        data = response.data;
      } catch (err) {
        // A 2xx refused by the client is the size cap; everything else is the file not being reachable.
        if (err instanceof ProviderError && err.status !== undefined && err.status < 300) {
          throw new MediaError('too-large', `${fileName} is larger than ${megabytes(maxBytes)}`);
        }
        const reason = err instanceof Error ? err.message.replace(/^media: GET attachment: /, '') : 'failed';
        throw new MediaError('unreachable', `${fileName} could not be downloaded (${reason})`);
      }
      const mimeType = sniffMimeType(data);
      if (!mimeType && request.bearer !== undefined && looksLikeHtml(data)) {
        // A private file URL answers a sign-in page when the token may not read files.
        throw new MediaError(
          'unreachable',
          `${fileName} could not be read: the chat platform answered with a sign-in page (reinstall Herald there so it may read files)`,
        );
      }
      if (!mimeType) {
        throw new MediaError(
          'unsupported-type',
          `${fileName} is not an image or video Herald can post (JPEG, PNG, GIF, WebP, MP4, MOV)`,
        );
      }
      return { data, mimeType, fileName };
    },
    close: () => http.close(),
  };
}
