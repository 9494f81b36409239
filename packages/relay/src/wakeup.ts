/**
 * A wake-up latch: `notify()` (a NOTIFY arrived) ends the current or next `wait()` early;
 * otherwise `wait()` returns after its timeout (the polling fallback) or when aborted.
 */
export interface Wakeup {
  notify(): void;
  wait(timeoutMs: number, signal: AbortSignal): Promise<void>;
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
        pending = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          release = undefined;
          pending = false;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener("abort", done, { once: true });
        release = done;
      });
    },
  };
}
