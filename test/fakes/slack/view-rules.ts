/**
 * The Block Kit rules Slack enforces on a view before showing it, for the blocks and elements
 * Herald uses: unique block ids, known element types, option counts (10 checkboxes, 100 select
 * options), text lengths, `initial_options` that are among the options, `file_input` only in modals.
 * Each broken rule is one reason in Slack's `[ERROR] … [json-pointer:…]` form.
 * @see https://docs.slack.dev/reference/block-kit/blocks
 * @see https://docs.slack.dev/reference/block-kit/block-elements
 * @see https://docs.slack.dev/reference/block-kit/composition-objects/option-object
 */
import { isRecord, text } from './wire.js';

const BLOCK_TYPES = new Set(['section', 'input', 'context', 'header', 'divider', 'actions', 'image']);
const INPUT_ELEMENTS = new Set([
  'plain_text_input',
  'checkboxes',
  'radio_buttons',
  'static_select',
  'multi_static_select',
  'file_input',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'conversations_select',
  'users_select',
]);

const LIMITS = {
  blockId: 255,
  actionId: 255,
  label: 2000,
  hint: 2000,
  sectionText: 3000,
  header: 150,
  contextElements: 10,
  placeholder: 150,
  checkboxes: 10,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  textInput: 3000,
  maxFiles: 10,
} as const;

type Problems = string[];

const at = (pointer: string) => `[json-pointer:${pointer}]`;
const tooLong = (max: number, pointer: string) =>
  `[ERROR] must be less than ${max + 1} characters ${at(pointer)}`;
const tooMany = (max: number, pointer: string) => `[ERROR] must provide at most ${max} items ${at(pointer)}`;

/** A text object's text, or undefined when it is not one of the allowed kinds. */
function textObject(value: unknown, kinds: readonly string[]): string | undefined {
  if (!isRecord(value) || !kinds.includes(String(value.type))) return undefined;
  return text(value.text);
}

function checkText(
  value: unknown,
  kinds: readonly string[],
  max: number,
  pointer: string,
  problems: Problems,
): void {
  const content = textObject(value, kinds);
  if (content === undefined) problems.push(`[ERROR] failed to match all allowed schemas ${at(pointer)}`);
  else if (content.length > max) problems.push(tooLong(max, `${pointer}/text`));
}

function checkOptions(element: Record<string, unknown>, max: number, pointer: string, problems: Problems) {
  const options = Array.isArray(element.options) ? element.options : undefined;
  if (!options || options.length === 0) {
    problems.push(`[ERROR] must provide at least 1 items ${at(`${pointer}/options`)}`);
    return;
  }
  if (options.length > max) problems.push(tooMany(max, `${pointer}/options`));
  const kinds = element.type === 'checkboxes' ? ['plain_text', 'mrkdwn'] : ['plain_text'];
  const values = new Set<string>();
  options.forEach((option: unknown, index) => {
    const where = `${pointer}/options/${index}`;
    if (!isRecord(option)) return problems.push(`[ERROR] invalid option ${at(where)}`);
    checkText(option.text, kinds, LIMITS.optionText, `${where}/text`, problems);
    const value = text(option.value);
    if (value === undefined || value.length > LIMITS.optionValue)
      problems.push(tooLong(LIMITS.optionValue, `${where}/value`));
    else if (values.has(value)) problems.push(`[ERROR] duplicate option value ${at(`${where}/value`)}`);
    else values.add(value);
    if (option.description !== undefined)
      checkText(option.description, kinds, LIMITS.optionDescription, `${where}/description`, problems);
  });
  const initial = element.initial_options;
  if (initial === undefined) return;
  if (!Array.isArray(initial)) return problems.push(`[ERROR] invalid initial_options ${at(pointer)}`);
  const known = new Map(options.filter(isRecord).map((option) => [option.value, JSON.stringify(option)]));
  initial.forEach((option: unknown, index) => {
    const match = isRecord(option) ? known.get(option.value) : undefined;
    if (match === undefined || match !== JSON.stringify(option))
      problems.push(
        `[ERROR] initial_options must be a subset of options ${at(`${pointer}/initial_options/${index}`)}`,
      );
  });
}

