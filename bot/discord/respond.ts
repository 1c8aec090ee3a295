/**
 * Answering a command, a button or a modal within Discord's 3 seconds, whatever the core returns.
 *
 * Defer or modal: Discord opens a modal only as the *first* answer, and a command cannot say ahead
 * whether it will return a `Form`. So the work starts first and races a short timer (2 s, leaving
 * a second of Discord's 3 for the round trip):
 * - done in time: a `Form` opens as a modal; a `Reply` is sent at once, private or not as it says;
 * - still running: defer (private, "Herald is thinking…"), then edit in the `Reply`. A public reply
 *   goes out as a follow-up and the private placeholder is deleted. A `Form` that arrives after the
 *   defer (or in answer to a modal, which cannot open another) becomes a button that opens it.
 * See docs/adr/005-discord-defer-or-modal.md.
 */
import { randomBytes } from 'node:crypto';
import {
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type MessageContextMenuCommandInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { Logger } from '../../core/logger.js';
import { reply, type CommandResult, type Reply } from '../commands/reply.js';
import { formPrompt, type FormStash } from './form-stash.js';
import { renderModal, renderReply } from './render.js';

export type Answerable =
  | ChatInputCommandInteraction<'cached'>
  | MessageContextMenuCommandInteraction<'cached'>
  | ButtonInteraction<'cached'>
  | ModalSubmitInteraction<'cached'>;

export interface Responder {
  /** Runs `work` and answers with what it returns; never throws. */
  answer(interaction: Answerable, work: () => Promise<CommandResult>): Promise<void>;
  /** Tells the person something broke, with a reference to find in the log; never throws. */
  fail(interaction: Answerable, err: unknown): Promise<void>;
}

export interface ResponderOptions {
  readonly forms: FormStash;
  readonly logger: Logger;
  /** How long the work may run before the answer is deferred. Default 2,000 ms. */
  readonly deferAfterMs?: number;
}

type Outcome = { readonly result: CommandResult } | { readonly error: unknown };

const TOKEN_IN_PATH = /\/(interactions|webhooks)\/(\d+)\/[^/?\s]+/g;

/** An error as a log line may hold it: interaction tokens (they sit in Discord's URLs) cut out. */
export function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const clean = (text: string | undefined) => text?.replace(TOKEN_IN_PATH, '/$1/$2/[REDACTED]');
  const extra = err as Error & { code?: unknown; status?: unknown; method?: unknown; url?: unknown };
  return {
    type: err.name,
    message: clean(err.message),
    ...(extra.code === undefined ? {} : { code: extra.code }),
    ...(typeof extra.status === 'number' ? { status: extra.status } : {}),
    ...(typeof extra.method === 'string' ? { method: extra.method } : {}),
    ...(typeof extra.url === 'string' ? { url: clean(extra.url) } : {}),
    stack: clean(err.stack),
  };
}

const unexpected = (ref: string): Reply =>
  reply.error(
    `Herald hit an unexpected problem (reference ${ref}). Try again; if it keeps happening, the person running Herald can find ${ref} in its log.`,
  );

function settle(work: () => Promise<CommandResult>): Promise<Outcome> {
  return work().then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
}

/** `outcome`, or undefined if `ms` pass first; the timer never outlives the race. */
async function within(outcome: Promise<Outcome>, ms: number): Promise<Outcome | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createResponder(options: ResponderOptions): Responder {
  const { forms, logger } = options;
  const deferAfterMs = options.deferAfterMs ?? 2_000;

  const logFailure = (interaction: Answerable, err: unknown): string => {
    const ref = randomBytes(4).toString('hex');
    const where = {
      interactionId: interaction.id,
      guildId: interaction.guildId,
      userId: interaction.user.id,
    };
    logger.error({ ...where, ref, err: describeError(err) }, 'discord interaction failed');
    return ref;
  };

  /** The `Reply` to send: the result, the stand-in for a form, or the words for a failure. */
  const toReply = (interaction: Answerable, outcome: Outcome): Reply => {
    if ('error' in outcome) return unexpected(logFailure(interaction, outcome.error));
    const { result } = outcome;
    return result.kind === 'form' ? formPrompt(result, forms.put(result, interaction.user.id)) : result;
  };

  async function send(interaction: Answerable, answer: Reply): Promise<void> {
    const message = renderReply(answer);
    if (!interaction.deferred && !interaction.replied) {
      await interaction.reply({ ...message, ...(answer.private ? { flags: MessageFlags.Ephemeral } : {}) });
    } else if (interaction.replied) {
      await interaction.followUp({
        ...message,
        ...(answer.private ? { flags: MessageFlags.Ephemeral } : {}),
      });
    } else if (answer.private) {
      await interaction.editReply(message);
    } else {
      // Deferred privately but the answer is for everyone: post it, then drop the placeholder.
      await interaction.followUp(message);
      await interaction.deleteReply();
    }
  }

  async function answer(interaction: Answerable, work: () => Promise<CommandResult>): Promise<void> {
    try {
      const outcome = settle(work);
      const early = await within(outcome, deferAfterMs);
      if (early && 'result' in early && early.result.kind === 'form' && !interaction.isModalSubmit()) {
        await interaction.showModal(renderModal(early.result));
        return;
      }
      if (!early) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await send(interaction, toReply(interaction, early ?? (await outcome)));
    } catch (err) {
      await fail(interaction, err);
    }
  }

  async function fail(interaction: Answerable, err: unknown): Promise<void> {
    const ref = logFailure(interaction, err);
    try {
      await send(interaction, unexpected(ref));
    } catch (sendErr) {
      // Nothing more can reach the person (the interaction expired, Discord is down): the log has it.
      logger.warn({ ref, err: describeError(sendErr) }, 'discord error reply failed');
    }
  }

  return { answer, fail };
}
