/**
 * One command, defined once for every chat platform and the CLI: where it sits (`feed add`), what it
 * takes (option specs for the adapters' forms and menus, and a zod schema that is the only parser of
 * what arrives), who may run it, and a handler that returns a neutral `CommandResult`. Handlers see
 * no discord.js or Bolt type: only the `CommandContext`.
 */
import type { z } from 'zod';
import type { CommandContext } from './context.js';
import type { CommandResult } from './reply.js';

/**
 * What an option holds. `account` and `feed` are Herald ids the adapters offer with autocomplete;
 * `channel` and `role` are the chat platform's ids, picked with its own pickers; `attachment` is a
 * file the person attached (the adapter passes `{ url, fileName, contentType, size }` as JSON) or a
 * URL typed where the platform has no file picker.
 */
export type OptionKind =
  'string' | 'integer' | 'boolean' | 'channel' | 'role' | 'account' | 'feed' | 'attachment';

export interface OptionSpec {
  /** As typed: lower-case words joined by '-' (`min-engagement`). */
  readonly name: string;
  readonly kind: OptionKind;
  readonly description: string;
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly maxLength?: number;
  /** A comma-separated list whose items may be "quoted" (adapters keep the quotes for the splitter). */
  readonly list?: boolean;
  readonly choices?: readonly { readonly name: string; readonly value: string }[];
}

/** Raw option values as an adapter collected them, keyed by option name. */
export type RawInput = Readonly<Record<string, string | number | boolean | undefined>>;

/** admin: configuration; publisher: admins, or members of the tenant's publisher role; member: anyone. */
export type Requirement = 'admin' | 'publisher' | 'member';

export interface Command {
  /** Group and name: `['feed', 'add']`. */
  readonly path: readonly [string, string];
  readonly description: string;
  readonly options: readonly OptionSpec[];
  readonly requires: Requirement;
  /** One example of the command as typed, for help and for error messages. */
  readonly example: string;
  run(ctx: CommandContext, raw: RawInput): Promise<CommandResult>;
}

export interface CommandDefinition<S extends z.ZodType<unknown, RawInput>> {
  readonly path: readonly [string, string];
  readonly description: string;
  readonly options: readonly OptionSpec[];
  readonly input: S;
  readonly requires: Requirement;
  readonly example: string;
  run(ctx: CommandContext, input: z.output<S>): Promise<CommandResult>;
}

/** Thrown by `run` when the raw input does not parse; the dispatcher turns it into a reply. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
  }
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const option = issue.path.map(String).join('.');
    return option ? `${option}: ${issue.message}` : issue.message;
  });
}

/** A command whose handler receives its input already parsed by the command's own schema. */
export function defineCommand<S extends z.ZodType<unknown, RawInput>>(
  definition: CommandDefinition<S>,
): Command {
  return {
    path: definition.path,
    description: definition.description,
    options: definition.options,
    requires: definition.requires,
    example: definition.example,
    async run(ctx, raw) {
      const parsed = definition.input.safeParse(raw);
      if (!parsed.success) throw new InputError(describeIssues(parsed.error));
      return definition.run(ctx, parsed.data);
    },
  };
}

/**
 * What a button press or a form submission runs: `<id>:<args…>` arrives from the adapter, the
 * arguments split on ':'. Checked for permission like a command.
 */
export interface CommandAction {
  readonly id: string;
  readonly requires: Requirement;
  run(
    ctx: CommandContext,
    args: readonly string[],
    form?: Readonly<Record<string, string>>,
  ): Promise<CommandResult>;
}

export const commandName = (command: Pick<Command, 'path'>): string => command.path.join(' ');
