/**
 * What happened to the posts written in chat: `post list` shows what is scheduled or running and
 * the latest results; `post history` shows what went out (or failed), per account and campaign,
 * with each platform's link and the route it took (directly or through an aggregator).
 */
import { z } from 'zod';
import { listOutboundPosts, type OutboundSummary } from '../../core/outbound-history.js';
import { PLATFORM_INFO, SOCIAL_PLATFORMS } from '../../core/platforms.js';
import { defineCommand } from './command.js';
import { reply, type ReplyField } from './reply.js';

const VIA_NAMES: Readonly<Record<string, string>> = { postforme: 'PostForMe', late: 'LATE' };

const platformName = (platform: string): string =>
  SOCIAL_PLATFORMS.filter((p) => p === platform).map((p) => PLATFORM_INFO[p].displayName)[0] ?? platform;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function postField(post: OutboundSummary): ReplyField {
  const when = post.completedAt ?? post.scheduledFor ?? post.createdAt;
  const lines = post.targets.map((t) => {
    const route = t.via === 'direct' ? '' : ` via ${VIA_NAMES[t.via] ?? t.via}`;
    const outcome =
      t.status === 'published'
        ? `✅ ${t.url ?? 'published'}`
        : t.status === 'failed'
          ? `❌ ${t.error ?? 'failed'}`
          : t.status;
    return `${t.handle} (${platformName(t.platform)}${route}): ${outcome}`;
  });
  return {
    name: clip(
      `${post.status} · ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${post.text}`,
      250,
    ),
    value: [
      ...lines,
      post.campaign ? `campaign: ${post.campaign}` : '',
      post.status === 'scheduled' ? `\`post cancel post:${post.id}\` stops it` : `id \`${post.id}\``,
    ]
      .filter(Boolean)
      .join('\n'),
  };
}

export const postList = defineCommand({
  path: ['post', 'list'],
  description: 'Scheduled and running posts, and the latest results',
  example: 'post list account:@acme',
  requires: 'member',
  options: [{ name: 'account', kind: 'string', description: 'Only posts to this account (handle)' }],
  input: z.object({ account: z.string().trim().min(1).optional() }),
  async run(ctx, input) {
    const posts = await listOutboundPosts(ctx.deps.pool, ctx.tenant.id, 25, undefined, {
      ...(input.account ? { handle: input.account } : {}),
    });
    if (posts.length === 0) return reply.info('No posts yet. Write one with `post new`.', { title: 'Posts' });
    return reply.info(`${posts.length} post${posts.length === 1 ? '' : 's'}, newest first.`, {
      title: 'Posts',
      fields: posts.map(postField),
    });
  },
});

export const postHistory = defineCommand({
  path: ['post', 'history'],
  description: 'What went out (or failed), with each platform’s link; by account or campaign',
  example: 'post history account:@acme campaign:launch',
  requires: 'member',
  options: [
    { name: 'account', kind: 'string', description: 'Only posts to this account (handle)' },
    { name: 'campaign', kind: 'string', description: 'Only posts of this campaign', maxLength: 80 },
  ],
  input: z.object({
    account: z.string().trim().min(1).optional(),
    campaign: z.string().trim().min(1).max(80).optional(),
  }),
  async run(ctx, input) {
    const posts = await listOutboundPosts(ctx.deps.pool, ctx.tenant.id, 25, undefined, {
      statuses: ['published', 'partial', 'failed'],
      ...(input.account ? { handle: input.account } : {}),
      ...(input.campaign ? { campaign: input.campaign } : {}),
    });
    const scope = [input.account, input.campaign && `campaign ${input.campaign}`].filter(Boolean).join(', ');
    if (posts.length === 0) {
      return reply.info(`Nothing published yet${scope ? ` for ${scope}` : ''}.`, { title: 'Post history' });
    }
    const published = posts.flatMap((p) => p.targets).filter((t) => t.status === 'published').length;
    return reply.info(
      `${posts.length} post${posts.length === 1 ? '' : 's'}${scope ? ` for ${scope}` : ''}, ${published} platform post${published === 1 ? '' : 's'} out.`,
      { title: 'Post history', fields: posts.map(postField) },
    );
  },
});
