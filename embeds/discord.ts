/**
 * A SocialPost as a Discord message: one rich embed (plus up to three image-only embeds that Discord
 * merges into a gallery), within every embed limit by construction, and unable to ping anyone but
 * the feed's own role.
 * @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 */
import type {
  APIAllowedMentions,
  APIEmbed,
  APIEmbedField,
  APIEmbedImage,
  RESTPostAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import type { SocialPost } from '../core/social-post.js';
import { DISCORD_LIMITS, embedTextLength, fitTokens, resolveMaxTextLength } from './budget.js';
import { linkToken, textToken, visibleText, type Token } from './linkify.js';
import { describePost, type Picture, type PostView, type QuotedView } from './post-view.js';
import { MAX_LINK_URL_LENGTH, escapeDiscord, escapeDiscordInline, truncateText } from './text.js';

export interface DiscordMessageOptions {
  /** The most graphemes of post text to show; 500 by default, at most 4,096. */
  readonly maxTextLength?: number;
  /** A role to ping above the embed (the feed's announcement role); nothing else can ping. */
  readonly mentionRoleId?: string;
}

const SNOWFLAKE = /^\d{17,20}$/u;
// A quoted post is context, not the news: it gets a short excerpt.
const QUOTE_GRAPHEMES = 280;
const PARAGRAPH = '\n\n';

/** Tokens in Discord markdown: text escaped, links as `[label](url)`. */
function renderDiscordTokens(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) {
    const atLineStart = out === '' || out.endsWith('\n');
    // Brackets inside a label would end it early; the URL was made safe by linkToken.
    if (token.kind === 'link')
      out += `[${escapeDiscord(token.text.replace(/[[\]]/gu, ''), false)}](${token.url})`;
    else out += escapeDiscord(token.text, atLineStart);
  }
  return out;
}

const quoteLines = (text: string) =>
  text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');

const readMore = (permalink: string): Token[] => [textToken(' '), linkToken('Read more', permalink)];

/** A title or field name within `maxLength` once escaped. */
function fitLine(text: string, maxLength: number): string {
  return fitTokens([textToken(text)], {
    maxGraphemes: Number.POSITIVE_INFINITY,
    maxLength,
    render: (tokens) => escapeDiscordInline(visibleText(tokens)),
  }).text;
}

function quotedField(quoted: QuotedView, maxTextLength: number): APIEmbedField {
  const name = fitLine(`💬 ${quoted.author.label}`, DISCORD_LIMITS.fieldName);
  const pictures = quoted.pictures.length;
  const open: Token[] = [linkToken('Open quoted post', quoted.permalink)];
  if (pictures > 0) open.push(textToken(` · 🖼️ ${pictures === 1 ? '1 image' : `${pictures} images`}`));
  const footer = renderDiscordTokens(open);
  const body = fitTokens(quoted.body, {
    maxGraphemes: Math.min(maxTextLength, QUOTE_GRAPHEMES),
    maxLength: DISCORD_LIMITS.fieldValue - footer.length - 1,
    render: (tokens) => quoteLines(renderDiscordTokens(tokens)),
    suffix: readMore(quoted.permalink),
  }).text;
  return { name, value: body === '' ? footer : `${body}\n${footer}` };
}

/**
 * The description: context line, text, then media and engagement lines. The text gets what the
 * other lines leave of `budget`; if even those do not fit, the least important go first.
 */
function description(view: PostView, maxTextLength: number, budget: number): string | undefined {
  let context = view.context === undefined ? undefined : renderDiscordTokens(view.context);
  let media = view.mediaNote === undefined ? undefined : renderDiscordTokens(view.mediaNote);
  let engagement = view.engagement;
  const assemble = (body: string) => {
    const footer = [media, engagement].filter((line) => line !== undefined).join('\n');
    return [context, body, footer].filter((part) => part !== undefined && part !== '').join(PARAGRAPH);
  };
  // Everything but the text, separators included, measured around a one-character stand-in.
  const overhead = () => assemble('x').length - 1;
  if (overhead() > budget) media = undefined;
  if (overhead() > budget) engagement = undefined;
  if (overhead() > budget) context = undefined;
  const body = fitTokens(view.body, {
    maxGraphemes: maxTextLength,
    maxLength: budget - overhead(),
    render: renderDiscordTokens,
    suffix: readMore(view.permalink),
  }).text;
  const text = assemble(body);
  return text === '' ? undefined : text;
}

