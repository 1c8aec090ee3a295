// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layers may import only "downward": bot|worker|cli -> embeds|social -> core (DESIGN.md, Layout).
 * Each entry lists the top-level folders a layer must not import from. The check is lexical (relative
 * import paths), so it needs no resolver and no native module.
 */
const FORBIDDEN = {
  core: ['bot', 'worker', 'cli', 'embeds', 'social', 'bench', 'test'],
  social: ['bot', 'worker', 'cli', 'embeds', 'bench', 'test'],
  embeds: ['bot', 'worker', 'cli', 'social', 'bench', 'test'],
  worker: ['bot', 'cli', 'bench', 'test'],
  bot: ['worker', 'cli', 'bench', 'test'],
  cli: ['bench', 'test'],
};

/** Chat SDK types stay in bot/discord, bot/slack and the delivery code that sends to them. */
const CHAT_SDKS = ['discord.js', '@discordjs/rest', '@slack/bolt', '@slack/web-api'].map((name) => ({
  name,
  message: 'Chat SDK types stay in bot/discord, bot/slack and the delivery code.',
}));

function layerRules(layer, { allowChatSdks = false } = {}) {
  const folders = FORBIDDEN[layer].join('|');
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: allowChatSdks ? [] : CHAT_SDKS,
        patterns: [
          {
            regex: `^(\\.\\./)+(${folders})(/|$)`,
            message: `${layer}/ must not import from ${FORBIDDEN[layer].join(', ')}: imports flow bot|worker|cli -> embeds|social -> core.`,
          },
        ],
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', '.herald/**', 'coverage/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Only core/config.ts reads the environment; pass config slices instead.',
        },
      ],
    },
  },
  ...Object.keys(FORBIDDEN).map((layer) => ({ files: [`${layer}/**`], rules: layerRules(layer) })),
  {
    files: ['bot/discord/**', 'bot/slack/**'],
    rules: layerRules('bot', { allowChatSdks: true }),
  },
  {
    // The senders that deliver imported posts talk to the chat APIs directly.
    files: ['worker/delivery/**'],
    rules: layerRules('worker', { allowChatSdks: true }),
  },
  {
    files: ['core/config.ts', 'test/**', 'bench/**', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['bin/**'],
    rules: { 'no-console': 'off' },
  },
);
