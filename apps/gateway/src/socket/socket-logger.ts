/**
 * A socket's child logger (socket id, tenant, subject, role), made the first time the
 * socket logs something and kept for it in a WeakMap: an idle socket that never logs holds
 * no logger of its own (a pino child is a few hundred bytes per connection).
 */
import type { Logger } from "pino";
import type { GatewaySocket } from "./socket-types";

export type SocketLogger = (socket: GatewaySocket) => Logger;

export function socketLogger(logger: Logger): SocketLogger {
  const children = new WeakMap<GatewaySocket, Logger>();
  return (socket) => {
    let child = children.get(socket);
    if (child === undefined) {
      const principal = socket.data.principal as GatewaySocket["data"]["principal"] | undefined;
      child = logger.child({ socket: socket.id, tenant: principal?.tenant, sub: principal?.sub, role: principal?.role });
      children.set(socket, child);
    }
    return child;
  };
}
