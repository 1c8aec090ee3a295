/**
 * The private preview of a post before anything is sent: for each target, the text counted the
 * platform's way against its limit (split into a thread there when too long), and the media accepted
 * or refused with the reason. Targets that cannot take the media are left out, and the preview says
 * why; the rest go out when the person presses Publish.
 */
import type { AccountSummary } from '../../core/account-store.js';
import type { AggregatorTarget, NewTarget, OutboundItem } from '../../core/outbound-store.js';
import { AGGREGATOR_LIMITS } from '../../social/aggregators/limits.js';
import { PLATFORM_INFO } from '../../core/platforms.js';
import { checkMedia, type MediaFacts } from '../../social/media-rules.js';
import type { PublishLimits, SocialProvider } from '../../social/provider.js';
import { checkLength } from '../../social/text-length.js';
import { splitIntoThread } from '../../social/thread-split.js';
import type { CommandContext } from './context.js';
import type { ReplyField } from './reply.js';
import { accountLabel } from './resolve.js';

export interface PreviewTarget {
  readonly label: string;
  readonly platformName: string;
  readonly limits: PublishLimits;
  readonly target: NewTarget;
  /** Whether a too-long text can go out there as a thread (not through an aggregator). */
  readonly canThread: boolean;
}

export interface Preview {
  readonly fields: readonly ReplyField[];
  /** The targets that go out, each with its own items where its text became a thread. */
  readonly targets: readonly NewTarget[];
  /** Platforms where the text will be a thread although the person did not ask for one. */
  readonly splitUnasked: readonly string[];
}

/** A linked account as a preview target, with its own limits (a Mastodon instance's). */
export async function linkedTarget(ctx: CommandContext, account: AccountSummary): Promise<PreviewTarget> {
  const provider: SocialProvider = ctx.deps.registry.get(account.platform);
  let limits = provider.limits;
  if (provider.limitsFor) {
    try {
      limits = await provider.limitsFor({
        platform: account.platform,
        accountId: account.id,
        handle: account.handle,
        instanceUrl: account.instanceUrl,
      });
    } catch {
      // The instance did not say: its platform's defaults are a fair guess, and publishing checks again.
    }
  }
  return {
    label: accountLabel(account),
    platformName: PLATFORM_INFO[account.platform].displayName,
    limits,
    target: { accountId: account.id },
    canThread: true,
  };
}

const VIA_NAMES = { postforme: 'PostForMe', late: 'LATE' } as const;

/** An account connected at an aggregator, with the platform's limits as Herald knows them. */
export function aggregatorTarget(ctx: CommandContext, target: AggregatorTarget): PreviewTarget | undefined {
  const { platform } = target;
  const limits = ctx.deps.registry.has(platform)
    ? ctx.deps.registry.get(platform).limits
    : AGGREGATOR_LIMITS[platform];
  if (!limits) return undefined;
  const platformName = PLATFORM_INFO[platform].displayName;
  return {
    label: `@${target.account.username.replace(/^@/, '')} on ${platformName} via ${VIA_NAMES[target.via]}`,
    platformName,
    limits,
    target: { aggregator: target },
    canThread: false,
  };
}

export function buildPreview(
  text: string,
  candidates: readonly PreviewTarget[],
  media: readonly MediaFacts[],
  options: { readonly thread: boolean },
): Preview {
  const fields: ReplyField[] = [];
  const targets: NewTarget[] = [];
  const splitUnasked: string[] = [];
  for (const candidate of candidates) {
    const { limits, platformName } = candidate;
    const mediaCheck = checkMedia(media, limits, platformName);
    if (!mediaCheck.ok) {
      fields.push({ name: candidate.label, value: `⛔ left out: ${mediaCheck.reason}`, inline: true });
      continue;
    }
    const length = checkLength(text, limits);
    const mediaLine = media.length > 0 ? `\n🖼️ ${media.length} file${media.length === 1 ? '' : 's'} fit` : '';
    if (length.ok) {
      targets.push(candidate.target);
      fields.push({
        name: candidate.label,
        value: `✅ ${length.length}/${length.max} (counted as ${platformName} counts)${mediaLine}`,
        inline: true,
      });
      continue;
    }
    if (!candidate.canThread) {
      fields.push({
        name: candidate.label,
        value: `⛔ left out: ${length.length}/${length.max}, too long for ${platformName}, and a thread cannot go through an aggregator`,
        inline: true,
      });
      continue;
    }
    const pieces = splitIntoThread(text, limits);
    const [first, ...rest] = pieces.map((piece): OutboundItem => ({ text: piece }));
    if (!first) continue;
    targets.push({ ...candidate.target, items: [first, ...rest] });
    if (!options.thread) splitUnasked.push(platformName);
    fields.push({
      name: candidate.label,
      value: `🧵 ${length.length}/${length.max}: too long for one ${platformName} post; a thread of ${pieces.length} (${pieces
        .map((piece) => checkLength(piece, limits).length)
        .join(' + ')})${mediaLine}`,
      inline: true,
    });
  }
  return { fields, targets, splitUnasked };
}
