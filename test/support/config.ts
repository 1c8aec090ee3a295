/**
 * A valid Config for tests, built through loadConfig so tests exercise the real parsing.
 */
import { loadConfig, type Config, type Environment } from '../../core/config.js';

export const TEST_KEY = Buffer.alloc(32, 7).toString('base64');

export function testConfig(overrides: Environment = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    HERALD_ENCRYPTION_KEY: TEST_KEY,
    HERALD_LOG_LEVEL: 'silent',
    ...overrides,
  });
}
