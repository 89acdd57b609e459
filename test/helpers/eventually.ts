/**
 * Waits for something another process or connection does asynchronously (a NOTIFY arriving,
 * a cache refreshed): asks `probe` until `done` holds, and returns its last answer. The
 * deadline is only a bound on a hang, far above any normal delay, so a loaded machine does
 * not fail the test; the caller asserts on the answer returned.
 */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
