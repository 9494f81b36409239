/**
 * This node's part of presence: which of its sockets are visible in which stream, turned
 * into entries of the presence store (presence-store.ts) and `presence` events.
 *
 * - A socket that subscribed with `presence: true` is tracked in that stream and joins the
 *   stream's presence room, where `presence` events go (through the adapter, so to every
 *   node, never through the outbox: they are about now, not history).
 * - A user is one member however many sockets it has. Its first socket on this node writes
 *   the node's entry; the store says whether that is the user's first anywhere (a join).
 *   Its last socket here leaving starts a grace period (`graceMs`): a socket of the same
 *   user tracked again meanwhile (a page reload) cancels it, so a reload is not a leave.
 *   After the grace, the entry is removed and, if it was the user's last, a leave is sent.
 * - Every `refreshMs` the node rewrites its entries with a new expiry (`ttlMs` ahead); an
 *   entry it had lost (swept during a partition) comes back as a join. Every `sweepMs` it
 *   sweeps the streams it has entries in: the expired entries of a dead node are removed
 *   there, and their members' leaves are sent by the one node whose sweep removed them.
 *   So a node that dies (SIGKILL) is gone from every stream within ttlMs + sweepMs.
 * - Every store call is bounded (`timeoutMs`); a failed or late call is logged (a warning
 *   once per outage) and the next refresh repairs the entry (a lost entry comes back as a
 *   join). Nothing here throws into a socket handler.
 * `close()` stops the timers; the entries of this node then expire like a dead node's, so
 * clients that reconnect to another node within the TTL see no leave.
 */
import { err, presenceRoom, type PresenceMember, type Principal, type Result } from "@roomcast/protocol";
import type { Logger } from "pino";
import type { GatewayServer, GatewaySocket } from "../socket/socket-types";
import { toMember, type PresenceEntry, type PresenceStore } from "./presence-store";

export interface PresenceTimings {
  refreshMs: number;
  ttlMs: number;
  sweepMs: number;
  graceMs: number;
  timeoutMs: number;
}

/** Worst case for a dead node's members: ttlMs + sweepMs = 6 s after its last refresh. */
export const PRESENCE_TIMINGS: PresenceTimings = { refreshMs: 1500, ttlMs: 5000, sweepMs: 1000, graceMs: 3000, timeoutMs: 1000 };

export interface PresenceTracker {
  /** Makes the socket visible in `stream` and sends it that stream's presence events. */
  track(socket: GatewaySocket, stream: string): Promise<void>;
  untrack(socket: GatewaySocket, stream: string): void;
  isTracked(socket: GatewaySocket, stream: string): boolean;
  members(stream: string): Promise<Result<{ members: PresenceMember[] }>>;
  start(): void;
  close(): void;
}

export interface PresenceTrackerDeps {
  io: GatewayServer;
  store: PresenceStore;
  logger: Logger;
  timings?: Partial<PresenceTimings>;
  now?: () => number;
}

interface LocalMember {
  entry: PresenceEntry;
  sockets: Set<string>;
  leaveTimer?: NodeJS.Timeout | undefined;
}

