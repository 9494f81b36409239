/**
 * Small helpers for the client's app-facing callbacks and for reading `connect_error`.
 * A listener that throws is logged and never stops the others or the SDK.
 */
import { ERROR_CODES, type ErrorCode } from "@roomcast/protocol";
import type { Logger } from "./logger";

export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(value: T, logger: Logger): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        logger.error({ err: error }, "listener threw");
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/**
 * The server refuses a handshake with `next(err)` where `err.data = { code }`; socket.io
 * hands that to `connect_error` as `error.data`. Returns the code when it is one of ours.
 */
export function connectErrorCode(error: Error): ErrorCode | undefined {
  const data: unknown = "data" in error ? error.data : undefined;
  if (typeof data !== "object" || data === null || !("code" in data)) return undefined;
  const code: unknown = data.code;
  return (ERROR_CODES as readonly unknown[]).includes(code) ? (code as ErrorCode) : undefined;
}
