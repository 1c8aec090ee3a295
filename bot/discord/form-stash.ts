/**
 * Forms that could not open as a modal: Discord shows a modal only as the first answer to a command
 * or a button, never after a defer or in answer to a modal. Such a form waits here, in memory, behind
 * an "open the form" button (its custom_id is the stash key); the press opens the modal at once.
 * Lost on restart: pressing an unknown key asks to run the command again.
 */
import { randomBytes } from 'node:crypto';
import { reply, type Form, type Reply } from '../commands/reply.js';

/** Not an action id of the catalogue: these buttons are the adapter's own. */
export const FORM_BUTTON_PREFIX = '~form:';

/** Values kept for one person behind a custom_id (a button's, a modal's) while they last. */
export interface Stash<T> {
  /** Keeps `value` for `userId` and returns the custom_id that finds it again. */
  put(value: T, userId: string): string;
  /** The value behind a custom_id, for the person it was made for, while it lasts. */
  get(customId: string, userId: string): T | undefined;
  owns(customId: string): boolean;
}

export type FormStash = Stash<Form>;

export interface FormStashOptions {
  /** How long an entry lasts: less than the 15 minutes an interaction token lasts. */
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** An in-memory stash whose custom_ids start with `prefix` (never an action id of the catalogue). */
export function createStash<T>(prefix: string, options: FormStashOptions = {}): Stash<T> {
  const ttlMs = options.ttlMs ?? 14 * 60_000;
  const maxEntries = options.maxEntries ?? 1_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: T; userId: string; expiresAt: number }>();

  const prune = () => {
    for (const [key, entry] of entries) if (entry.expiresAt <= now()) entries.delete(key);
    // Oldest first (insertion order): a flood of entries cannot grow the map without bound.
    for (const key of entries.keys()) {
      if (entries.size < maxEntries) break;
      entries.delete(key);
    }
  };

  return {
    put(value, userId) {
      prune();
      const customId = `${prefix}${randomBytes(8).toString('hex')}`;
      entries.set(customId, { value, userId, expiresAt: now() + ttlMs });
      return customId;
    },
    get(customId, userId) {
      const entry = entries.get(customId);
      if (!entry || entry.expiresAt <= now() || entry.userId !== userId) return undefined;
      return entry.value;
    },
    owns: (customId) => customId.startsWith(prefix),
  };
}

export const createFormStash = (options: FormStashOptions = {}): FormStash =>
  createStash<Form>(FORM_BUTTON_PREFIX, options);

/** The private message that stands in for a form: a button that opens it. */
export function formPrompt(form: Form, customId: string): Reply {
  return reply.info('Herald needs a few details to go on. Press the button to fill them in.', {
    title: form.title,
    buttons: [{ actionId: customId, label: `Open: ${form.title}`, style: 'primary' }],
  });
}

export const expiredForm = (): Reply =>
  reply.warning('This form is no longer available (it expired, or Herald restarted). Run the command again.');
