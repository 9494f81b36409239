/**
 * Whether this process can reach Redis right now, decided by a probe (PINGs through the
 * node's own connections, see redis-probe.ts) every `intervalMs`, each bounded by
 * `timeoutMs`. A Redis that stops answering without closing the connection (a network
 * partition) shows up here as a probe that times out; the clients themselves never see an
 * error then.
 *
 * The state changes are what the process logs: `redis unreachable` once when it goes
 * down, `redis reachable again` once when a probe passes after that, with the outage's
 * length. Listeners of `onRecovered` run on that second transition (the gateway asks its
 * sockets to resync: pub/sub dropped what was published meanwhile).
 *
 * `lost(reason)` is for the subscriber's own signals (its connection closed, a shard's
 * subscriber ended): the state goes down at once, without waiting for a probe, so that a
 * short outage between two probes is not missed, and the next passing probe is the recovery.
 *
 * Lifecycle: `start()` arms the timer (unref'd), `stop()` clears it; `check()` may be called
 * at any time (readiness) and shares a probe already under way.
 */
import type { Logger } from "pino";

export interface RedisHealthState {
  up: boolean;
  /** What did not answer, while down. */
  reason: string | undefined;
}

export interface RedisHealth {
  state(): RedisHealthState;
  /** Probes now (or joins the probe under way) and resolves with the new state; never rejects. */
  check(): Promise<RedisHealthState>;
  lost(reason: string): void;
  /** Runs `listener` after every recovery; returns the function that removes it. */
  onRecovered(listener: (downForMs: number) => void): () => void;
  start(): void;
  stop(): void;
}

export interface RedisHealthOptions {
  probe: () => Promise<void>;
  logger: Logger;
  /** Period of the probe (default 1 s). */
  intervalMs?: number;
  /** Bound on one probe (default 1.5 s). */
  timeoutMs?: number;
  now?: () => number;
}

export function createRedisHealth(options: RedisHealthOptions): RedisHealth {
  const { logger } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 1500;
  const now = options.now ?? Date.now;
  const listeners = new Set<(downForMs: number) => void>();
  let current: RedisHealthState = { up: true, reason: undefined };
  let downSince = 0;
  // Bumped by lost(): a probe that began before a loss proves nothing about after it.
  let losses = 0;
  let running: Promise<RedisHealthState> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const goDown = (reason: string): void => {
    if (!current.up) {
      current = { up: false, reason };
      return;
    }
    current = { up: false, reason };
    downSince = now();
    logger.warn({ unreachable: reason }, "redis unreachable");
  };
  const goUp = (): void => {
    if (current.up) return;
    current = { up: true, reason: undefined };
    const downForMs = now() - downSince;
    logger.info({ downForMs }, "redis reachable again");
    for (const listener of listeners) {
      try {
        listener(downForMs);
      } catch (error) {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, "redis recovery listener failed");
      }
    }
  };

  const probeOnce = async (): Promise<RedisHealthState> => {
    const lossesBefore = losses;
    let guard: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_resolve, reject) => {
      guard = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([options.probe(), bound]);
      if (losses === lossesBefore) goUp();
    } catch (error) {
      goDown(error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(guard);
    }
    return current;
  };

  const check = (): Promise<RedisHealthState> => {
    running ??= probeOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    state: () => current,
    check,
    lost(reason) {
      losses++;
      goDown(reason);
    },
    onRecovered(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => void check(), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      listeners.clear();
    },
  };
}
