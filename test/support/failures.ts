/**
 * The error a call failed with, checked to be of the expected class: tests assert on its kind and
 * fields instead of on message text.
 */
export async function rejectionOf<T extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
): Promise<T> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof type) return err;
    throw new Error(`expected a ${type.name}, got ${String(err)}`, { cause: err });
  }
  throw new Error(`expected the call to fail with a ${type.name}`);
}
