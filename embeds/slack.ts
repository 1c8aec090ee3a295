/**
 * A SocialPost as a Slack message: Block Kit blocks (author, text, images, counts and time, a button
 * to the post) and a plain `text` for notifications, within Block Kit's limits by construction. Post
 * text is escaped and sent `verbatim`, so nothing in it can become a mention.
 * @see https://docs.slack.dev/reference/block-kit/blocks
 */
import type {
  ActionsBlock,
  ContextBlock,
  ImageElement,
  KnownBlock,
  MrkdwnElement,
  SectionBlock,
} from '@slack/types';
import type { SocialPost } from '../core/social-post.js';
import { SLACK_LIMITS, fitTokens, resolveMaxTextLength } from './budget.js';
import { linkToken, textToken, visibleText, type Token } from './linkify.js';
import { describePost, type AuthorView, type Picture, type PostView, type QuotedView } from './post-view.js';
import { escapeSlack, linkTarget, slackBold, slackLabel, truncateText } from './text.js';

export interface SlackMessageOptions {
  /** The most graphemes of post text to show; 500 by default, at most 4,096. */
  readonly maxTextLength?: number;
  /** A user group to notify (`S…`, the feed's announcement group); nothing else can ping. */
  readonly mentionUserGroupId?: string;
}

/** The body of `chat.postMessage` minus `channel`: Herald draws its own preview, so Slack unfurls nothing. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
  readonly unfurl_links: false;
  readonly unfurl_media: false;
}

/**
 * The `action_id` of the "Open on …" button. A link button still sends a `block_actions` request,
 * which the Slack adapter must acknowledge or Slack shows a warning next to the button.
 */
export const SLACK_OPEN_POST_ACTION_ID = 'herald-open-post';

const USER_GROUP = /^S[A-Z0-9]{2,}$/u;
const QUOTE_GRAPHEMES = 280;
const TITLE_GRAPHEMES = 256;
const FALLBACK_GRAPHEMES = 150;

/** Tokens in Slack mrkdwn: text escaped, links as `<url|label>` (with `&` escaped in the URL too). */
function renderSlackTokens(tokens: readonly Token[]): string {
  return tokens
    .map((token) =>
      token.kind === 'link'
        ? `<${token.url.replace(/&/gu, '&amp;')}|${slackLabel(token.text)}>`
        : escapeSlack(token.text),
    )
    .join('');
}

const mrkdwn = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text, verbatim: true });
const section = (text: string): SectionBlock => ({ type: 'section', text: mrkdwn(text) });
const context = (elements: ContextBlock['elements']): ContextBlock => ({ type: 'context', elements });

function imageElement(url: string, alt: string): ImageElement {
  return { type: 'image', image_url: url, alt_text: truncateText(alt, SLACK_LIMITS.altText) };
}

function pictureAlt(picture: Picture, index: number, count: number): string {
  if (picture.altText !== undefined) return picture.altText;
  if (picture.kind === 'video') return 'Video preview';
  if (picture.kind === 'gif') return 'GIF preview';
  return count === 1 ? 'Image' : `Image ${index + 1} of ${count}`;
}

/** "*Name* @handle" with the handle linking to the profile, the avatar before it, `after` after it. */
function authorBlock(author: AuthorView, prefix = '', after: readonly Token[] = []): ContextBlock {
  const handle = renderSlackTokens([linkToken(author.handle, author.profileUrl), ...after]);
  const name = author.label === author.handle ? '' : `${slackBold(author.name)} `;
  const avatar = author.avatarUrl === undefined ? [] : [imageElement(author.avatarUrl, author.name)];
  return context([...avatar, mrkdwn(`${prefix}${name}${handle}`)]);
}

const readMore = (permalink: string): Token[] => [textToken(' '), linkToken('Read more', permalink)];

function titleBlock(view: PostView): SectionBlock | undefined {
  if (view.title === undefined || view.title === '') return undefined;
  // A '*' in the title would end the bold early, and Slack has no escape for it.
  const title = view.title.replace(/\*/gu, '∗');
  const { text } = fitTokens([textToken(title)], {
    maxGraphemes: TITLE_GRAPHEMES,
    maxLength: SLACK_LIMITS.sectionText,
    render: (tokens) => `*${renderSlackTokens([linkToken(visibleText(tokens), view.permalink)])}*`,
  });
  return section(text);
}

