/**
 * Where `useStream` keeps a stream's last offset so that a reload resumes after it:
 * `sessionStorage` (per tab, gone when the tab closes) when asked with `persist: "session"`,
 * or any object with `getItem`/`setItem`. Storage that is missing or refuses (private
 * modes, server rendering, a full quota) is skipped: the stream then starts live.
 */
export interface OffsetStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export type Persist = "session" | OffsetStorage;

export function resolveStorage(persist: Persist | undefined): OffsetStorage | undefined {
  if (persist === undefined) return undefined;
  if (persist !== "session") return persist;
  try {
    return (globalThis as { sessionStorage?: OffsetStorage }).sessionStorage;
  } catch {
    return undefined; // a browser that forbids storage throws on access
  }
}

export function readOffset(storage: OffsetStorage | undefined, key: string): number | undefined {
  try {
    const saved = storage?.getItem(key);
    if (saved === null || saved === undefined) return undefined;
    const offset = Number(saved);
    return Number.isSafeInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

export function writeOffset(storage: OffsetStorage | undefined, key: string, offset: number): void {
  try {
    storage?.setItem(key, String(offset));
  } catch {
    // quota or privacy settings: resuming after a reload is best effort
  }
}
