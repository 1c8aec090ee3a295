/**
 * What a person enters in a modal, as Slack's client reports it in `view.state.values`: every input
 * block's element under its block id and action id, starting from the element's initial value, in
 * the shape of its type (`value`, `selected_options`, `files`, `selected_date_time`). Slack's client
 * checks a few things itself before it submits anything: a required field left empty, a text over
 * its `max_length`, more files than `max_files` or of a type `filetypes` does not list. The fake
 * refuses those as the client would, so a test cannot send what no person could.
 * @see https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload#view_submission
 */
import type { ViewStateValue } from '@slack/bolt';
import { fileTypeOf, type Files } from './files.js';
import { isRecord, text } from './wire.js';
import type { SlackView } from './world.js';

/**
 * One field as a test fills it in: text for a text input, option values for checkboxes and
 * multi-selects, file ids (from `uploadFile`) for a file input, a Date or Unix seconds for a
 * date-time picker; `null` clears it.
 */
export type ViewInput = string | readonly string[] | number | Date | null;

/** The person could not have submitted this: Slack's client stops it before any request. */
export class SlackClientRefusal extends Error {
  override name = 'SlackClientRefusal';
}

type StateValues = Record<string, Record<string, ViewStateValue>>;

interface InputBlock {
  readonly blockId: string;
  readonly label: string;
  readonly optional: boolean;
  readonly element: Record<string, unknown>;
}

function inputBlocks(view: SlackView): InputBlock[] {
  return view.blocks.filter(isRecord).flatMap((block) => {
    if (block.type !== 'input' || !isRecord(block.element)) return [];
    const label = isRecord(block.label) ? (text(block.label.text) ?? '') : '';
    return [
      {
        blockId: text(block.block_id) ?? '',
        label,
        optional: block.optional === true,
        element: block.element,
      },
    ];
  });
}

const optionsOf = (element: Record<string, unknown>) =>
  (Array.isArray(element.options) ? element.options : []).filter(isRecord);

function pickOptions(block: InputBlock, values: readonly string[]) {
  return values.map((value) => {
    const option = optionsOf(block.element).find((candidate) => candidate.value === value);
    if (!option) throw new Error(`"${block.label}" has no option with the value ${value}`);
    return option as unknown as NonNullable<ViewStateValue['selected_options']>[number];
  });
}

/** The element's value before the person changes anything. */
function initial(block: InputBlock): ViewStateValue {
  const { element } = block;
  const type = String(element.type);
  switch (type) {
    case 'plain_text_input':
      return { type, value: text(element.initial_value) ?? null };
    case 'checkboxes':
    case 'multi_static_select':
      return {
        type,
        selected_options: (Array.isArray(element.initial_options)
          ? element.initial_options
          : []) as ViewStateValue['selected_options'],
      };
    case 'file_input':
      return { type, files: [] };
    case 'datetimepicker':
      return {
        type,
        selected_date_time: typeof element.initial_date_time === 'number' ? element.initial_date_time : null,
      };
    default:
      throw new Error(`the fake does not fill ${type} elements yet`);
  }
}

function entered(block: InputBlock, input: ViewInput, files: Files): ViewStateValue {
  const type = String(block.element.type);
  const list = input === null ? [] : Array.isArray(input) ? (input as readonly string[]) : undefined;
  switch (type) {
    case 'plain_text_input':
      if (input !== null && typeof input !== 'string') throw new Error(`"${block.label}" takes text`);
      return { type, value: input === '' ? null : input };
    case 'checkboxes':
    case 'multi_static_select':
      if (!list) throw new Error(`"${block.label}" takes a list of option values`);
      return { type, selected_options: pickOptions(block, list) };
    case 'file_input':
      if (!list) throw new Error(`"${block.label}" takes a list of file ids`);
      return { type, files: files.objects(list) as unknown as ViewStateValue['files'] };
    case 'datetimepicker': {
      if (input !== null && typeof input !== 'number' && !(input instanceof Date))
        throw new Error(`"${block.label}" takes a Date or Unix seconds`);
      const seconds = input instanceof Date ? Math.floor(input.getTime() / 1000) : input;
      return { type, selected_date_time: seconds };
    }
    default:
      throw new Error(`the fake does not fill ${type} elements yet`);
  }
}

const isEmpty = (value: ViewStateValue) =>
  (value.value ?? null) === null &&
  (value.selected_options ?? []).length === 0 &&
  (value.files ?? []).length === 0 &&
  (value.selected_date_time ?? null) === null;

/** What Slack's client checks before submitting; the reason it would not, or undefined. */
function clientRefusal(block: InputBlock, value: ViewStateValue): string | undefined {
  if (!block.optional && isEmpty(value)) return `"${block.label}" is required`;
  const maxLength = block.element.max_length;
  if (typeof maxLength === 'number' && (value.value ?? '').length > maxLength)
    return `"${block.label}" takes at most ${maxLength} characters`;
  const uploaded = value.files ?? [];
  const maxFiles = typeof block.element.max_files === 'number' ? block.element.max_files : 10;
  if (uploaded.length > maxFiles) return `"${block.label}" takes at most ${maxFiles} files`;
  const types = Array.isArray(block.element.filetypes) ? block.element.filetypes : undefined;
  const wrong = types ? uploaded.find((file) => !types.includes(fileTypeOf(file.name))) : undefined;
  if (wrong) return `"${block.label}" does not take ${wrong.name}`;
  return undefined;
}

/** `state.values` for a submission of `view` with `input` (block id → what the person entered). */
export function buildViewState(
  view: SlackView,
  input: Readonly<Record<string, ViewInput>>,
  files: Files,
): StateValues {
  const blocks = inputBlocks(view);
  for (const blockId of Object.keys(input)) {
    if (!blocks.some((block) => block.blockId === blockId))
      throw new Error(`view ${view.id} has no input block ${blockId}`);
  }
  const values: StateValues = {};
  for (const block of blocks) {
    const given = input[block.blockId];
    const value = given === undefined ? initial(block) : entered(block, given, files);
    const refusal = clientRefusal(block, value);
    if (refusal) throw new SlackClientRefusal(`Slack would not submit the form: ${refusal}`);
    const actionId = text(block.element.action_id) ?? block.blockId;
    values[block.blockId] = { [actionId]: value };
  }
  return values;
}
