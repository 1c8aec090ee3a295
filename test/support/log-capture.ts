/**
 * A pino destination that keeps every line in memory, for asserting on what was (not) logged.
 */
import { createLogger, type Logger } from '../../core/logger.js';
import type { LogLevel } from '../../core/config.js';

export interface CapturedLogs {
  readonly logger: Logger;
  readonly lines: string[];
  /** Parsed log events. */
  events(): Array<Record<string, unknown>>;
}

export function captureLogs(level: LogLevel = 'trace'): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger({ level, format: 'json' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines, events: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
