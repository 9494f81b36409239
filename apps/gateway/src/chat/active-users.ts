/**
 * Distinct signed-in users (token subjects) per tenant across the cluster, for the
 * analytics tick: `fetchSockets()` asks every node through the adapter (bounded by the
 * adapter's request timeout), so a node that is down delays a round but never counts twice.
 */
import type { GatewayServer } from "../socket/socket-types";

export async function countActiveUsers(io: GatewayServer): Promise<Map<string, number>> {
  const sockets = await io.fetchSockets();
  const users = new Map<string, Set<string>>();
  for (const socket of sockets) {
    const principal = socket.data.principal;
    if (principal === undefined) continue;
    const set = users.get(principal.tenant) ?? new Set<string>();
    set.add(`${principal.role}:${principal.sub}`);
    users.set(principal.tenant, set);
  }
  return new Map([...users].map(([tenant, set]) => [tenant, set.size]));
}
