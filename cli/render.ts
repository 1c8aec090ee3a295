/**
 * `herald render <fixture.json> --for discord|slack`: prints the message Herald would send for a
 * SocialPost, to paste into Discord's or Slack's own message builder and look at it.
 */
import { readFile } from 'node:fs/promises';
import { CHAT_PLATFORMS, type ChatPlatform } from '../core/platforms.js';
import { HeraldError } from '../core/errors.js';
import { socialPostSchema, type SocialPost } from '../core/social-post.js';
import { toDiscordMessage, toSlackMessage } from '../embeds/index.js';
import { writeOut } from './output.js';

export type RenderTarget = ChatPlatform;

const INPUT_INVALID = 'input-invalid';

function invalid(message: string, hint: string, cause?: unknown): HeraldError {
  return new HeraldError(INPUT_INVALID, message, { hint, cause });
}

/** The `--for` value as a target. @throws HeraldError naming the choices. */
export function parseRenderTarget(value: string): RenderTarget {
  if ((CHAT_PLATFORMS as readonly string[]).includes(value)) return value as RenderTarget;
  throw invalid(`--for must be one of ${CHAT_PLATFORMS.join(', ')}, not "${value}".`, 'Try --for discord.');
}

async function readPost(file: string): Promise<SocialPost> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err);
    throw invalid(`Cannot read ${file}: ${reason}.`, 'Pass the path of a SocialPost JSON file.', err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(`${file} is not JSON: ${(err as Error).message}.`, 'Fix the syntax and try again.', err);
  }
  const result = socialPostSchema.safeParse(json);
  if (!result.success) {
    const [issue] = result.error.issues;
    const path = issue === undefined || issue.path.length === 0 ? '(the top level)' : issue.path.join('.');
    throw invalid(
      `${file} is not a valid SocialPost: ${path}: ${(issue?.message ?? 'invalid').replace(/\.$/u, '')}.`,
      'See core/social-post.ts for the shape, or test/fixtures/posts/ for examples.',
      result.error,
    );
  }
  return result.data;
}

/** Reads, validates and renders `file`, printing the payload as pretty JSON. */
export async function renderCommand(file: string, target: RenderTarget): Promise<void> {
  const post = await readPost(file);
  const payload = target === 'discord' ? toDiscordMessage(post) : toSlackMessage(post);
  writeOut(JSON.stringify(payload, null, 2));
}
