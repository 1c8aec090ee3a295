/**
 * Failures a handler reports to the person who ran the command. The dispatcher renders them as a
 * private error reply; anything else is a bug, logged with a reference the reply quotes.
 */
export type CommandErrorKind = 'not-found' | 'invalid' | 'conflict' | 'forbidden' | 'unavailable';

export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    readonly kind: CommandErrorKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}
