/**
 * One timer for every socket's token expiry, instead of a timer per socket: entries sit in
 * buckets by expiry second (a token's `exp` is whole seconds), and a single timeout is armed
 * for the earliest bucket. When it fires, every bucket that is due is handed to `onDue`, one
 * entry at a time, and the timer is armed for the next bucket. Firing costs O(buckets),
 * adding and removing O(1); an idle entry costs a Set slot, not a Timeout and its closure.
 *
 * Entries are moved by the caller (`remove` with the old exp, `add` with the new); `close()`
 * clears the timer and forgets every entry. The timer is unref'd: it never holds the
 * process open.
 */

/** setTimeout's longest delay; a later expiry is reached in steps. */
const MAX_TIMER_MS = 2_147_483_647;

export interface ExpirySweep<T> {
  /** Calls `onDue(entry)` once `now()` reaches `exp` (seconds since the epoch). */
  add(entry: T, exp: number): void;
  /** Forgets `entry`, added with this `exp`. */
  remove(entry: T, exp: number): void;
  /** How many entries wait (tests, metrics). */
  size(): number;
  close(): void;
}

export interface ExpirySweepOptions<T> {
  onDue(entry: T): void;
  now?: () => number;
  /** An error thrown by `onDue` for `entry` (the sweep goes on with the next entry). */
  onError?(error: unknown, entry: T): void;
}

export function createExpirySweep<T>(options: ExpirySweepOptions<T>): ExpirySweep<T> {
  const now = options.now ?? Date.now;
  const buckets = new Map<number, Set<T>>();
  let count = 0;
  let timer: NodeJS.Timeout | undefined;
  /** The bucket (exp, seconds) the timer is armed for. */
  let armedFor = Infinity;

  function arm(): void {
    clearTimeout(timer);
    timer = undefined;
    armedFor = Infinity;
    for (const exp of buckets.keys()) if (exp < armedFor) armedFor = exp;
    if (armedFor === Infinity) return;
    timer = setTimeout(sweep, Math.min(Math.max(armedFor * 1000 - now(), 0), MAX_TIMER_MS));
    timer.unref();
  }

  function sweep(): void {
    const t = now();
    for (const [exp, entries] of buckets) {
      if (exp * 1000 > t) continue;
      buckets.delete(exp);
      count -= entries.size;
      for (const entry of entries) {
        try {
          options.onDue(entry);
        } catch (error) {
          options.onError?.(error, entry);
        }
      }
    }
    arm();
  }

  return {
    add(entry, exp) {
      let entries = buckets.get(exp);
      if (entries === undefined) buckets.set(exp, (entries = new Set()));
      if (entries.has(entry)) return;
      entries.add(entry);
      count++;
      if (exp < armedFor) arm();
    },
    remove(entry, exp) {
      const entries = buckets.get(exp);
      if (entries === undefined || !entries.delete(entry)) return;
      count--;
      if (entries.size > 0) return;
      buckets.delete(exp);
      if (exp === armedFor) arm();
    },
    size: () => count,
    close() {
      clearTimeout(timer);
      timer = undefined;
      armedFor = Infinity;
      buckets.clear();
      count = 0;
    },
  };
}
