/**
 * The Web API's wire format: arguments from the query and a form or JSON body (complex fields as
 * JSON text inside a form, as WebClient sends them), and Slack's envelopes: `{ ok: true, … }` or
 * `{ ok: false, error }` at HTTP 200, with `response_metadata.messages` for `invalid_arguments`.
 * @see https://docs.slack.dev/apis/web-api/
 */
import type { RecordedRequest } from '../fake-server.js';
import type { SlackMessageMetadata } from './messages.js';

export type Args = Readonly<Record<string, unknown>>;
export type SlackBody = Record<string, unknown>;

export const MAX_MESSAGE_BLOCKS = 50;
/** Modals and Home tabs take twice the blocks of a message. */
export const MAX_VIEW_BLOCKS = 100;

export const flag = (value: unknown) => value === true || value === 'true' || value === '1' || value === 1;
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const error = (code: string, extra: SlackBody = {}): SlackBody => ({
  ok: false,
  error: code,
  ...extra,
});

/** Slack's answer to arguments it can read but not accept, with the reasons it gives. */
export const invalidArguments = (...messages: string[]): SlackBody =>
  error('invalid_arguments', { response_metadata: { messages } });

/** A complex argument: JSON text in a form body, a value in a JSON body. `undefined` when absent. */
export function structured(value: unknown): { value: unknown } | 'invalid' | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return { value };
  try {
    return { value: JSON.parse(value) as unknown };
  } catch {
    return 'invalid';
  }
}

const isBlockList = (value: unknown): value is readonly unknown[] =>
  Array.isArray(value) && value.every((block) => isRecord(block) && typeof block.type === 'string');

export function readBlocks(value: unknown): readonly unknown[] | 'invalid' | undefined {
  const parsed = structured(value);
  if (parsed === undefined || parsed === 'invalid') return parsed;
  const blocks = parsed.value;
  if (!isBlockList(blocks) || blocks.length > MAX_MESSAGE_BLOCKS) return 'invalid';
  return blocks;
}

export function readMetadata(value: unknown): SlackMessageMetadata | 'invalid' | undefined {
  const parsed = structured(value);
  if (parsed === undefined || parsed === 'invalid') return parsed;
  const metadata = parsed.value;
  if (!isRecord(metadata) || typeof metadata.event_type !== 'string' || !metadata.event_type)
    return 'invalid';
  if (!isRecord(metadata.event_payload)) return 'invalid';
  return { event_type: metadata.event_type, event_payload: metadata.event_payload };
}

/** A view argument that is an object with a type and a list of blocks, or the reasons it is not. */
export function readView(value: unknown): Record<string, unknown> | string[] {
  const parsed = structured(value);
  if (parsed === undefined) return ['[ERROR] missing required field: view'];
  if (parsed === 'invalid' || !isRecord(parsed.value)) return ['[ERROR] failed to parse view'];
  const view = parsed.value;
  const problems: string[] = [];
  if (typeof view.type !== 'string')
    problems.push('[ERROR] missing required field: type [json-pointer:/view]');
  if (!isBlockList(view.blocks)) problems.push('[ERROR] invalid blocks [json-pointer:/view/blocks]');
  else if (view.blocks.length > MAX_VIEW_BLOCKS)
    problems.push(`[ERROR] must provide at most ${MAX_VIEW_BLOCKS} items [json-pointer:/view/blocks]`);
  return problems.length > 0 ? problems : view;
}

/** The call's arguments from the query and the body, or the Slack error for an unreadable body. */
export function readArgs(request: RecordedRequest): Args | string {
  const query = Object.fromEntries(request.query);
  if (request.body.length === 0) return query;
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    try {
      const body: unknown = request.json();
      return isRecord(body) ? { ...query, ...body } : 'invalid_json';
    } catch {
      return 'invalid_json';
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { ...query, ...Object.fromEntries(request.form()) };
  }
  return 'invalid_form_data';
}
