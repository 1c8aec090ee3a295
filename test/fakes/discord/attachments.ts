/**
 * Files on the fake's CDN, served from the fake's own loopback origin on Discord's CDN paths: what a
 * member uploads to a slash command's ATTACHMENT option (ephemeral:
 * `/ephemeral-attachments/<application>/<attachment>/<filename>`) and what a message carries
 * (`/attachments/<channel>/<attachment>/<filename>`). URLs are signed as Discord's have been since
 * December 2023: `?ex=<expiry>&is=<issued>&hm=<signature>&` (hex Unix seconds, 24 hours apart); a
 * missing or wrong signature, or a past expiry, is 404 "This content is no longer available.".
 * Every download is recorded with the server's other requests.
 * @see https://discord.com/developers/docs/resources/message#attachment-object
 * @see https://discord.com/developers/docs/reference#signed-attachment-cdn-urls
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { APIAttachment } from 'discord-api-types/v10';
import type { FakeReply, FakeServer } from '../fake-server.js';

/** A file as a test attaches it. */
export interface FakeAttachmentInput {
  readonly filename: string;
  /** Default: from the file name's extension (`application/octet-stream` when unknown). */
  readonly contentType?: string;
  readonly data: Uint8Array;
  /** Discord sends both for images. */
  readonly width?: number;
  readonly height?: number;
  /** Alt text. */
  readonly description?: string;
}

/** Where a file lives: a command option's upload, or a message in a channel. */
export type AttachmentScope =
  { readonly kind: 'ephemeral' } | { readonly kind: 'channel'; readonly channelId: string };

const LIFETIME_S = 24 * 60 * 60;
const GONE: FakeReply = { status: 404, text: 'This content is no longer available.' };
const TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  mp4: 'video/mp4',
  txt: 'text/plain; charset=utf-8',
  pdf: 'application/pdf',
};

const typeOf = (filename: string) =>
  TYPES[filename.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

/** Discord keeps file names to letters, digits, dots, dashes and underscores. */
const sanitize = (filename: string) => filename.replace(/[^\w.-]+/g, '_') || 'unknown';

export type Attachments = ReturnType<typeof createAttachments>;

export function createAttachments(deps: {
  readonly applicationId: string;
  readonly newId: () => string;
  readonly now: () => number;
  /** The fake's origin (`http://127.0.0.1:<port>`), known once it listens. */
  readonly origin: () => string;
}) {
  const secret = randomBytes(32);
  const files = new Map<
    string,
    { readonly json: APIAttachment; readonly data: Buffer; readonly path: string }
  >();

  const sign = (path: string, ex: string, is: string) =>
    createHmac('sha256', secret).update(`${path}\n${ex}\n${is}`).digest('hex');

  function signedUrl(path: string): string {
    const issued = Math.floor(deps.now() / 1000);
    const is = issued.toString(16);
    const ex = (issued + LIFETIME_S).toString(16);
    return `${deps.origin()}${path}?ex=${ex}&is=${is}&hm=${sign(path, ex, is)}&`;
  }

  /** Stores a file; the attachment object as Discord sends it (in `resolved` or on a message). */
  function add(input: FakeAttachmentInput, scope: AttachmentScope): APIAttachment {
    const id = deps.newId();
    const filename = sanitize(input.filename);
    const folder =
      scope.kind === 'ephemeral'
        ? `/ephemeral-attachments/${deps.applicationId}`
        : `/attachments/${scope.channelId}`;
    const path = `${folder}/${id}/${filename}`;
    const url = signedUrl(path);
    const json: APIAttachment = {
      id,
      filename,
      size: input.data.byteLength,
      url,
      // media.discordapp.net in Discord; the same origin here.
      proxy_url: url,
      content_type: input.contentType ?? typeOf(filename),
      ...(input.width === undefined ? {} : { width: input.width }),
      ...(input.height === undefined ? {} : { height: input.height }),
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(scope.kind === 'ephemeral' ? { ephemeral: true } : {}),
    };
    files.set(id, { json, data: Buffer.from(input.data), path });
    return json;
  }

  function serve(path: string, id: string, query: URLSearchParams): FakeReply {
    const file = files.get(id);
    const [ex, is, hm] = ['ex', 'is', 'hm'].map((key) => query.get(key) ?? '');
    if (!file || file.path !== path || !ex || !is || !hm) return GONE;
    const expected = Buffer.from(sign(path, ex, is));
    const given = Buffer.from(hm);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return GONE;
    if (Number.parseInt(ex, 16) * 1000 <= deps.now()) return GONE;
    const type = file.json.content_type ?? 'application/octet-stream';
    return { status: 200, headers: { 'content-type': type }, body: file.data };
  }

  /** The CDN routes, outside `/api` and without `Authorization`, as cdn.discordapp.com serves them. */
  function mount(server: FakeServer): void {
    for (const folder of ['ephemeral-attachments', 'attachments']) {
      server.on('GET', `/${folder}/:scope/:id/:filename`, (request, params) =>
        serve(request.path, params.id ?? '', request.query),
      );
    }
  }

  return {
    add,
    /** The attachment object of a file added earlier. */
    find: (id: string): APIAttachment | undefined => files.get(id)?.json,
    mount,
  };
}
