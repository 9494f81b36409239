/**
 * Bounded waits for tests: every wait names what it waits for and fails after a timeout
 * instead of sleeping a guessed amount.
 */
export function waitFor<T>(what: string, timeoutMs: number, register: (resolve: (value: T) => void, reject: (e: Error) => void) => void | (() => void)): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // `register` may settle synchronously, before its cleanup function is returned.
    const state: { cleanup?: () => void; settled: boolean } = { settled: false };
    const finish = (settle: () => void) => {
      if (state.settled) return;
      state.settled = true;
      clearTimeout(timer);
      state.cleanup?.();
      settle();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
    const cleanup = register(
      (value) => finish(() => resolve(value)),
      (error) => finish(() => reject(error)),
    );
    if (typeof cleanup === "function") {
      if (state.settled) cleanup();
      else state.cleanup = cleanup;
    }
  });
}

/** Polls a condition (for state with no event to wait on) until true or the timeout. */
export async function until(what: string, timeoutMs: number, condition: () => boolean | Promise<boolean>, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
