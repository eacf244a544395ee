/**
 * Polls `check` until it returns true, or fails after a generous deadline. Tests wait for conditions
 * this way instead of sleeping a fixed (sub-second) time, so a busy CI machine only makes them slower.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`condition not reached in time: ${opts.what ?? 'eventually()'}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