export function createPresenceTracker(deps: PresenceTrackerDeps): PresenceTracker {
  const { io, store, logger } = deps;
  const t = { ...PRESENCE_TIMINGS, ...deps.timings };
  const now = deps.now ?? Date.now;
  /** stream → user → this node's sockets of that user there. */
  const local = new Map<string, Map<string, LocalMember>>();
  /** socket id → the streams it is tracked in. */
  const bySocket = new Map<string, Set<string>>();
  const timers: NodeJS.Timeout[] = [];

  const bounded = <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      work,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`presence store did not answer within ${t.timeoutMs} ms`)), t.timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  };
  // One warning per outage (every entry fails each refresh while the store is away), one line when it is back.
  let unreachable = false;
  const failed = (what: string, stream: string) => (error: unknown) => {
    const fields = { err: error instanceof Error ? error.message : String(error), stream };
    if (unreachable) return logger.debug(fields, `presence ${what} failed`);
    unreachable = true;
    logger.warn(fields, `presence ${what} failed; the store is retried on every refresh`);
  };
  const answered = () => {
    if (!unreachable) return;
    unreachable = false;
    logger.info("presence store reachable again");
  };
  const emit = (stream: string, type: "join" | "leave", member: PresenceMember) => io.to(presenceRoom(stream)).emit("presence", { stream, type, member });

  const put = async (stream: string, member: LocalMember) => {
    const at = now();
    const { first } = await bounded(store.put(stream, member.entry, at, at + t.ttlMs));
    answered();
    if (first) emit(stream, "join", toMember(member.entry));
  };

  const leave = async (stream: string, user: string) => {
    const members = local.get(stream);
    const member = members?.get(user);
    if (members === undefined || member === undefined || member.sockets.size > 0) return;
    members.delete(user);
    if (members.size === 0) local.delete(stream);
    const { last } = await bounded(store.remove(stream, user, now()));
    if (last) emit(stream, "leave", toMember(member.entry));
  };

  const entryOf = (principal: Principal, connections: number): PresenceEntry => ({
    user: principal.sub,
    role: principal.role,
    ...(principal.name === undefined ? {} : { name: principal.name }),
    connections,
  });

  const forget = (socket: GatewaySocket, stream: string) => {
    const streams = bySocket.get(socket.id);
    if (streams === undefined || !streams.delete(stream)) return;
    if (streams.size === 0) bySocket.delete(socket.id);
    const member = local.get(stream)?.get(socket.data.principal.sub);
    if (member === undefined) return;
    member.sockets.delete(socket.id);
    if (member.sockets.size > 0) {
      member.entry.connections = member.sockets.size;
      put(stream, member).catch(failed("update", stream));
      return;
    }
    clearTimeout(member.leaveTimer);
    member.leaveTimer = setTimeout(() => {
      member.leaveTimer = undefined;
      leave(stream, member.entry.user).catch(failed("leave", stream));
    }, t.graceMs);
  };

  return {
    async track(socket, stream) {
      const { principal } = socket.data;
      let streams = bySocket.get(socket.id);
      if (streams === undefined) {
        bySocket.set(socket.id, (streams = new Set()));
        socket.once("disconnect", () => {
          for (const tracked of [...(bySocket.get(socket.id) ?? [])]) forget(socket, tracked);
        });
      }
      if (streams.has(stream)) return;
      streams.add(stream);
      await socket.join(presenceRoom(stream));
      let members = local.get(stream);
      if (members === undefined) local.set(stream, (members = new Map()));
      let member = members.get(principal.sub);
      if (member === undefined) members.set(principal.sub, (member = { entry: entryOf(principal, 0), sockets: new Set() }));
      clearTimeout(member.leaveTimer);
      member.leaveTimer = undefined;
      member.sockets.add(socket.id);
      member.entry.connections = member.sockets.size;
      await put(stream, member).catch(failed("join", stream));
    },
    untrack(socket, stream) {
      void socket.leave(presenceRoom(stream));
      forget(socket, stream);
    },
    isTracked: (socket, stream) => bySocket.get(socket.id)?.has(stream) ?? false,
    async members(stream) {
      try {
        return { ok: true, members: await bounded(store.members(stream, now())) };
      } catch (error) {
        failed("read", stream)(error);
        return err("unavailable", "presence is unavailable, retry later");
      }
    },
    start() {
      if (timers.length > 0) return;
      const refresh = setInterval(() => {
        for (const [stream, members] of local) for (const member of members.values()) put(stream, member).catch(failed("refresh", stream));
      }, t.refreshMs);
      const sweep = setInterval(() => {
        for (const stream of local.keys()) {
          bounded(store.sweep(stream, now())).then((gone) => {
            for (const member of gone) emit(stream, "leave", member);
          }, failed("sweep", stream));
        }
      }, t.sweepMs);
      refresh.unref();
      sweep.unref();
      timers.push(refresh, sweep);
    },
    close() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      for (const members of local.values()) for (const member of members.values()) clearTimeout(member.leaveTimer);
      local.clear();
      bySocket.clear();
    },
  };
}
