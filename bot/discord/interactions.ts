/**
 * What Herald does with each INTERACTION_CREATE: slash commands and buttons and modal submissions go
 * to the command core (`runCommand` / `runAction`), answered by the responder; "Publish to social" on
 * a message runs `post new` with it (publish-from-message.ts); autocomplete asks the core for
 * suggestions. The member's rights are read from each interaction, and the core checks them
 * again on every call, whatever Discord hid or showed.
 */
import {
  ApplicationCommandOptionType,
  ComponentType,
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { Logger } from '../../core/logger.js';
import type { RawInput } from '../commands/command.js';
import type { CommandContext, CommandDeps } from '../commands/context.js';
import { findCommand, runAction, runCommand, type Catalogue } from '../commands/dispatch.js';
import { buildContext, isAdmin } from './context.js';
import { createFormStash, expiredForm, type FormStash } from './form-stash.js';
import { attachmentValue } from './message-commands.js';
import { createPublishFromMessage } from './publish-from-message.js';
import { fit, renderModal, renderReply } from './render.js';
import { createResponder, describeError, type Answerable } from './respond.js';

/** The core's autocomplete: Herald's accounts or feeds matching what was typed so far. */
export type Suggest = (
  ctx: CommandContext,
  kind: 'account' | 'feed',
  query: string,
) => Promise<readonly { readonly name: string; readonly value: string }[]>;

export interface InteractionHandlerOptions {
  readonly catalogue: Catalogue;
  readonly suggest: Suggest;
  readonly deps: CommandDeps;
  readonly logger: Logger;
  /** See `createResponder`. */
  readonly deferAfterMs?: number;
  readonly forms?: FormStash;
}

/** Discord's limits for autocomplete: 25 choices, names and values of 1–100 characters. */
const MAX_CHOICES = 25;
const CHOICE_MAX = 100;

const SUBCOMMAND_TYPES: readonly ApplicationCommandOptionType[] = [
  ApplicationCommandOptionType.Subcommand,
  ApplicationCommandOptionType.SubcommandGroup,
];

/** Option values by name, subcommands flattened; channels and roles arrive as their ids, files as JSON. */
export function rawOptions(options: readonly CommandInteractionOption[]): RawInput {
  const raw: Record<string, string | number | boolean> = {};
  const walk = (list: readonly CommandInteractionOption[]) => {
    for (const option of list) {
      if (SUBCOMMAND_TYPES.includes(option.type)) walk(option.options ?? []);
      else if (option.type === ApplicationCommandOptionType.Attachment && option.attachment) {
        raw[option.name] = attachmentValue(option.attachment);
      } else if (option.value !== undefined && option.value !== null) raw[option.name] = option.value;
    }
  };
  walk(options);
  return raw;
}

function modalValues(interaction: ModalSubmitInteraction): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [id, field] of interaction.fields.fields) {
    if (field.type === ComponentType.TextInput) values[id] = field.value;
  }
  return values;
}

export function createInteractionHandler(
  options: InteractionHandlerOptions,
): (interaction: Interaction) => Promise<void> {
  const { catalogue, deps, logger } = options;
  const forms = options.forms ?? createFormStash();
  const responder = createResponder({
    forms,
    logger,
    ...(options.deferAfterMs === undefined ? {} : { deferAfterMs: options.deferAfterMs }),
  });
  const fromMessage = createPublishFromMessage({ catalogue, deps, responder });

  const onCommand = (interaction: ChatInputCommandInteraction<'cached'>) => {
    const path = [interaction.commandName, interaction.options.getSubcommand(true)];
    const raw = rawOptions(interaction.options.data);
    return responder.answer(interaction, async () =>
      runCommand(catalogue, await buildContext(interaction, deps), path, raw),
    );
  };

  const onButton = async (interaction: ButtonInteraction<'cached'>) => {
    if (!forms.owns(interaction.customId)) {
      return responder.answer(interaction, async () =>
        runAction(catalogue, await buildContext(interaction, deps), interaction.customId),
      );
    }
    const form = forms.get(interaction.customId, interaction.user.id);
    if (form) await interaction.showModal(renderModal(form));
    else await interaction.reply({ ...renderReply(expiredForm()), flags: MessageFlags.Ephemeral });
  };

  const onModal = (interaction: ModalSubmitInteraction<'cached'>) =>
    fromMessage.owns(interaction.customId)
      ? fromMessage.onTextForm(interaction, modalValues(interaction))
      : responder.answer(interaction, async () =>
          runAction(
            catalogue,
            await buildContext(interaction, deps),
            interaction.customId,
            modalValues(interaction),
          ),
        );

  async function onAutocomplete(interaction: AutocompleteInteraction<'cached'>): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const command = findCommand(catalogue, [
      interaction.commandName,
      interaction.options.getSubcommand(false) ?? '',
    ]);
    const spec = command?.options.find((option) => option.name === focused.name);
    // Members are not shown the accounts and feeds of commands only admins may run.
    if (!command || !spec || (command.requires === 'admin' && !isAdmin(interaction))) {
      return interaction.respond([]);
    }
    if (spec.kind !== 'account' && spec.kind !== 'feed') return interaction.respond([]);
    const ctx = await buildContext(interaction, deps);
    const found = await options.suggest(ctx, spec.kind, String(focused.value));
    const choices = found
      .filter((choice) => choice.value.length >= 1 && choice.value.length <= CHOICE_MAX)
      .slice(0, MAX_CHOICES)
      .map((choice) => ({ name: fit(choice.name || choice.value, CHOICE_MAX), value: choice.value }));
    await interaction.respond(choices);
  }

  async function route(interaction: Interaction<'cached'>): Promise<void> {
    if (interaction.isChatInputCommand()) return onCommand(interaction);
    if (interaction.isMessageContextMenuCommand()) return fromMessage.onCommand(interaction);
    if (interaction.isAutocomplete()) return onAutocomplete(interaction);
    if (interaction.isButton()) return onButton(interaction);
    if (interaction.isModalSubmit()) return onModal(interaction);
  }

  async function outsideGuild(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete()) await interaction.respond([]);
    else if (interaction.isRepliable()) {
      const text = 'Herald works inside a Discord server it has joined. Run its commands there.';
      await interaction.reply({
        content: text,
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      });
    }
  }

  return async (interaction) => {
    try {
      if (interaction.inCachedGuild()) await route(interaction);
      else await outsideGuild(interaction);
    } catch (err) {
      if (interaction.inCachedGuild() && isAnswerable(interaction)) {
        await responder.fail(interaction, err);
      } else {
        const where = {
          interactionId: interaction.id,
          guildId: interaction.guildId,
          userId: interaction.user.id,
        };
        logger.error({ ...where, err: describeError(err) }, 'discord interaction failed');
      }
    }
  };
}

function isAnswerable(interaction: Interaction<'cached'>): interaction is Answerable {
  return (
    interaction.isChatInputCommand() ||
    interaction.isMessageContextMenuCommand() ||
    interaction.isButton() ||
    interaction.isModalSubmit()
  );
}
