/**
 * A wake-up latch: `notify()` (a NOTIFY arrived) ends the current or next `wait()` early;
 * otherwise `wait()` returns after its timeout (the polling fallback) or when aborted. It
 * resolves with whether a notification ended it.
 */
export interface Wakeup {
  notify(): void;
  wait(timeoutMs: number, signal: AbortSignal): Promise<boolean>;
}

export function createWakeup(): Wakeup {
  let pending = false;
  let release: (() => void) | undefined;
  return {
    notify() {
      pending = true;
      release?.();
    },
    wait(timeoutMs, signal) {
      if (pending || signal.aborted) {
        const notified = pending;
        pending = false;
        return Promise.resolve(notified);
      }
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          release = undefined;
          const notified = pending;
          pending = false;
          resolve(notified);
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener("abort", done, { once: true });
        release = done;
      });
    },
  };
}
