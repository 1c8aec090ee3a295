/**
 * The Slack Web API fake the delivery and pipeline tests were written against. It grew into the full
 * Slack fake in `./slack/` (workspaces, Bolt's HTTP and Socket Mode sides, OAuth); this name stays so
 * existing imports keep working.
 */
export * from './slack/index.js';
