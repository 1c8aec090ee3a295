/**
 * Reading a request body as JSON within a size limit, and answering with the API's error shape
 * (`{ msg }`), so every handler fails the same way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../server.js';

/** A request the API refuses: its status, its `{ msg, errors? }` body, and headers (Retry-After). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly extra: {
      readonly errors?: ReadonlyArray<{ readonly integration: string; readonly msg: string }>;
      readonly headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(message);
  }
}

export function sendError(res: ServerResponse, error: ApiError): void {
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) res.setHeader(name, value);
  sendJson(res, error.status, {
    msg: error.message,
    ...(error.extra.errors ? { errors: error.extra.errors } : {}),
  });
}

/** The body as JSON; an ApiError (400 or 413) when it is not JSON or too large. */
export async function readJson(
  req: IncomingMessage,
  maxBytes: number,
): Promise<{ value: unknown; raw: Buffer }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new ApiError(413, `The body is larger than ${maxBytes} bytes.`);
    chunks.push(buffer);
  }
  const raw = Buffer.concat(chunks);
  try {
    return { value: JSON.parse(raw.toString('utf8')) as unknown, raw };
  } catch {
    throw new ApiError(400, 'The body is not valid JSON.');
  }
}

/** zod's issues as one sentence: `posts.0.value: needs at least one item; type: must be …`. */
export function describeIssues(
  issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>,
): string {
  return issues
    .map((issue) => {
      const where = issue.path.map(String).join('.');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
