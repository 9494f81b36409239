/**
 * Typing on screen, both directions:
 * - `TypingSender`: tells the server at most once per `intervalMs` while the user types
 *   (the server rate-limits the rest), and `stop()` when the message is sent;
 * - `TypingIndicator`: who is typing in a stream; an entry disappears by itself `ttlMs`
 *   after the last `typing` event of that user (or at once on `typing: false`), so a lost
 *   "stopped" never leaves an indicator on.
 * Timers are the instance's own; `close()` clears them.
 */
import type { TypingEvent } from "@roomcast/protocol";

export const TYPING_SEND_INTERVAL_MS = 2000;
export const TYPING_SHOWN_MS = 4000;

export class TypingSender {
  private lastSent = -Infinity;

  constructor(
    private readonly send: (typing: boolean) => void,
    private readonly intervalMs = TYPING_SEND_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  typed(): void {
    const t = this.now();
    if (t - this.lastSent < this.intervalMs) return;
    this.lastSent = t;
    this.send(true);
  }

  stop(): void {
    if (this.lastSent === -Infinity) return;
    this.lastSent = -Infinity;
    this.send(false);
  }
}

export class TypingIndicator {
  private readonly typing = new Map<string, { label: string; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly onChange: () => void,
    private readonly ttlMs = TYPING_SHOWN_MS,
  ) {}

  apply(event: TypingEvent): void {
    const key = `${event.stream}\u0000${event.user}`;
    const known = this.typing.get(key);
    if (known !== undefined) clearTimeout(known.timer);
    if (!event.typing) {
      this.typing.delete(key);
    } else {
      const timer = setTimeout(() => {
        this.typing.delete(key);
        this.onChange();
      }, this.ttlMs);
      this.typing.set(key, { label: event.name ?? event.user, timer });
    }
    this.onChange();
  }

  /** The names typing in `stream` now. */
  who(stream: string | undefined): string[] {
    if (stream === undefined) return [];
    const prefix = `${stream}\u0000`;
    return [...this.typing].filter(([key]) => key.startsWith(prefix)).map(([, entry]) => entry.label);
  }

  close(): void {
    for (const entry of this.typing.values()) clearTimeout(entry.timer);
    this.typing.clear();
  }
}

/** "Ana is typing…", "Ana and Bob are typing…", or "". */
export function typingLabel(names: readonly string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]} are typing…`;
}