function bodyBlock(
  tokens: readonly Token[],
  permalink: string,
  maxGraphemes: number,
  quote = false,
): SectionBlock | undefined {
  const render = quote
    ? (parts: readonly Token[]) =>
        renderSlackTokens(parts)
          .split('\n')
          .map((line) => `>${line}`)
          .join('\n')
    : renderSlackTokens;
  const { text } = fitTokens(tokens, {
    maxGraphemes,
    maxLength: SLACK_LIMITS.sectionText,
    render,
    suffix: readMore(permalink),
  });
  return text === '' ? undefined : section(text);
}

function quoteBlocks(quoted: QuotedView, maxTextLength: number): KnownBlock[] {
  const body = bodyBlock(quoted.body, quoted.permalink, Math.min(maxTextLength, QUOTE_GRAPHEMES), true);
  const [picture] = quoted.pictures;
  const withPicture =
    body !== undefined && picture !== undefined
      ? { ...body, accessory: imageElement(picture.url, pictureAlt(picture, 0, quoted.pictures.length)) }
      : body;
  const open = [textToken(' · '), linkToken('Open quoted post', quoted.permalink)];
  return [authorBlock(quoted.author, '💬 ', open), ...(withPicture === undefined ? [] : [withPicture])];
}

/** Slack shows `<!date^…>` in each reader's own time zone; the fallback is for clients that cannot. */
function slackDate(iso: string, permalink: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1_000);
  const link = linkTarget(permalink);
  const target = link === undefined ? '' : `^${link.replace(/&/gu, '&amp;')}`;
  const fallback = `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${seconds}^{date_short_pretty} at {time}${target}|${fallback}>`;
}

function footerBlock(view: PostView): ContextBlock {
  const icon =
    view.style.iconUrl === undefined ? [] : [imageElement(view.style.iconUrl, view.style.displayName)];
  const parts = [
    escapeSlack(view.footer),
    ...(view.engagement === undefined ? [] : [view.engagement]),
    slackDate(view.createdAt, view.permalink),
  ];
  return context([...icon, mrkdwn(parts.join(' · '))]);
}

function openButton(view: PostView): ActionsBlock | undefined {
  const url = linkTarget(view.permalink);
  if (url === undefined || url.length > SLACK_LIMITS.buttonUrl) return undefined;
  const text = truncateText(`Open on ${view.siteName}`, SLACK_LIMITS.buttonText);
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text, emoji: true },
        url,
        action_id: SLACK_OPEN_POST_ACTION_ID,
      },
    ],
  };
}

/** The notification line: who, where, and the start of the text. */
function fallbackText(view: PostView, mention: string): string {
  const who =
    view.kind === 'repost' && view.context !== undefined
      ? visibleText(view.context)
      : `${view.author.label} on ${view.style.displayName}`;
  const words = view.title ?? visibleText(view.body);
  const excerpt = truncateText(words, Number.POSITIVE_INFINITY, { maxGraphemes: FALLBACK_GRAPHEMES });
  return `${mention}${escapeSlack(excerpt === '' ? who : `${who}: ${excerpt}`)}`;
}

/**
 * The message for `post`. Only `mentionUserGroupId` (if given) is written as a mention.
 * @throws RangeError when `mentionUserGroupId` is not a user group id or `maxTextLength` is below 1.
 */
export function toSlackMessage(post: SocialPost, options: SlackMessageOptions = {}): SlackMessage {
  const { mentionUserGroupId } = options;
  if (mentionUserGroupId !== undefined && !USER_GROUP.test(mentionUserGroupId)) {
    throw new RangeError(
      `mentionUserGroupId must be a Slack user group id (S…), got ${JSON.stringify(mentionUserGroupId)}`,
    );
  }
  const maxTextLength = resolveMaxTextLength(options.maxTextLength);
  const view = describePost(post);
  const mention = mentionUserGroupId === undefined ? '' : `<!subteam^${mentionUserGroupId}> `;
  const images = view.pictures.map((picture, index): KnownBlock => ({
    type: 'image',
    image_url: picture.url,
    alt_text: truncateText(pictureAlt(picture, index, view.pictures.length), SLACK_LIMITS.altText),
  }));
  const blocks = [
    mention === '' ? undefined : section(mention.trim()),
    view.context === undefined ? undefined : context([mrkdwn(renderSlackTokens(view.context))]),
    authorBlock(view.author),
    titleBlock(view),
    bodyBlock(view.body, view.permalink, maxTextLength),
    ...images,
    view.mediaNote === undefined ? undefined : context([mrkdwn(renderSlackTokens(view.mediaNote))]),
    ...(view.quoted === undefined ? [] : quoteBlocks(view.quoted, maxTextLength)),
    footerBlock(view),
    openButton(view),
  ].filter((block): block is KnownBlock => block !== undefined);
  return { text: fallbackText(view, mention), blocks, unfurl_links: false, unfurl_media: false };
}
