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

export interface FormStash {
  /** Keeps the form for `userId` and returns the custom_id of the button that opens it. */
  put(form: Form, userId: string): string;
  /** The form behind a button, for the person it was made for, while it lasts. */
  get(customId: string, userId: string): Form | undefined;
  owns(customId: string): boolean;
}

export interface FormStashOptions {
  /** How long the button works: less than the 15 minutes an interaction token lasts. */
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export function createFormStash(options: FormStashOptions = {}): FormStash {
  const ttlMs = options.ttlMs ?? 14 * 60_000;
  const maxEntries = options.maxEntries ?? 1_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { form: Form; userId: string; expiresAt: number }>();

  const prune = () => {
    for (const [key, entry] of entries) if (entry.expiresAt <= now()) entries.delete(key);
    // Oldest first (insertion order): a flood of forms cannot grow the map without bound.
    for (const key of entries.keys()) {
      if (entries.size < maxEntries) break;
      entries.delete(key);
    }
  };

  return {
    put(form, userId) {
      prune();
      const customId = `${FORM_BUTTON_PREFIX}${randomBytes(8).toString('hex')}`;
      entries.set(customId, { form, userId, expiresAt: now() + ttlMs });
      return customId;
    },
    get(customId, userId) {
      const entry = entries.get(customId);
      if (!entry || entry.expiresAt <= now() || entry.userId !== userId) return undefined;
      return entry.form;
    },
    owns: (customId) => customId.startsWith(FORM_BUTTON_PREFIX),
  };
}

/** The private message that stands in for a form: a button that opens it. */
export function formPrompt(form: Form, customId: string): Reply {
  return reply.info('Herald needs a few details to go on. Press the button to fill them in.', {
    title: form.title,
    buttons: [{ actionId: customId, label: `Open: ${form.title}`, style: 'primary' }],
  });
}

export const expiredForm = (): Reply =>
  reply.warning('This form is no longer available (it expired, or Herald restarted). Run the command again.');
