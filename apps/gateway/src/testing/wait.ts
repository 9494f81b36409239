/**
 * Bounded waits for tests: every wait names what it waits for and fails after a timeout
 * instead of sleeping a guessed amount.
 */
export function waitFor<T>(what: string, timeoutMs: number, register: (resolve: (value: T) => void, reject: (e: Error) => void) => void | (() => void)): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let cleanup: void | (() => void);
    const timer = setTimeout(() => {
      if (cleanup) cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    cleanup = register(
      (value) => {
        clearTimeout(timer);
        if (cleanup) cleanup();
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        if (cleanup) cleanup();
        reject(error);
      },
    );
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
