/**
 * The console's connection indicator as a state machine, apart from the DOM and the SDK:
 * fed the SDK's connection states, it decides the mode shown and when to poll.
 *
 * - `live`: the socket is connected; any fallback timer and polling stop at once.
 * - `connecting` / `reconnecting` / `offline`: shown as such; a fallback timer starts (once)
 *   and, if the socket is still not live after `fallbackAfterMs`, the machine enters
 *   `polling`: `poll()` runs at once and every `pollMs` until the socket is live again.
 * - While polling, a non-live state changes nothing (the mode stays `polling`).
 * - `stop()` (sign-out) clears every timer; nothing runs afterwards.
 * Timers are injected so the unit test drives them with fake timers.
 */
import type { ConnectionState } from "@roomcast/client";

export type ConsoleMode = ConnectionState | "polling";

export const FALLBACK_AFTER_MS = 3000;
export const POLL_MS = 2000;

export interface ConnectionMachineOptions {
  /** The SDK's current state, read when the fallback timer fires. */
  current(): ConnectionState;
  onMode(mode: ConsoleMode): void;
  poll(): void;
  fallbackAfterMs?: number;
  pollMs?: number;
}

export interface ConnectionMachine {
  readonly mode: ConsoleMode;
  onState(state: ConnectionState): void;
  stop(): void;
}

export function createConnectionMachine(options: ConnectionMachineOptions): ConnectionMachine {
  const fallbackAfterMs = options.fallbackAfterMs ?? FALLBACK_AFTER_MS;
  const pollMs = options.pollMs ?? POLL_MS;
  let mode: ConsoleMode = "connecting";
  let fallbackTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;

  const enter = (next: ConsoleMode) => {
    mode = next;
    options.onMode(next);
  };
  const stopPolling = () => {
    if (pollTimer !== undefined) clearInterval(pollTimer);
    pollTimer = undefined;
  };
  const clearFallback = () => {
    if (fallbackTimer !== undefined) clearTimeout(fallbackTimer);
    fallbackTimer = undefined;
  };
  const startPolling = () => {
    if (pollTimer !== undefined || stopped) return;
    enter("polling");
    options.poll();
    pollTimer = setInterval(() => options.poll(), pollMs);
  };

  return {
    get mode() {
      return mode;
    },
    onState(state) {
      if (stopped) return;
      if (state === "live") {
        clearFallback();
        stopPolling();
        enter("live");
        return;
      }
      if (pollTimer !== undefined) return;
      enter(state);
      if (fallbackTimer === undefined) {
        fallbackTimer = setTimeout(() => {
          fallbackTimer = undefined;
          if (options.current() !== "live") startPolling();
        }, fallbackAfterMs);
      }
    },
    stop() {
      stopped = true;
      clearFallback();
      stopPolling();
    },
  };
}
