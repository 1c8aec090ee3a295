/**
 * Discord's wire conventions shared by the fake's routes: JSON error bodies `{ message, code, errors? }`,
 * 17–19-digit snowflakes stamped with the fake's clock, its timestamp format, and request bodies sent as
 * JSON or as multipart with `payload_json` (what @discordjs/rest sends when a message has files).
 * @see https://discord.com/developers/docs/reference#error-messages
 * @see https://discord.com/developers/docs/reference#snowflakes
 */
import type { FakeReply, RecordedRequest } from '../fake-server.js';

export const API_PREFIX = '/api/v10';
export const DISCORD_EPOCH = 1_420_070_400_000n;

export type Json = Record<string, unknown>;
export type FieldError = { readonly code: string; readonly message: string };
/** Discord's nested error tree: keys are field names or array indexes, leaves carry `_errors`. */
export interface ErrorTree {
  [key: string]: ErrorTree | FieldError[];
}

export const discordError = (status: number, message: string, code: number, extra: Json = {}): FakeReply => ({
  status,
  json: { message, code, ...extra },
});

export const invalidForm = (errors: ErrorTree): FakeReply =>
  discordError(400, 'Invalid Form Body', 50035, { errors });

export const unauthorized = (): FakeReply => discordError(401, '401: Unauthorized', 0);
export const missingAccess = (): FakeReply => discordError(403, 'Missing Access', 50001);
export const missingPermissions = (): FakeReply => discordError(403, 'Missing Permissions', 50013);

/** Adds an error at `path` (`['0', 'options', '2', 'name']`) of a Discord error tree. */
export function addFieldError(tree: ErrorTree, path: readonly string[], error: FieldError): void {
  let node = tree;
  for (const key of path) {
    const next = node[key];
    if (next === undefined || Array.isArray(next)) node[key] = {};
    node = node[key] as ErrorTree;
  }
  const errors = (node._errors ?? []) as FieldError[];
  node._errors = [...errors, error];
}

export const tooLong = (max: number): FieldError => ({
  code: 'BASE_TYPE_MAX_LENGTH',
  message: `Must be ${max} or fewer in length.`,
});
export const badLength = (min: number, max: number): FieldError => ({
  code: 'BASE_TYPE_BAD_LENGTH',
  message: `Must be between ${min} and ${max} in length.`,
});

export const compareIds = (a: string, b: string): number =>
  BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;

/** Discord's timestamp format: microseconds and an explicit offset. */
export const discordTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '000+00:00');

/** When a snowflake was made, in Unix milliseconds. */
export const snowflakeTime = (id: string): number => Number((BigInt(id) >> 22n) + DISCORD_EPOCH);

/** Snowflakes from the fake's clock; the increment keeps ids made in one millisecond distinct. */
export function createSnowflakes(now: () => number): (ms?: number) => string {
  let increment = 0n;
  return (ms = now()) => {
    increment = (increment + 1n) % 4096n;
    return (((BigInt(ms) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
  };
}

/**
 * The JSON body of a request, or of the `payload_json` part of a multipart one. `undefined` when the
 * body is not JSON (Discord answers 50109 then). An empty body reads as `{}`.
 */
export async function readBody(request: RecordedRequest): Promise<Json | unknown[] | undefined> {
  const type = String(request.headers['content-type'] ?? '');
  try {
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(request.body, { headers: { 'content-type': type } }).formData();
      const payload = form.get('payload_json');
      return typeof payload === 'string' ? (JSON.parse(payload) as Json) : {};
    }
    if (request.body.length === 0) return {};
    return JSON.parse(request.text()) as Json | unknown[];
  } catch {
    return undefined;
  }
}

export const invalidJson = (): FakeReply =>
  discordError(400, 'The request body contains invalid JSON.', 50109);

export type ParsedBody<T> =
  { readonly body: T; readonly reply?: undefined } | { readonly body?: undefined; readonly reply: FakeReply };

/** A body that must be a JSON object: the object, or the 50109 answer to send instead. */
export async function readObject(request: RecordedRequest): Promise<ParsedBody<Json>> {
  const body = await readBody(request);
  return body === undefined || Array.isArray(body) ? { reply: invalidJson() } : { body };
}
