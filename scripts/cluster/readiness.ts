/**
 * Bounded waits on HTTP probes. Every wait names what it waits for, polls at a fixed
 * interval, and rejects after its timeout or as soon as `abort` rejects (the runner passes
 * "a child exited" there, so a crashed gateway fails the start at once instead of after
 * the whole timeout).
 */
export async function httpStatus(url: string, timeoutMs = 2000): Promise<number | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    await response.body?.cancel();
    return response.status;
  } catch {
    return undefined;
  }
}

export interface WaitOptions {
  timeoutMs: number;
  everyMs?: number;
  /** Rejects to end the wait early (e.g. the process being waited on exited). */
  abort?: Promise<never>;
}

export async function waitUntil(what: string, check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const { timeoutMs, everyMs = 100, abort } = options;
  const deadline = Date.now() + timeoutMs;
  let stopped = false;
  const poll = async (): Promise<void> => {
    while (!stopped) {
      if (await check()) return;
      if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  };
  try {
    await (abort ? Promise.race([poll(), abort]) : poll());
  } finally {
    stopped = true;
  }
}

/** Waits until GET `url` answers `status` (default 200). */
export function waitForStatus(url: string, options: WaitOptions & { status?: number }): Promise<void> {
  const expected = options.status ?? 200;
  return waitUntil(`${url} to answer ${expected}`, async () => (await httpStatus(url)) === expected, options);
}
