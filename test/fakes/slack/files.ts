/**
 * Files as Slack keeps them: uploaded by a user (in a message, or through a modal's `file_input`),
 * described by Slack's file object, and served from a private URL (`files.slack.com/files-pri/…`,
 * here on the fake's own origin) only to a token of the file's workspace holding `files:read`.
 * Anything else is sent to the sign-in page, as Slack does: a browser-style redirect to an HTML page,
 * never the bytes.
 * @see https://docs.slack.dev/reference/objects/file-object
 * @see https://docs.slack.dev/reference/block-kit/block-elements/file-input-element
 */
import { extname } from 'node:path';
import type { FakeReply, FakeServer, RecordedRequest } from '../fake-server.js';
import type { World } from './world.js';

/** The scope a token needs to read a private file. */
export const FILES_READ = 'files:read';

export interface FakeFileInput {
  /** The uploader, a user of the workspace. */
  readonly userId: string;
  readonly name: string;
  readonly data: Uint8Array;
  /** From the name's extension when absent. */
  readonly mimetype?: string;
  readonly title?: string;
}

/** A file as Slack's file object describes it (in messages, `files.info` and `file_input` state). */
export interface SlackFileObject {
  readonly id: string;
  readonly created: number;
  readonly timestamp: number;
  readonly name: string;
  readonly title: string;
  readonly mimetype: string;
  readonly filetype: string;
  readonly pretty_type: string;
  readonly user: string;
  readonly user_team: string;
  readonly editable: boolean;
  readonly size: number;
  readonly mode: 'hosted';
  readonly is_external: boolean;
  readonly external_type: string;
  readonly is_public: boolean;
  readonly public_url_shared: boolean;
  readonly display_as_bot: boolean;
  readonly username: string;
  readonly url_private: string;
  readonly url_private_download: string;
  readonly permalink: string;
  readonly file_access: 'visible';
  readonly has_rich_preview: boolean;
}

export interface FakeFile {
  readonly teamId: string;
  readonly object: SlackFileObject;
  readonly data: Uint8Array;
}

const TYPES: Readonly<Record<string, readonly [mimetype: string, pretty: string]>> = {
  jpg: ['image/jpeg', 'JPEG'],
  jpeg: ['image/jpeg', 'JPEG'],
  png: ['image/png', 'PNG'],
  gif: ['image/gif', 'GIF'],
  webp: ['image/webp', 'WebP'],
  mp4: ['video/mp4', 'MPEG 4 Video'],
  mov: ['video/quicktime', 'QuickTime Movie'],
  pdf: ['application/pdf', 'PDF'],
  txt: ['text/plain', 'Plain Text'],
};

/** Slack's `filetype` for a file name: its extension, lower case (`jpeg` is `jpg`). */
export function fileTypeOf(name: string): string {
  const ext = extname(name).slice(1).toLowerCase();
  return ext === 'jpeg' ? 'jpg' : ext || 'binary';
}

const SIGN_IN_PAGE =
  '<!DOCTYPE html><html lang="en-US"><head><title>Sign in | Slack</title></head><body>Sign in to your workspace</body></html>';

export function createFiles(server: FakeServer, world: World, now: () => number) {
  let sequence = 0;

  function upload(input: FakeFileInput): SlackFileObject {
    const user = world.users.get(input.userId);
    if (!user) throw new Error(`fake Slack has no user ${input.userId}`);
    const workspace = world.workspaceOrThrow(user.teamId);
    sequence += 1;
    const id = `F${String(sequence).padStart(10, '0')}`;
    const filetype = fileTypeOf(input.name);
    const [mimetype, pretty] = TYPES[filetype] ?? ['application/octet-stream', 'Binary'];
    const name = encodeURIComponent(input.name);
    const base = `${server.url}/files-pri/${workspace.id}-${id}`;
    const created = Math.floor(now() / 1000);
    const object: SlackFileObject = {
      id,
      created,
      timestamp: created,
      name: input.name,
      title: input.title ?? input.name,
      mimetype: input.mimetype ?? mimetype,
      filetype,
      pretty_type: pretty,
      user: user.id,
      user_team: workspace.id,
      editable: false,
      size: input.data.byteLength,
      mode: 'hosted',
      is_external: false,
      external_type: '',
      is_public: false,
      public_url_shared: false,
      display_as_bot: false,
      username: '',
      url_private: `${base}/${name}`,
      url_private_download: `${base}/download/${name}`,
      permalink: `https://${workspace.domain}.slack.com/files/${user.id}/${id}/${name}`,
      file_access: 'visible',
      has_rich_preview: false,
    };
    world.files.set(id, { teamId: workspace.id, object, data: input.data });
    return object;
  }

  /** The bytes for a token of the file's workspace with `files:read`; the sign-in page otherwise. */
  function serve(request: RecordedRequest, key: string): FakeReply {
    const [teamId = '', fileId = ''] = key.split('-');
    const file = world.files.get(fileId);
    if (!file || file.teamId !== teamId) return { status: 404, text: 'File not found' };
    const token = /^Bearer\s+(.+)$/iu.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const caller = world.resolveToken(token);
    const allowed =
      typeof caller !== 'string' &&
      caller.kind !== 'app' &&
      caller.workspace.id === file.teamId &&
      (caller.kind === 'user' || caller.workspace.scopes.includes(FILES_READ));
    if (!allowed) {
      return { status: 302, headers: { location: `/?redir=${encodeURIComponent(request.path)}` } };
    }
    return {
      status: 200,
      headers: { 'content-type': file.object.mimetype },
      body: Buffer.from(file.data),
    };
  }

  server.on('GET', '/files-pri/:key/:name', (request, { key = '' }) => serve(request, key));
  server.on('GET', '/files-pri/:key/download/:name', (request, { key = '' }) => serve(request, key));
  server.on('GET', '/', () => ({
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    text: SIGN_IN_PAGE,
  }));

  return {
    upload,
    /** Slack's file objects for ids, throwing on an unknown one (a test mistake). */
    objects(ids: readonly string[]): SlackFileObject[] {
      return ids.map((id) => {
        const file = world.files.get(id);
        if (!file) throw new Error(`fake Slack has no file ${id}`);
        return file.object;
      });
    },
  };
}

export type Files = ReturnType<typeof createFiles>;
