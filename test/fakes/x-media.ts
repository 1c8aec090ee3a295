/**
 * The X fake's media upload: one-shot `POST /2/media/upload` for images, the chunked
 * `/initialize` → `/{id}/append` → `/{id}/finalize` flow with `GET ?command=STATUS` polling, and
 * `POST /2/media/metadata` for alt text. Sizes are checked as X documents them.
 * @see https://docs.x.com/x-api/media/quickstart/media-upload-chunked
 */
import type { FakeHandler, FakeReply, FakeServer, RecordedRequest } from './fake-server.js';
import {
  authenticate,
  epochSeconds,
  invalidRequest,
  limited,
  nextId,
  type XFakeState,
  type XFakeUpload,
} from './x-state.js';

const MB = 1024 * 1024;
const MAX_BYTES: Readonly<Record<string, number>> = {
  tweet_image: 5 * MB,
  tweet_gif: 15 * MB,
  tweet_video: 512 * MB,
  amplify_video: 512 * MB,
};
const KEY_PREFIX: Readonly<Record<string, string>> = {
  tweet_image: '3',
  tweet_gif: '16',
  tweet_video: '7',
  amplify_video: '13',
};

async function formOf(request: RecordedRequest): Promise<FormData> {
  const type = request.headers['content-type'] ?? '';
  return new Response(new Uint8Array(request.body), { headers: { 'content-type': type } }).formData();
}

async function fileBytes(form: FormData, name: string): Promise<Buffer | undefined> {
  const value = form.get(name);
  return value instanceof Blob ? Buffer.from(await value.arrayBuffer()) : undefined;
}

function uploadData(upload: XFakeUpload, withState: boolean): Record<string, unknown> {
  const state = upload.states[0];
  return {
    id: upload.id,
    media_key: upload.mediaKey,
    size: upload.totalBytes,
    expires_after_secs: 86_400,
    ...(withState && state && state !== 'succeeded'
      ? {
          processing_info: {
            state,
            check_after_secs: 1,
            ...(state === 'in_progress' ? { progress_percent: 50 } : {}),
          },
        }
      : {}),
  };
}

/** Record the finished upload as a media object posts can carry, in the shape GET returns it. */
function publishMedia(state: XFakeState, upload: XFakeUpload): void {
  const type =
    upload.category === 'tweet_image' ? 'photo' : upload.category === 'tweet_gif' ? 'animated_gif' : 'video';
  const still = `https://pbs.twimg.com/media/${upload.id}.jpg`;
  const clip = `https://video.twimg.com/ext_tw_video/${upload.id}/pu/vid/1280x720/${upload.id}.mp4`;
  state.media.set(upload.mediaKey, {
    media_key: upload.mediaKey,
    type,
    width: 1280,
    height: 720,
    ...(type === 'photo' ? { url: still } : { preview_image_url: still }),
    ...(type === 'photo'
      ? {}
      : { variants: [{ bit_rate: 2_176_000, content_type: 'video/mp4', url: clip }] }),
    ...(upload.altText ? { alt_text: upload.altText } : {}),
  });
}

function createUpload(
  state: XFakeState,
  ownerId: string,
  category: string,
  mediaType: string,
  totalBytes: number,
) {
  const id = nextId(state);
  const upload: XFakeUpload = {
    id,
    mediaKey: `${KEY_PREFIX[category] ?? '3'}_${id}`,
    ownerId,
    category,
    mediaType,
    totalBytes,
    segments: new Map(),
    finalized: false,
    states: category === 'tweet_image' ? ['succeeded'] : [...state.processingStates],
  };
  state.uploads.set(id, upload);
  return upload;
}

function ownUpload(
  state: XFakeState,
  userId: string,
  id: string | undefined | null,
): XFakeUpload | FakeReply {
  const upload = id ? state.uploads.get(id) : undefined;
  return upload && upload.ownerId === userId ? upload : invalidRequest(`Invalid media id ${id ?? ''}`);
}

const oneShot =
  (state: XFakeState): FakeHandler =>
  async (request) => {
    const auth = authenticate(state, request, 'media.write');
    if ('reply' in auth) return auth.reply;
    const form = await formOf(request);
    const bytes = await fileBytes(form, 'media');
    const category = String(form.get('media_category') ?? '');
    if (!bytes || category !== 'tweet_image')
      return invalidRequest('media and media_category=tweet_image are required');
    if (bytes.length > (MAX_BYTES.tweet_image ?? 0))
      return invalidRequest('File size exceeds 5242880 bytes.');
    const upload = createUpload(
      state,
      auth.userId,
      category,
      String(form.get('media_type') ?? 'image/jpeg'),
      bytes.length,
    );
    upload.segments.set(0, bytes);
    upload.finalized = true;
    publishMedia(state, upload);
    return { json: { data: uploadData(upload, false) } };
  };

