/**
 * Normalising whatever a provider method threw into a ProviderError, so that nothing untyped leaves
 * the social layer. Providers refine the result (an expired-token body, a usage cap) in their own
 * `classifyError` before falling back to this.
 */
import { ZodError } from 'zod';
import { HeraldError, ProviderError } from '../core/errors.js';

export function toProviderError(err: unknown, platform: string, endpoint = 'unknown'): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return new ProviderError(
      'bad-request',
      `${platform}: ${endpoint}: unexpected data at ${path}: ${issue?.message ?? 'invalid'}`,
      {
        platform,
        endpoint,
        cause: err,
      },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  // A bug or an impossible state: retrying the same call would fail the same way.
  return new ProviderError('bad-request', `${platform}: ${endpoint}: ${message}`, {
    platform,
    endpoint,
    cause: err,
    ...(err instanceof HeraldError && err.hint ? { hint: err.hint } : {}),
  });
}

/** Run one provider operation so that it can only fail with a ProviderError. */
export async function guarded<T>(platform: string, endpoint: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toProviderError(err, platform, endpoint);
  }
}
