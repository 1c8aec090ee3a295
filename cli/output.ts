/**
 * What the CLI prints for people (as opposed to log lines): errors with their fix, and tables.
 */
import { ConfigError, isHeraldError, ProviderError, type ProviderFailureKind } from '../core/errors.js';
import { redactUrlCredentials } from '../core/logger.js';

export function writeOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

const PROVIDER_KIND_WORDS: Record<ProviderFailureKind, string> = {
  'refresh-token': 'the access token expired: refresh it or reconnect the account',
  'retry-later': 'temporary: try again later',
  'bad-request': 'the request or the answer is wrong: retrying will not help',
  revoked: 'access was revoked: reconnect the account',
};

/** One line saying what is wrong and what to do (a config error lists each problem on its own line). */
export function formatCliError(err: unknown): string {
  if (err instanceof ConfigError) {
    return `herald: the configuration has ${err.problems.length} problem(s):\n${err.problems.map((p) => `  - ${p}`).join('\n')}\n${err.hint ?? ''}`;
  }
  if (err instanceof ProviderError) {
    const hint = err.hint ? ` ${err.hint}` : '';
    return redactUrlCredentials(`herald: ${err.message} (${PROVIDER_KIND_WORDS[err.kind]})${hint}`);
  }
  if (isHeraldError(err))
    return redactUrlCredentials(`herald: ${err.message}${err.hint ? ` ${err.hint}` : ''}`);
  const message = err instanceof Error ? err.message : String(err);
  return redactUrlCredentials(`herald: unexpected error: ${message}`);
}

export function writeError(err: unknown): void {
  process.stderr.write(`${formatCliError(err).trimEnd()}\n`);
}

/** A plain-text table with aligned columns. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
