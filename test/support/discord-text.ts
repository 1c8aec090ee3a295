/** What a person reads in a Discord message, for assertions on answers and imported posts. */
import type { APIMessage } from 'discord-api-types/v10';

/** Everything a person reads in a message: content, embed title, description and fields. */
export const textOf = (message: APIMessage): string =>
  [
    message.content,
    ...message.embeds.flatMap((e) => [
      e.title,
      e.description,
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
    ]),
  ]
    .filter(Boolean)
    .join('\n');