const initialize =
  (state: XFakeState): FakeHandler =>
  (request) => {
    const auth = authenticate(state, request, 'media.write');
    if ('reply' in auth) return auth.reply;
    const body = request.json() as { media_type?: string; total_bytes?: number; media_category?: string };
    const category = body.media_category ?? 'tweet_image';
    const max = MAX_BYTES[category];
    if (!body.media_type || typeof body.total_bytes !== 'number' || max === undefined) {
      return invalidRequest('media_type, total_bytes and a known media_category are required');
    }
    if (body.total_bytes > max) return invalidRequest(`File size exceeds ${max} bytes.`);
    const upload = createUpload(state, auth.userId, category, body.media_type, body.total_bytes);
    return { json: { data: { id: upload.id, media_key: upload.mediaKey, expires_after_secs: 86_400 } } };
  };

const append =
  (state: XFakeState): FakeHandler =>
  async (request, params) => {
    const auth = authenticate(state, request, 'media.write');
    if ('reply' in auth) return auth.reply;
    const upload = ownUpload(state, auth.userId, params.id);
    if (!('segments' in upload)) return upload;
    const form = await formOf(request);
    const bytes = await fileBytes(form, 'media');
    const segment = Number(form.get('segment_index'));
    if (!bytes || !Number.isInteger(segment) || segment < 0 || segment > 999 || upload.finalized) {
      return invalidRequest('media and a segment_index between 0 and 999 are required');
    }
    upload.segments.set(segment, bytes);
    return { json: { data: { expires_at: epochSeconds(86_400) } } };
  };

const finalize =
  (state: XFakeState): FakeHandler =>
  (request, params) => {
    const auth = authenticate(state, request, 'media.write');
    if ('reply' in auth) return auth.reply;
    const upload = ownUpload(state, auth.userId, params.id);
    if (!('segments' in upload)) return upload;
    const received = [...upload.segments.values()].reduce((sum, part) => sum + part.length, 0);
    if (received !== upload.totalBytes) {
      return invalidRequest(`File size mismatch: expected ${upload.totalBytes} bytes, received ${received}`);
    }
    upload.finalized = true;
    if (upload.states[0] === 'succeeded' || upload.states.length === 0) publishMedia(state, upload);
    return { json: { data: uploadData(upload, true) } };
  };

const status =
  (state: XFakeState): FakeHandler =>
  (request) => {
    const auth = authenticate(state, request, 'media.write');
    if ('reply' in auth) return auth.reply;
    if (request.query.get('command') !== 'STATUS') return invalidRequest('command must be STATUS');
    const upload = ownUpload(state, auth.userId, request.query.get('media_id'));
    if (!('segments' in upload)) return upload;
    if (upload.states.length > 1) upload.states.shift();
    const current = upload.states[0] ?? 'succeeded';
    if (current === 'succeeded') publishMedia(state, upload);
    const info =
      current === 'failed'
        ? {
            state: current,
            error: { code: 1, name: 'InvalidMedia', message: 'Invalid or Unsupported media' },
          }
        : { state: current, check_after_secs: 1, progress_percent: current === 'succeeded' ? 100 : 50 };
    return { json: { data: { id: upload.id, media_key: upload.mediaKey, processing_info: info } } };
  };

const metadata =
  (state: XFakeState): FakeHandler =>
  (request) => {
    const auth = authenticate(state, request, 'media.write');
    if ('reply' in auth) return auth.reply;
    const body = request.json() as { id?: string; metadata?: { alt_text?: { text?: string } } };
    const upload = ownUpload(state, auth.userId, body.id);
    if (!('segments' in upload)) return upload;
    const text = body.metadata?.alt_text?.text ?? '';
    if (text.length === 0 || [...text].length > 1000)
      return invalidRequest('alt_text.text must be 1 to 1000 characters');
    upload.altText = text;
    const media = state.media.get(upload.mediaKey);
    if (media) media.alt_text = text;
    return { json: { data: { id: upload.id, associated_metadata: { alt_text: { text } } } } };
  };

export function registerMediaRoutes(server: FakeServer, state: XFakeState): void {
  const route = (method: string, path: string, handler: FakeHandler) =>
    server.on(method, path, limited(state, `${method} ${path}`, 1_875, handler));
  route('POST', '/2/media/upload', oneShot(state));
  route('POST', '/2/media/upload/initialize', initialize(state));
  route('POST', '/2/media/upload/:id/append', append(state));
  route('POST', '/2/media/upload/:id/finalize', finalize(state));
  route('GET', '/2/media/upload', status(state));
  route('POST', '/2/media/metadata', metadata(state));
}