function image(picture: Picture): APIEmbedImage {
  const alt = picture.altText;
  return alt === undefined
    ? { url: picture.url }
    : { url: picture.url, description: truncateText(alt, DISCORD_LIMITS.imageDescription) };
}

/** The embed but its description, which gets whatever the rest leaves of the 6,000 characters. */
function mainEmbed(view: PostView, maxTextLength: number): APIEmbed {
  const { author, style, pictures, quoted } = view;
  const title = view.title === undefined ? '' : fitLine(view.title, DISCORD_LIMITS.title);
  const [first] = pictures;
  const thumbnail = first === undefined ? quoted?.pictures[0] : undefined;
  return {
    author: {
      name: truncateText(author.label, DISCORD_LIMITS.authorName),
      ...(author.profileUrl === undefined ? {} : { url: author.profileUrl }),
      ...(author.avatarUrl === undefined ? {} : { icon_url: author.avatarUrl }),
    },
    ...(title === '' ? {} : { title }),
    ...(pageUrl(view) === undefined ? {} : { url: view.permalink }),
    ...(quoted === undefined ? {} : { fields: [quotedField(quoted, maxTextLength)] }),
    ...(first === undefined ? {} : { image: image(first) }),
    ...(thumbnail === undefined ? {} : { thumbnail: { url: thumbnail.url } }),
    color: style.discordColor,
    footer: { text: view.footer, ...(style.iconUrl === undefined ? {} : { icon_url: style.iconUrl }) },
    timestamp: view.createdAt,
  };
}

/** The post's page as the embed's url, unless it is longer than Discord takes in a URL field. */
function pageUrl(view: PostView): string | undefined {
  return view.permalink.length <= MAX_LINK_URL_LENGTH ? view.permalink : undefined;
}

function allowedMentions(roleId: string | undefined): APIAllowedMentions {
  return roleId === undefined ? { parse: [] } : { parse: [], roles: [roleId] };
}

/**
 * The message for `post`: `allowed_mentions` always set so only `mentionRoleId` (if given) can ping.
 * @throws RangeError when `mentionRoleId` is not a snowflake or `maxTextLength` is below 1.
 */
export function toDiscordMessage(
  post: SocialPost,
  options: DiscordMessageOptions = {},
): RESTPostAPIChannelMessageJSONBody {
  const { mentionRoleId } = options;
  if (mentionRoleId !== undefined && !SNOWFLAKE.test(mentionRoleId)) {
    throw new RangeError(
      `mentionRoleId must be a Discord role id (a snowflake), got ${JSON.stringify(mentionRoleId)}`,
    );
  }
  const maxTextLength = resolveMaxTextLength(options.maxTextLength);
  const view = describePost(post);
  const embed = mainEmbed(view, maxTextLength);
  const budget = Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.totalText - embedTextLength(embed));
  const text = description(view, maxTextLength, budget);
  const { author, title, url, ...rest } = embed;
  const main: APIEmbed = {
    author,
    ...(title === undefined ? {} : { title }),
    ...(url === undefined ? {} : { url }),
    ...(text === undefined ? {} : { description: text }),
    ...rest,
  };
  // Same url, image only: Discord shows these as one four-image gallery on the first embed.
  const gallery =
    url === undefined
      ? []
      : view.pictures.slice(1).map((picture): APIEmbed => ({ url, image: image(picture) }));
  return {
    ...(mentionRoleId === undefined ? {} : { content: `<@&${mentionRoleId}>` }),
    embeds: [main, ...gallery],
    allowed_mentions: allowedMentions(mentionRoleId),
  };
}