function checkElement(element: Record<string, unknown>, pointer: string, modal: boolean, problems: Problems) {
  const type = String(element.type);
  if (!INPUT_ELEMENTS.has(type))
    return problems.push(`[ERROR] failed to match all allowed schemas ${at(`${pointer}/type`)}`);
  const actionId = element.action_id;
  if (actionId !== undefined && (typeof actionId !== 'string' || actionId.length > LIMITS.actionId))
    problems.push(tooLong(LIMITS.actionId, `${pointer}/action_id`));
  if (element.placeholder !== undefined)
    checkText(element.placeholder, ['plain_text'], LIMITS.placeholder, `${pointer}/placeholder`, problems);
  if (type === 'plain_text_input') {
    const max = element.max_length === undefined ? LIMITS.textInput : Number(element.max_length);
    if (!Number.isInteger(max) || max < 1 || max > LIMITS.textInput)
      problems.push(`[ERROR] must be between 1 and ${LIMITS.textInput} ${at(`${pointer}/max_length`)}`);
    const initial = element.initial_value;
    if (initial !== undefined && (typeof initial !== 'string' || initial.length > max))
      problems.push(tooLong(max, `${pointer}/initial_value`));
  }
  if (type === 'checkboxes') checkOptions(element, LIMITS.checkboxes, pointer, problems);
  if (type === 'multi_static_select' || type === 'static_select')
    checkOptions(element, LIMITS.selectOptions, pointer, problems);
  if (type === 'file_input') {
    if (!modal) problems.push(`[ERROR] file_input is only allowed in modals ${at(pointer)}`);
    const maxFiles = element.max_files === undefined ? LIMITS.maxFiles : Number(element.max_files);
    if (!Number.isInteger(maxFiles) || maxFiles < 1 || maxFiles > LIMITS.maxFiles)
      problems.push(`[ERROR] must be between 1 and ${LIMITS.maxFiles} ${at(`${pointer}/max_files`)}`);
    const types = element.filetypes;
    if (types !== undefined && !(Array.isArray(types) && types.every((t) => typeof t === 'string')))
      problems.push(`[ERROR] must be an array of strings ${at(`${pointer}/filetypes`)}`);
  }
  if (type === 'datetimepicker') {
    const initial = element.initial_date_time;
    if (initial !== undefined && !(Number.isInteger(initial) && Number(initial) >= 0))
      problems.push(`[ERROR] must be a unix timestamp ${at(`${pointer}/initial_date_time`)}`);
  }
}

function checkBlock(block: Record<string, unknown>, pointer: string, modal: boolean, problems: Problems) {
  const type = String(block.type);
  if (!BLOCK_TYPES.has(type)) return problems.push(`[ERROR] unsupported type: ${type} ${at(pointer)}`);
  if (type === 'input') {
    checkText(block.label, ['plain_text'], LIMITS.label, `${pointer}/label`, problems);
    if (block.hint !== undefined)
      checkText(block.hint, ['plain_text'], LIMITS.hint, `${pointer}/hint`, problems);
    if (!isRecord(block.element))
      return problems.push(`[ERROR] missing required field: element ${at(pointer)}`);
    checkElement(block.element, `${pointer}/element`, modal, problems);
  }
  if (type === 'section' && block.text !== undefined)
    checkText(block.text, ['plain_text', 'mrkdwn'], LIMITS.sectionText, `${pointer}/text`, problems);
  if (type === 'header') checkText(block.text, ['plain_text'], LIMITS.header, `${pointer}/text`, problems);
  if (type === 'context') {
    const elements = Array.isArray(block.elements) ? block.elements : [];
    if (elements.length === 0) problems.push(`[ERROR] must provide at least 1 items ${at(pointer)}`);
    if (elements.length > LIMITS.contextElements)
      problems.push(tooMany(LIMITS.contextElements, `${pointer}/elements`));
  }
}

/** Every reason Slack would give for refusing the blocks of a view (empty when it would show it). */
export function blockProblems(view: Record<string, unknown>): string[] {
  const problems: Problems = [];
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  const modal = view.type === 'modal';
  const blockIds = new Set<string>();
  blocks.forEach((block: unknown, index) => {
    const pointer = `/view/blocks/${index}`;
    if (!isRecord(block)) return;
    const blockId = block.block_id;
    if (blockId !== undefined) {
      if (typeof blockId !== 'string' || blockId.length > LIMITS.blockId)
        problems.push(tooLong(LIMITS.blockId, `${pointer}/block_id`));
      else if (blockIds.has(blockId))
        problems.push(`[ERROR] duplicate block_id: ${blockId} ${at(`${pointer}/block_id`)}`);
      else blockIds.add(blockId);
    }
    checkBlock(block, pointer, modal, problems);
  });
  return problems;
}
