import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/no-network.ts'],
    testTimeout: 30_000,
    // expect.poll waits for something another process or server does: a loaded CI machine needs
    // longer than the 1 s default (a passing poll returns as soon as it holds).
    expect: { poll: { timeout: 10_000, interval: 50 } },
    hookTimeout: 60_000,
    pool: 'forks',
    // CLI and process tests spawn Herald; keep parallelism modest on 2-core machines.
    maxWorkers: 4,
  },
});
