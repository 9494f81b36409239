/**
 * Cross-node `fetchSockets` (the Admin UI calls it on every namespace when a UI connects)
 * rejects after the adapter's request timeout when a node does not answer — a hung
 * (SIGSTOPped) gateway. The library awaits it inside an event listener, so the rejection
 * would be unhandled and end the process. Each namespace's adapter is wrapped: a failed
 * cluster-wide fetch is counted, logged, and answered with this node's sockets only (the
 * same call with the `local` flag), a degraded answer instead of a crash.
 *
 * Applies to the namespaces that exist and every one created later.
 */
import type { Logger } from "pino";
import type { Namespace, Server } from "socket.io";

export interface FetchGuardHooks {
  onTimeout(): void;
  logger: Logger;
}

type Adapter = Namespace["adapter"];
type FetchOptions = Parameters<Adapter["fetchSockets"]>[0];

export function guardAdapter(adapter: Adapter, hooks: FetchGuardHooks): void {
  const fetchAll = adapter.fetchSockets.bind(adapter);
  adapter.fetchSockets = async (options: FetchOptions) => {
    try {
      return await fetchAll(options);
    } catch (error) {
      hooks.onTimeout();
      hooks.logger.warn({ err: error instanceof Error ? error.message : String(error), nsp: adapter.nsp.name }, "fetchSockets across the cluster failed; answering with local sockets");
      return fetchAll({ ...options, flags: { ...options.flags, local: true } });
    }
  };
}

export function guardFetchSockets(io: Pick<Server, "on"> & { _nsps: Map<string, Namespace> }, hooks: FetchGuardHooks): void {
  for (const nsp of io._nsps.values()) guardAdapter(nsp.adapter, hooks);
  io.on("new_namespace", (nsp: Namespace) => guardAdapter(nsp.adapter, hooks));
}
