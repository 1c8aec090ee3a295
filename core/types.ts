/**
 * Herald's domain vocabulary, and the one place to import its core types from.
 *
 * Glossary:
 * - tenant: one chat install, a Discord guild or a Slack workspace; every row below belongs to one.
 * - social account: a linked account on a social platform (handle, encrypted tokens, cursor, status).
 * - feed: a mapping from one social account to one chat channel, with filters; it can be paused.
 * - filter: a rule a post must pass to reach a feed's channel (kind, hashtag, text, engagement…).
 * - delivery: one post sent to one feed's channel, at most once; records the chat message id.
 * - import log: the record of what a poll or push fetched, kept and skipped for an account.
 * - outbound post: content published from chat (`/post`) to one or more platforms, now or scheduled.
 * - target: one platform (and account) an outbound post goes to, with its own result and link.
 * - provider: the module that speaks one social platform's API (auth, fetch, publish).
 * - aggregator: a third-party publishing API (PostForMe, LATE) used as a fallback provider.
 * - cursor: a provider's opaque bookmark of how far an account has been read.
 * - job: a unit of work in the graphile-worker queue (poll an account, deliver, publish, refresh).
 */
export type { ChatPlatform, SocialPlatform } from './platforms.js';
export type { SocialPost } from './social-post.js';
