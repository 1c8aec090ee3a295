/**
 * Running an admin's regular expression against post text without letting a hostile pattern stall
 * the worker: the match runs in a V8 context with a time limit, which interrupts catastrophic
 * backtracking (`(a+)+$`), and the input is capped in length.
 */
import { Script, createContext, type Context } from 'node:vm';

export const REGEX_TIME_LIMIT_MS = 50;
const MAX_INPUT_LENGTH = 20_000;
const MAX_PATTERN_LENGTH = 500;

export type RegexCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether `pattern` is a usable filter: compiles with Unicode and case-insensitive flags, not too long. */
export function checkPattern(pattern: string): RegexCheck {
  if (pattern.length > MAX_PATTERN_LENGTH)
    return { ok: false, reason: `longer than ${MAX_PATTERN_LENGTH} characters` };
  try {
    new RegExp(pattern, 'iu');
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message.replace(/^Invalid regular expression: /, '') };
  }
}

export type RegexOutcome = 'match' | 'no-match' | 'timed-out' | 'invalid';

const script = new Script('result = new RegExp(pattern, "iu").test(input)');
let context: Context | undefined;

/** Test `pattern` against `input` within REGEX_TIME_LIMIT_MS. */
export function testWithTimeLimit(
  pattern: string,
  input: string,
  timeLimitMs = REGEX_TIME_LIMIT_MS,
): RegexOutcome {
  if (!checkPattern(pattern).ok) return 'invalid';
  context ??= createContext({ pattern: '', input: '', result: false });
  context.pattern = pattern;
  context.input = input.slice(0, MAX_INPUT_LENGTH);
  context.result = false;
  try {
    script.runInContext(context, { timeout: timeLimitMs });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timed-out';
    return 'invalid';
  }
  return context.result === true ? 'match' : 'no-match';
}
